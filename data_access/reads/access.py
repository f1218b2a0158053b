"""Live reads of access: who may sign in, and the audit trail. Small tables, read afresh (LiveRead)."""

from __future__ import annotations

import pandas as pd
import sqlalchemy as sa
from sqlalchemy.engine import Connection

from analytics.access import Principal
from data_access import users_store
from data_access.reads.registry import live_read
from data_access.schema import audit_log, users
from data_access.settings import read_only
from data_access.sql import frame

# A read-only warehouse has no users table: there people sign in through the identity provider (docs/security.md).


@live_read
def user_count(conn: Connection) -> int:
    """People the built-in sign-in knows; none means no sign-in is configured this way."""
    if read_only():
        return 0
    return int(conn.execute(sa.select(sa.func.count()).select_from(users)).scalar_one())


@live_read
def user_row(conn: Connection, username: str) -> sa.Row | None:
    """The user's row: the role and scope of a person the identity provider signed in, if an admin set them."""
    return None if read_only() else users_store.find(conn, username)


@live_read
def verify_password(conn: Connection, username: str, password: str) -> Principal | None:
    """The person, when the password is theirs (users_store.verify)."""
    return users_store.verify(conn, username, password)


@live_read
def users_list(conn: Connection) -> pd.DataFrame:
    """Every user with role and scope, never the hash."""
    return frame(conn, sa.select(users.c.username, users.c.role, users.c.regions, users.c.tiers,
                                 (users.c.password_hash.is_not(None)).label("has_password"),
                                 users.c.updated_by, users.c.updated_at).order_by(users.c.username))


@live_read
def audit_trail(conn: Connection, limit: int = 200, action: str | None = None) -> pd.DataFrame:
    """The newest entries first, at most limit, of one action if named."""
    statement = (sa.select(audit_log.c.happened_at, audit_log.c.actor, audit_log.c.via, audit_log.c.action,
                           audit_log.c.what, audit_log.c.row_count)
                 .order_by(audit_log.c.happened_at.desc(), audit_log.c.event_id).limit(limit))
    if action:
        statement = statement.where(audit_log.c.action == action)
    return frame(conn, statement)
