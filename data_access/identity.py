"""Who the current page run or command acts for, so the stores can check the role themselves.

The page frame sets it at the top of every run (components/sign_in.py); a command line or a test that sets
nothing acts as the operator, an admin: whoever can run commands here can open the database file anyway.
"""

from __future__ import annotations

import getpass
import os
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar

from analytics.access import Principal
from data_access.settings import check_writable


def os_user() -> str:
    """Who runs this process, as the operating system names them (the audit trail's 'who' for a command)."""
    try:
        return getpass.getuser()
    except (KeyError, OSError):  # no user name in a container without an /etc/passwd entry
        return f"uid {os.getuid()}"


def operator(name: str | None = None) -> Principal:
    """The person at this machine's shell (or the one whose command the app runs for them): an admin."""
    return Principal(name or os_user(), "admin", "cli")


_current: ContextVar[Principal | None] = ContextVar("principal", default=None)


def current() -> Principal:
    return _current.get() or operator()


def set_current(principal: Principal) -> None:
    """Who this thread's page run acts for, until the next run sets it again."""
    _current.set(principal)


@contextmanager
def acting_as(principal: Principal) -> Iterator[Principal]:
    token = _current.set(principal)
    try:
        yield principal
    finally:
        _current.reset(token)


def require(capability: str) -> None:
    """Refuse what the current person's role does not allow (analytics.access.NotAllowed)."""
    current().require(capability)


def check_write(capability: str, read_only_what: str) -> None:
    """What every store asks before it writes: not in read-only mode, and allowed for this person's role."""
    check_writable(read_only_what)
    require(capability)
