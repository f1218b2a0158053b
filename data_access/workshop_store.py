"""Writes of a review session: workshops, notes and actions, votes. Not customer data, so not the loaders'.

Each write is one transaction and checks read-only mode itself. Nothing is lost: a note is never deleted (archiving
is an edit), every edit first copies the row as it was into workshop_note_history, and an edit names the version it
started from, so of two people editing one note at once the second is told to reload instead of overwriting. Two
people adding notes at once each insert a row of their own.
"""

from __future__ import annotations

import uuid
from datetime import UTC, date, datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection, Engine

from analytics.workshop import (
    ActionFields,
    WorkshopError,
    check_budget,
    check_kind,
    check_move,
    clean_name,
    clean_text,
)
from data_access.identity import check_write
from data_access.schema import NOTE_FIELDS, workshop_note_history, workshop_notes, workshop_votes, workshops

_n, _v = workshop_notes.c, workshop_votes.c
VOTE_TARGETS = ("touchpoint", "action")


class ConflictError(WorkshopError):
    """Someone else changed the note since it was shown."""


def _now() -> datetime:
    return datetime.now(UTC).replace(tzinfo=None)


def _writable() -> None:
    check_write("workshop", "workshop notes, actions and votes are shown but not stored.")


def create_workshop(engine: Engine, *, name: str, held_on: date, facilitator: str, by: str, start_page: str = "app.py",
                    start_params: str = "", vote_budget: int = 3) -> str:
    """A new workshop, with the view it started from; returns its id."""
    _writable()
    row = {"workshop_id": uuid.uuid4().hex, "name": clean_name(name, "workshop name"), "held_on": held_on,
           "facilitator": clean_name(facilitator, "facilitator"), "start_page": start_page,
           "start_params": start_params, "vote_budget": check_budget(vote_budget), "created_by": clean_name(by),
           "created_at": _now()}
    with engine.begin() as conn:
        conn.execute(sa.insert(workshops), [row])
    return str(row["workshop_id"])


def set_vote_budget(engine: Engine, workshop_id: str, budget: int) -> None:
    """The facilitator's votes per participant; votes already cast stay."""
    _writable()
    with engine.begin() as conn:
        conn.execute(sa.update(workshops).where(workshops.c.workshop_id == workshop_id)
                     .values(vote_budget=check_budget(budget)))


def add_note(engine: Engine, workshop_id: str, *, kind: str, text: str, by: str, stage: str | None = None,
             touchpoint: str | None = None, view_page: str | None = None, view_params: str | None = None,
             action: ActionFields | None = None) -> str:
    """A note pinned to a stage or a touchpoint (and, if given, the view it was made on); an action carries
    ActionFields. Returns its id."""
    _writable()
    check_kind(kind)
    if kind == "action" and action is None:
        raise WorkshopError("An action needs an owner (and a due date, if it has one).")
    if not (stage or touchpoint):
        raise WorkshopError("Pin the note to a stage or a touchpoint.")
    author, now = clean_name(by, "name"), _now()
    row: dict[str, Any] = {
        "note_id": uuid.uuid4().hex, "workshop_id": workshop_id, "kind": kind, "text": clean_text(text),
        "stage": stage, "touchpoint": touchpoint, "owner": None, "due_on": None, "status": None,
        "expected_effect": None, "archived": False, "view_page": view_page, "view_params": view_params,
        "author": author, "created_at": now, "updated_by": author, "updated_at": now, "version": 1,
        **(action.checked() if kind == "action" and action else {})}
    with engine.begin() as conn:
        if conn.execute(sa.select(workshops.c.workshop_id).where(workshops.c.workshop_id == workshop_id)).first() \
                is None:
            raise WorkshopError("That workshop does not exist (any more): pick one on the Workshop page.")
        conn.execute(sa.insert(workshop_notes), [row])
    return row["note_id"]


