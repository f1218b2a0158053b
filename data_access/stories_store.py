"""Writes of stories: an ordered list of views (page + URL query string + a one-line caption) to present.

Each write is one transaction and checks read-only mode itself. Positions stay 1..n: removing or moving a step
rewrites the story's positions in the same transaction.
"""

from __future__ import annotations

import uuid
from datetime import UTC, datetime

import sqlalchemy as sa
from sqlalchemy.engine import Connection, Engine

from analytics.workshop import MAX_NAME, WorkshopError, clean_name
from data_access.identity import check_write
from data_access.schema import stories, story_steps

_s = story_steps.c


def _writable() -> None:
    check_write("workshop", "stories are shown but not stored.")


def create_story(engine: Engine, name: str, *, by: str) -> str:
    """A new, empty story; returns its id."""
    _writable()
    story_id = uuid.uuid4().hex
    with engine.begin() as conn:
        conn.execute(sa.insert(stories), [{"story_id": story_id, "name": clean_name(name, "story name"),
                                           "created_by": clean_name(by), "created_at":
                                               datetime.now(UTC).replace(tzinfo=None)}])
    return story_id


def _steps(conn: Connection, story_id: str) -> list[dict]:
    if conn.execute(sa.select(stories.c.story_id).where(stories.c.story_id == story_id)).first() is None:
        raise WorkshopError("That story does not exist (any more).")
    rows = conn.execute(sa.select(_s.page, _s.params, _s.caption).where(_s.story_id == story_id)
                        .order_by(_s.position)).mappings()
    return [dict(row) for row in rows]


def _rewrite(conn: Connection, story_id: str, steps: list[dict]) -> None:
    conn.execute(sa.delete(story_steps).where(_s.story_id == story_id))
    if steps:
        conn.execute(sa.insert(story_steps), [{"story_id": story_id, "position": i, **step}
                                              for i, step in enumerate(steps, 1)])


def add_step(engine: Engine, story_id: str, *, page: str, params: str, caption: str) -> int:
    """Append a view to the story; returns its step number."""
    _writable()
    line = " ".join((caption or "").split())[:2 * MAX_NAME]
    if not line:
        raise WorkshopError("Give the view a one-line caption: the headline it will have on the big screen.")
    with engine.begin() as conn:
        steps = _steps(conn, story_id)
        conn.execute(sa.insert(story_steps), [{"story_id": story_id, "position": len(steps) + 1, "page": page,
                                               "params": params, "caption": line}])
    return len(steps) + 1


def move_step(engine: Engine, story_id: str, position: int, offset: int) -> None:
    """Move step `position` up (offset -1) or down (+1); at either end it stays."""
    _writable()
    with engine.begin() as conn:
        steps = _steps(conn, story_id)
        target = position - 1 + offset
        if 0 <= position - 1 < len(steps) and 0 <= target < len(steps):
            steps.insert(target, steps.pop(position - 1))
            _rewrite(conn, story_id, steps)


def remove_step(engine: Engine, story_id: str, position: int) -> None:
    """Take a step out of the story; the ones after it move up."""
    _writable()
    with engine.begin() as conn:
        steps = _steps(conn, story_id)
        if 0 <= position - 1 < len(steps):
            steps.pop(position - 1)
            _rewrite(conn, story_id, steps)
