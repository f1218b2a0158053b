"""The audit trail: who imported, removed, exported, changed a role or signed in, when, and how many rows.

Recorded in the same transaction as the change where there is one (a role change), else right after it (an
import reports its rows when it ends). Never in read-only mode: nothing may be written there, and the
warehouse's own logs are the trail (docs/security.md).
"""

from __future__ import annotations

import uuid
from datetime import UTC, datetime

from sqlalchemy.engine import Connection, Engine

from analytics.access import Principal
from data_access import identity
from data_access.schema import audit_log
from data_access.settings import read_only

ACTIONS = ("sign-in", "sign-in failed", "import", "remove", "re-score", "export", "report", "user", "role")


def record(conn: Connection, action: str, what: str, rows: int | None = None,
           principal: Principal | None = None) -> None:
    """One entry, in the caller's transaction; the actor is who the run acts for unless named."""
    if action not in ACTIONS:
        raise ValueError(f"unknown audit action {action!r}")
    if read_only():
        return
    actor = principal or identity.current()
    conn.execute(audit_log.insert().values(
        event_id=uuid.uuid4().hex, happened_at=datetime.now(UTC).replace(tzinfo=None), actor=actor.name[:200],
        via=actor.via, action=action, what=what[:2000], row_count=None if rows is None else int(rows)))


def recorded(engine: Engine, action: str, what: str, rows: int | None = None,
             principal: Principal | None = None) -> None:
    """record, in a transaction of its own (after a change that has committed already, or a download)."""
    if read_only():
        return
    with engine.begin() as conn:
        record(conn, action, what, rows, principal)

