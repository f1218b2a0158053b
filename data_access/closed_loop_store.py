"""Writes of the closed loop: who follows up an unhappy customer's answer or ticket, how far they got, what came of it.

Not customer data, so not the loaders'. Each write is one transaction and checks read-only mode itself. The first
time an item leaves 'new' its first_contact_at is set, and never again: the days to first contact stay what they
were, whatever status follows.
"""

from __future__ import annotations

from datetime import UTC, datetime

import sqlalchemy as sa
from sqlalchemy.engine import Engine

from analytics.workshop import MAX_TEXT, WorkshopError, clean_name
from data_access.identity import check_write
from data_access.schema import closed_loop

SOURCES = ("answer", "ticket")  # a survey answer (response_id) or a service ticket (ticket_id)
STATUSES = ("new", "contacted", "resolved", "no reply")
NEW = STATUSES[0]
_c = closed_loop.c


def _checked(source: str, status: str, outcome: str | None) -> str | None:
    """The outcome note as stored, once source and status are known values; a WorkshopError says what to fix."""
    if source not in SOURCES:
        raise WorkshopError(f"Unknown kind of item '{source}': one of {', '.join(SOURCES)}.")
    if status not in STATUSES:
        raise WorkshopError(f"Unknown status '{status}': one of {', '.join(STATUSES)}.")
    note = (outcome or "").strip()
    if len(note) > MAX_TEXT:
        raise WorkshopError(f"The outcome note is {len(note):,} characters long; {MAX_TEXT:,} at most.")
    return note or None


def assign(engine: Engine, source: str, source_id: str, *, owner: str, status: str, outcome: str | None,
           by: str) -> None:
    """Give an item an owner, a status and an outcome note, in one transaction (a new row or the item's row)."""
    check_write("workshop", "follow-ups are shown but not assigned.")
    note = _checked(source, status, outcome)
    now = datetime.now(UTC).replace(tzinfo=None)
    values = {"owner": clean_name(owner, "name for the owner"), "status": status, "outcome": note,
              "updated_by": clean_name(by, "name"), "updated_at": now}
    key = (_c.source == source, _c.source_id == source_id)
    with engine.begin() as conn:
        current = conn.execute(sa.select(_c.first_contact_at).where(*key)).first()
        first_contact = current.first_contact_at if current else None
        values["first_contact_at"] = first_contact or (now if status != NEW else None)
        if current is None:
            try:
                conn.execute(sa.insert(closed_loop), [{"source": source, "source_id": source_id, **values}])
            except sa.exc.IntegrityError:  # assigned in another window a moment ago
                raise WorkshopError("Someone assigned this item at the same moment: look at it again, then save.") \
                    from None
        else:
            conn.execute(sa.update(closed_loop).where(*key).values(**values))
