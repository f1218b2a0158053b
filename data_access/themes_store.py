"""Writes of comment themes: store the proposed ones, rename, merge, pin. Not customer data, so not the loaders'.

Each write is one transaction and checks read-only mode itself, so no caller can write to a warehouse by
forgetting to ask. Names and keywords are validated by analytics.themes before they reach the table.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection, Engine

from analytics.themes import Theme, clean_name, merge_themes
from data_access.identity import check_write
from data_access.schema import comment_themes

_t = comment_themes.c


def keywords_text(keywords: Sequence[str]) -> str:
    """Keywords as stored: one per line (a keyword is a word or a two-word phrase, never a line break)."""
    return "\n".join(k.strip().lower() for k in keywords if k.strip())


def keywords_of(text: str) -> tuple[str, ...]:
    return tuple(line for line in text.splitlines() if line)


def as_theme(row: Any) -> Theme:
    """A comment_themes row as a Theme."""
    return Theme(row.name, keywords_of(row.keywords), row.theme_id, bool(row.pinned))


def _now() -> datetime:
    return datetime.now(UTC).replace(tzinfo=None)


def _writable() -> None:
    check_write("themes", "themes are shown but not stored or edited.")


def _live(conn: Connection, theme_id: str) -> tuple[str, Theme]:
    """(touchpoint, theme) of a theme that has not been merged away; a ValueError otherwise."""
    row = conn.execute(sa.select(comment_themes).where(_t.theme_id == theme_id, _t.merged_into.is_(None))).first()
    if row is None:
        raise ValueError("That theme no longer exists: it was merged or removed. Reload the page.")
    return row.touchpoint, as_theme(row)


def seed(engine: Engine, touchpoint: str, themes: Sequence[Theme]) -> list[Theme]:
    """Store proposed themes for a touchpoint that has none yet; returns what was stored (nothing if it had)."""
    _writable()
    with engine.begin() as conn:
        existing = sa.select(sa.func.count()).select_from(comment_themes).where(_t.touchpoint == touchpoint)
        if conn.execute(existing).scalar_one():
            return []
        now, stored = _now(), [Theme(clean_name(t.name), t.keywords, uuid.uuid4().hex, t.pinned) for t in themes]
        if stored:
            conn.execute(sa.insert(comment_themes), [
                {"theme_id": t.theme_id, "touchpoint": touchpoint, "name": t.name,
                 "keywords": keywords_text(t.keywords), "pinned": t.pinned, "merged_into": None,
                 "created_at": now, "updated_at": now} for t in stored])
    return stored


def _rename(conn: Connection, theme_id: str, name: str) -> str:
    cleaned = clean_name(name)
    _live(conn, theme_id)
    conn.execute(sa.update(comment_themes).where(_t.theme_id == theme_id).values(name=cleaned, updated_at=_now()))
    return cleaned


def _pin(conn: Connection, theme_id: str, pinned: bool) -> None:
    _live(conn, theme_id)
    conn.execute(sa.update(comment_themes).where(_t.theme_id == theme_id)
                 .values(pinned=bool(pinned), updated_at=_now()))


def _merge(conn: Connection, source_id: str, target_id: str) -> Theme:
    (source_touchpoint, source), (target_touchpoint, target) = _live(conn, source_id), _live(conn, target_id)
    if source_touchpoint != target_touchpoint:
        raise ValueError("Only themes of the same touchpoint can be merged.")
    merged, now = merge_themes(target, source), _now()
    conn.execute(sa.update(comment_themes).where(_t.theme_id == target_id).values(
        keywords=keywords_text(merged.keywords), pinned=merged.pinned, updated_at=now))
    conn.execute(sa.update(comment_themes).where(sa.or_(_t.theme_id == source_id, _t.merged_into == source_id))
                 .values(merged_into=target_id, updated_at=now))
    return merged


def rename(engine: Engine, theme_id: str, name: str) -> str:
    """Give a theme a new name (validated by analytics.themes.clean_name); returns the name as stored."""
    _writable()
    with engine.begin() as conn:
        return _rename(conn, theme_id, name)


def pin(engine: Engine, theme_id: str, pinned: bool = True) -> None:
    """Pin a theme (shown first, whatever its size) or unpin it."""
    _writable()
    with engine.begin() as conn:
        _pin(conn, theme_id, pinned)


def merge(engine: Engine, source_id: str, target_id: str) -> Theme:
    """Fold one theme into another of the same touchpoint (analytics.themes.merge_themes); returns the target.

    The source stays, pointing at the target, and so do themes merged into it before, so no chain forms.
    """
    _writable()
    with engine.begin() as conn:
        return _merge(conn, source_id, target_id)


def edit(engine: Engine, theme: Theme, *, name: str, pinned: bool, merge_into: str | None = None) -> None:
    """What one save of the Voices page's theme form asks, in one transaction: all of it is stored, or none."""
    _writable()
    with engine.begin() as conn:
        if clean_name(name) != theme.name:
            _rename(conn, theme.theme_id, name)
        if pinned != theme.pinned:
            _pin(conn, theme.theme_id, pinned)
        if merge_into:
            _merge(conn, theme.theme_id, merge_into)