def _changed(current: Any, changes: dict[str, Any]) -> dict[str, Any]:
    """The changes checked against the note as it is: text and names cleaned, the status move allowed."""
    checked = dict(changes)
    if "text" in checked:
        checked["text"] = clean_text(checked["text"])
    if "owner" in checked:
        checked["owner"] = clean_name(checked["owner"], "owner")
    if "status" in checked:
        if current.kind != "action":
            raise WorkshopError("Only actions have a status.")
        checked["status"] = check_move(current.status, checked["status"])
    unknown = set(checked) - set(NOTE_FIELDS)
    if unknown or "kind" in checked:
        raise WorkshopError(f"A note's {', '.join(sorted(unknown | ({'kind'} & set(checked))))} cannot be edited.")
    return checked


def edit_note(engine: Engine, note_id: str, version: int, *, by: str, **changes: Any) -> int:
    """Change a note that is at `version` (what the person saw); the row as it was goes to the history first.
    Returns the new version. Nothing changes, and ConflictError says to reload, if someone edited it meanwhile."""
    _writable()
    editor = clean_name(by, "name")
    with engine.begin() as conn:
        current = conn.execute(sa.select(workshop_notes).where(_n.note_id == note_id)).first()
        if current is None:
            raise WorkshopError("That note does not exist.")
        checked = _changed(current, changes)
        if current.version != version:
            raise ConflictError(f"{current.updated_by} changed this note at {current.updated_at:%H:%M}, after you "
                                "opened it: reload to see their change, then edit again.")
        _keep(conn, current)
        updated = conn.execute(sa.update(workshop_notes).where(_n.note_id == note_id, _n.version == version)
                               .values(**checked, updated_by=editor, updated_at=_now(), version=version + 1))
        if updated.rowcount != 1:  # another transaction got there between our read and our write
            raise ConflictError("Someone changed this note at the same moment: reload and edit again.")
    return version + 1


def _keep(conn: Connection, row: Any) -> None:
    conn.execute(sa.insert(workshop_note_history), [{
        "note_id": row.note_id, "version": row.version, "updated_by": row.updated_by, "updated_at": row.updated_at,
        **{name: getattr(row, name) for name in NOTE_FIELDS}}])


def archive_note(engine: Engine, note_id: str, version: int, *, by: str) -> int:
    """Take a note off the boards; it stays in the table and its history (archiving is an edit)."""
    return edit_note(engine, note_id, version, by=by, archived=True)


def vote(engine: Engine, workshop_id: str, participant: str, target_kind: str, target: str) -> int:
    """Spend one of the participant's votes; returns the votes left. Each vote takes a free slot 1..budget in the
    key, so two browsers of one participant cannot spend more than the budget between them."""
    _writable()
    if target_kind not in VOTE_TARGETS:
        raise WorkshopError(f"Votes go to a touchpoint or an action, not a {target_kind}.")
    who = clean_name(participant, "name")
    with engine.begin() as conn:
        budget = conn.execute(sa.select(workshops.c.vote_budget)
                              .where(workshops.c.workshop_id == workshop_id)).scalar_one_or_none()
        if budget is None:
            raise WorkshopError("That workshop does not exist (any more).")
        taken = set(conn.execute(sa.select(_v.slot).where(_v.workshop_id == workshop_id,
                                                          _v.participant == who)).scalars())
        free = [slot for slot in range(1, budget + 1) if slot not in taken]
        if not free:
            raise WorkshopError(f"{who} has spent all {budget} votes. Take one back to vote again.")
        try:
            conn.execute(sa.insert(workshop_votes), [{"workshop_id": workshop_id, "participant": who,
                                                      "slot": free[0], "target_kind": target_kind, "target": target,
                                                      "cast_at": _now()}])
        except sa.exc.IntegrityError:  # the same slot, taken a moment ago in another browser
            raise WorkshopError(f"{who} voted in another window at the same moment: vote again.") from None
    return len(free) - 1


def unvote(engine: Engine, workshop_id: str, participant: str, target_kind: str, target: str) -> None:
    """Take back one of the participant's votes on a target (the latest)."""
    _writable()
    who = clean_name(participant, "name")
    mine = (_v.workshop_id == workshop_id, _v.participant == who, _v.target_kind == target_kind, _v.target == target)
    with engine.begin() as conn:
        slot = conn.execute(sa.select(sa.func.max(_v.slot)).where(*mine)).scalar()
        if slot is None:
            raise WorkshopError(f"{who} has no vote on that to take back.")
        conn.execute(sa.delete(workshop_votes).where(*mine, _v.slot == slot))
