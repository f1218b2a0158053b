"""Live reads of review sessions: workshops, their notes and actions, votes, open items per journey cell, stories.

Never cached (LiveRead): what one person writes shows in everyone's next rerun. The tables are small.
"""

from __future__ import annotations

import pandas as pd
import sqlalchemy as sa
from sqlalchemy.engine import Connection

from analytics.workshop import OPEN_STATUSES
from data_access.reads.registry import live_read
from data_access.schema import stories, story_steps, workshop_note_history, workshop_notes, workshop_votes, workshops
from data_access.sql import frame

_n, _v = workshop_notes.c, workshop_votes.c


@live_read
def workshops_list(conn: Connection) -> pd.DataFrame:
    """Every workshop, newest first, with its count of notes still on the boards."""
    notes = (sa.select(_n.workshop_id, sa.func.count().label("notes")).where(_n.archived.is_(False))
             .group_by(_n.workshop_id).subquery())
    return frame(conn, sa.select(workshops, sa.func.coalesce(notes.c.notes, 0).label("notes"))
                 .select_from(workshops.outerjoin(notes, notes.c.workshop_id == workshops.c.workshop_id))
                 .order_by(workshops.c.held_on.desc(), workshops.c.created_at.desc()))


def _with_workshop() -> sa.Select:
    """Notes with the name of the workshop they belong to."""
    return (sa.select(workshop_notes, workshops.c.name.label("workshop"))
            .join(workshops, workshops.c.workshop_id == _n.workshop_id))


def _open() -> sa.ColumnElement:
    """On the boards: not archived, and for actions not done or dropped."""
    return sa.and_(_n.archived.is_(False), sa.or_(_n.kind != "action", _n.status.in_(OPEN_STATUSES)))


@live_read
def notes(conn: Connection, workshop_id: str | None = None, *, touchpoint: str | None = None,
          open_only: bool = False, archived: bool = False) -> pd.DataFrame:
    """Notes and actions, oldest first: of one workshop, or pinned to one touchpoint (or its stage) in any."""
    conditions: list[sa.ColumnElement[bool]] = [] if archived else [_n.archived.is_(False)]
    if workshop_id:
        conditions.append(_n.workshop_id == workshop_id)
    if touchpoint:
        conditions.append(_n.touchpoint == touchpoint)
    if open_only:
        conditions.append(_open())
    return frame(conn, _with_workshop().where(*conditions).order_by(_n.created_at, _n.note_id))


@live_read
def actions(conn: Connection, statuses: tuple[str, ...] = OPEN_STATUSES) -> pd.DataFrame:
    """Actions of every workshop that are not archived, of the given statuses (by default open and doing: they
    stay until done), soonest due first; each with its workshop's name."""
    return frame(conn, _with_workshop().where(_n.kind == "action", _n.archived.is_(False), _n.status.in_(statuses))
                 .order_by(_n.due_on, _n.created_at))


@live_read
def history(conn: Connection, note_id: str) -> pd.DataFrame:
    """A note's earlier versions, newest first."""
    h = workshop_note_history.c
    return frame(conn, sa.select(workshop_note_history).where(h.note_id == note_id).order_by(h.version.desc()))


@live_read
def open_items_by_cell(conn: Connection) -> pd.DataFrame:
    """Open notes and actions per touchpoint, and per stage for those pinned to a stage only: the journey map's
    markers."""
    return frame(conn, sa.select(_n.stage, _n.touchpoint, sa.func.count().label("items")).where(_open())
                 .group_by(_n.stage, _n.touchpoint))


@live_read
def votes(conn: Connection, workshop_id: str) -> pd.DataFrame:
    """Votes per target and the participants who cast them."""
    return frame(conn, sa.select(_v.target_kind, _v.target, sa.func.count().label("votes"))
                 .where(_v.workshop_id == workshop_id).group_by(_v.target_kind, _v.target)
                 .order_by(sa.func.count().desc(), _v.target))


@live_read
def votes_cast(conn: Connection, workshop_id: str) -> pd.DataFrame:
    """Every participant's votes per target: who spent what (budgets, minutes, take-back)."""
    return frame(conn, sa.select(_v.participant, _v.target_kind, _v.target, sa.func.count().label("votes"))
                 .where(_v.workshop_id == workshop_id).group_by(_v.participant, _v.target_kind, _v.target)
                 .order_by(_v.participant, _v.target))


@live_read
def stories_list(conn: Connection) -> pd.DataFrame:
    """Every story with its number of steps, newest first."""
    s = story_steps.c
    steps = sa.select(s.story_id, sa.func.count().label("steps")).group_by(s.story_id).subquery()
    return frame(conn, sa.select(stories, sa.func.coalesce(steps.c.steps, 0).label("steps"))
                 .select_from(stories.outerjoin(steps, steps.c.story_id == stories.c.story_id))
                 .order_by(stories.c.created_at.desc()))


@live_read
def story(conn: Connection, story_id: str) -> pd.DataFrame:
    """A story's steps in order (page, params, caption), with the story's name on each row; empty if unknown."""
    s = story_steps.c
    return frame(conn, sa.select(stories.c.name, s.position, s.page, s.params, s.caption)
                 .join(stories, stories.c.story_id == s.story_id).where(s.story_id == story_id)
                 .order_by(s.position))
