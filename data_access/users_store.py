"""The built-in sign-in's users: name, role, scope and an argon2id hash of the password (never the password).

For teams without an identity provider (`python cli.py users add`). A person who signs in through the provider
may have a row too, without a password, to give them a role or a scope the provider's claims do not. Every change
is one transaction with its audit entry, and only an admin may make it.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import UTC, datetime

import sqlalchemy as sa
from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy.engine import Connection, Engine

from analytics.access import Principal, Scope, check_role
from data_access import audit, identity
from data_access.identity import check_write
from data_access.schema import users

MIN_PASSWORD = 12  # characters; long passphrases beat rules about symbols
_hasher = PasswordHasher()  # argon2id with the library's current defaults
_DUMMY_HASH = _hasher.hash("a password no one has")  # verified against when the user is unknown: same time taken
_u = users.c


class UserError(ValueError):
    """A user change that cannot be made; the message says why."""


def _name(username: str) -> str:
    name = username.strip()
    if not name or len(name) > 200 or any(ch.isspace() or not ch.isprintable() for ch in name):
        raise UserError(f"A user name is 1-200 characters without spaces: {username!r} is not.")
    return name


def hash_password(password: str) -> str:
    """The argon2id hash stored for a password; made where the password was typed, so only the hash travels."""
    if len(password) < MIN_PASSWORD:
        raise UserError(f"A password needs at least {MIN_PASSWORD} characters.")
    return _hasher.hash(password)


def _row(conn: Connection, username: str) -> sa.Row | None:
    return conn.execute(sa.select(users).where(_u.username == username)).first()


def _stamp() -> dict:
    return {"updated_by": identity.current().name, "updated_at": datetime.now(UTC).replace(tzinfo=None)}


def _checked_hash(password_hash: str) -> str:
    if not password_hash.startswith("$argon2"):
        raise UserError("That is not an argon2 password hash (users_store.hash_password makes one).")
    return password_hash


def add(engine: Engine, username: str, role: str, password_hash: str | None = None, *,
        regions: Sequence[str] = (), tiers: Sequence[str] = ()) -> None:
    """A new user; without a password they can only sign in through the identity provider."""
    check_write("users", "users are not added.")
    name, role = _name(username), check_role(role)
    password_hash = None if password_hash is None else _checked_hash(password_hash)
    with engine.begin() as conn:
        if _row(conn, name) is not None:
            raise UserError(f"There is a user {name} already: use set-role or set-password to change them.")
        conn.execute(users.insert().values(username=name, password_hash=password_hash, role=role,
                                           regions=json.dumps(list(regions)), tiers=json.dumps(list(tiers)),
                                           **_stamp()))
        audit.record(conn, "user", f"added {name} as {role}" + _scope_text(regions, tiers))


def remove(engine: Engine, username: str) -> None:
    check_write("users", "users are not removed.")
    name = _name(username)
    with engine.begin() as conn:
        if conn.execute(users.delete().where(_u.username == name)).rowcount == 0:
            raise UserError(f"There is no user {name}.")
        audit.record(conn, "user", f"removed {name}")


def _update(engine: Engine, username: str, values: dict, action: str, what: str) -> None:
    check_write("users", "users are not changed.")
    name = _name(username)
    with engine.begin() as conn:
        if conn.execute(users.update().where(_u.username == name).values(**values, **_stamp())).rowcount == 0:
            raise UserError(f"There is no user {name}: add them first (cli.py users add).")
        audit.record(conn, action, f"{name}: {what}")


def set_role(engine: Engine, username: str, role: str) -> None:
    _update(engine, username, {"role": check_role(role)}, "role", f"role set to {role}")


def set_password(engine: Engine, username: str, password_hash: str) -> None:
    _update(engine, username, {"password_hash": _checked_hash(password_hash)}, "user", "password changed")


def set_scope(engine: Engine, username: str, regions: Sequence[str], tiers: Sequence[str]) -> None:
    _update(engine, username, {"regions": json.dumps(list(regions)), "tiers": json.dumps(list(tiers))}, "role",
            "scope set to " + Scope(tuple(regions), tuple(tiers)).describe())


def _scope_text(regions: Sequence[str], tiers: Sequence[str]) -> str:
    scope = Scope(tuple(regions), tuple(tiers))
    return f", limited to {scope.describe()}" if scope.limited else ""


def principal(row: sa.Row, via: str, display_name: str | None = None) -> Principal:
    """The person a user row stands for."""
    scope = Scope(tuple(json.loads(row.regions)), tuple(json.loads(row.tiers)))
    return Principal(display_name or row.username, row.role, via, scope)


def find(conn: Connection, username: str) -> sa.Row | None:
    """The user row, if any (for an identity provider's user, by e-mail or subject)."""
    return _row(conn, username.strip())


def verify(conn: Connection, username: str, password: str) -> Principal | None:
    """The person, when the password is theirs; None otherwise, in about the same time whether or not they exist."""
    row = _row(conn, username.strip())
    try:
        _hasher.verify(row.password_hash if row is not None and row.password_hash else _DUMMY_HASH, password)
    except (VerificationError, InvalidHashError):
        return None
    return principal(row, "password") if row is not None and row.password_hash else None
