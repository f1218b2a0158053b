"""The one decorator that makes a read callable two ways: from a page (cached) and on a connection (CLI, tests).

`@cached_read` turns `fn(conn, *args, **kwargs)` into a Read and registers it under its module and name
(`survey.counts`). A page calls `reads.survey.counts(filters, by=("touchpoint",))`: data_access.cache runs it on
the shared connection, keys the result by the arguments and the data version, and stops the page with a
readable message when the database fails. The CLI, bench and tests call `reads.survey.counts.on(conn, filters)`.
No Streamlit here: data_access.cache is imported only on the app's path.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Concatenate, Generic, ParamSpec, TypeVar

from sqlalchemy.engine import Connection

P = ParamSpec("P")
R = TypeVar("R")

READS: dict[str, Read] = {}  # every registered read by name: the allow-list the cache runs, filled by the decorator


class Read(Generic[P, R]):
    """A named read: `read(...)` in the app, cached until the data changes; `read.on(conn, ...)` anywhere else."""

    def __init__(self, fn: Callable[Concatenate[Connection, P], R], name: str) -> None:
        self.fn = fn  # the read itself, on a connection (tests may wrap it to watch what runs)
        self.name = name
        self.__doc__ = fn.__doc__
        self.__name__ = self.__qualname__ = fn.__name__
        self.__module__ = fn.__module__

    def __call__(self, *args: P.args, **kwargs: P.kwargs) -> R:
        from data_access import cache  # Streamlit only on the app's path

        return cache.run(self, *args, **kwargs)

    def on(self, conn: Connection, /, *args: P.args, **kwargs: P.kwargs) -> R:
        """Run on a connection the caller holds, uncached."""
        return self.fn(conn, *args, **kwargs)

    def __repr__(self) -> str:
        return f"<read {self.name}>"


class LiveRead(Read[P, R]):
    """A read of what people write while others look (workshop notes, votes, stories): never cached, so a note
    added in one browser shows in the next rerun of every other. Such tables are small."""

    def __call__(self, *args: P.args, **kwargs: P.kwargs) -> R:
        from data_access import cache

        return cache.run_live(self, *args, **kwargs)


def _register(read: Read[P, R]) -> Read[P, R]:
    if read.name in READS and READS[read.name].__module__ != read.__module__:  # the same module again: a reload
        raise ValueError(f"two reads are named {read.name}: in {READS[read.name].__module__} and {read.__module__}")
    READS[read.name] = read
    return read


def _name(fn: Callable) -> str:
    return f"{fn.__module__.rsplit('.', 1)[-1]}.{fn.__name__}"


def cached_read(fn: Callable[Concatenate[Connection, P], R]) -> Read[P, R]:
    """Register a read for the app's cached path under `<module>.<function>`, e.g. `survey.counts`."""
    return _register(Read(fn, _name(fn)))


def live_read(fn: Callable[Concatenate[Connection, P], R]) -> Read[P, R]:
    """Register a read that runs afresh on every call (LiveRead), under the same kind of name."""
    return _register(LiveRead(fn, _name(fn)))
