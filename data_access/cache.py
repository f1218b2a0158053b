"""The app's door to the database: one engine per process, results cached by read, arguments and data version.

The only module in data_access that imports Streamlit. Pages call typed reads (`reads.survey.counts(filters)`);
each runs here, through `run`: one cache, one shared connection, one translation of driver errors.
"""

from __future__ import annotations

import atexit
import threading
import time
from collections.abc import Callable
from typing import Any, ParamSpec, TypeVar

import pandas as pd
import sqlalchemy as sa
import streamlit as st
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.pool import NullPool

from data_access import identity, owner
from data_access.db import DatabaseError, explain, open_database
from data_access.filters import Filters
from data_access.import_report import ImportReport
from data_access.loaders import import_dataset, remove_dataset
from data_access.reads import READS, Read
from data_access.reads import status as status_reads
from data_access.settings import database_url, read_only

IDLE_SECONDS = 2.0  # an embedded file stays open this long after the last read; then its lock is free again
# DuckDB's buffer cache while the app reads: without a cap it keeps every block the pages scanned, and the app
# process passed 600 MB at scale 1m; capped, cold pages stayed as fast (bench/README.md, fix 13). Imports
# close the reading connection first, so they run uncapped.
READ_MEMORY_LIMIT = "256MB"
P = ParamSpec("P")
R = TypeVar("R")
T = TypeVar("T")


class SharedConnection:
    """One connection to an embedded file for reads that come close together (a rerun's), closed once idle.

    The engine opens DuckDB files per connection (NullPool) so the CLI can import between reruns; but each
    open costs ~15 ms and starts with cold buffers, about a fifth of a cold page's reads (bench/README.md,
    fix 4). Reads take turns on the one connection (DuckDB spreads each query over the cores anyway), and
    each ends its transaction, so the next read sees the newest import.
    """

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._engine: Engine | None = None
        self._conn: Connection | None = None
        self._timer: threading.Timer | None = None

    def run(self, database: Engine, read: Callable[[Connection], T]) -> T:
        with self._lock:
            if self._timer is not None:
                self._timer.cancel()
            if self._engine is not database:
                self._close()
            if self._conn is None:
                self._conn, self._engine = database.connect(), database
                owner.cap_reads(self._conn, READ_MEMORY_LIMIT)  # not while a served command (an import) runs
            try:
                return read(self._conn)
            except sa.exc.SQLAlchemyError:
                self._close()
                raise
            finally:
                if self._conn is not None:
                    self._conn.rollback()
                    self._timer = threading.Timer(IDLE_SECONDS, self.close)
                    self._timer.daemon = True
                    self._timer.start()

    @property
    def is_open(self) -> bool:
        return self._conn is not None

    def close(self) -> None:
        with self._lock:
            self._close()

    def _close(self) -> None:
        if self._timer is not None:
            self._timer.cancel()
        if self._conn is not None:
            self._conn.close()
        self._conn = self._engine = None


_shared = SharedConnection()
atexit.register(_shared.close)  # close the file cleanly, before the interpreter tears DuckDB's objects down


def release_embedded_file() -> None:
    """Close the shared read connection now, so another process or another configuration can open the file."""
    _shared.close()


def engine() -> Engine:
    """The configured database, connected and migrated once per process (and per database it is pointed at)."""
    return _engine(database_url(), read_only())


@st.cache_resource(show_spinner=False)
def _engine(url: str, reading_only: bool) -> Engine:
    release_embedded_file()  # a connection to the previous engine's file would keep its settings and lock
    database = open_database(url, read_only=reading_only)
    if not reading_only:  # the CLI's commands on this embedded file run here meanwhile, beside the reads (0010)
        owner.serve(database, read_memory_limit=READ_MEMORY_LIMIT)
    return database


def _with_connection(read: Callable[[Connection], T]) -> T:
    return run_read(engine(), read)


def run_read(database: Engine, read: Callable[[Connection], T]) -> T:
    """Run a read as every page does; a driver error becomes a DatabaseError that says what to check."""
    try:
        if isinstance(database.pool, NullPool):  # an embedded file; server databases pool their own connections
            return _shared.run(database, read)
        with database.connect() as conn:
            return read(conn)
    except sa.exc.SQLAlchemyError as error:
        raise explain(error, database.url.render_as_string(hide_password=False)) from None


READ_ONLY_REFRESH_SECONDS = 600


Version = tuple[str, bool, int]  # (database URL, read-only, data version): the key of every cached result


def data_version() -> Version:
    """The configured database and its data version, so results are cached per database and refreshed on import.

    The database is part of the key, so a process that is pointed at another database (a test, or a changed
    CX_DATABASE_URL) never serves the first one's results.
    """
    return _version(database_url(), read_only())


@st.cache_data(show_spinner=False, ttl=1)
def _version(database: str, reading_only: bool) -> Version:
    """Re-read at most once a second, so an import anywhere (app or CLI) shows on the next rerun.

    A read-only warehouse has no import log to version, so there results refresh every ten minutes.
    """
    if reading_only:
        return database, True, int(time.time() // READ_ONLY_REFRESH_SECONDS)
    return database, False, _with_connection(status_reads.data_version)


@st.cache_data(show_spinner=False, max_entries=64)
def status(version: Version) -> dict[str, Any]:
    """Date range, filter options, last import and scorer: what the page frame needs."""
    def read(conn: Connection) -> dict[str, Any]:
        return {"span": status_reads.data_date_range(conn), "options": status_reads.filter_options(conn),
                "last_import": None if read_only() else status_reads.last_import(conn),
                "scorers": status_reads.sentiment_scorers(conn), "company_scorer": status_reads.company_scorer(conn)}
    return _with_connection(read)


@st.cache_data(show_spinner=False, max_entries=512)
def _cached_read(name: str, version: Version, args: tuple, kwargs: tuple) -> Any:
    return _with_connection(lambda conn: READS[name].on(conn, *args, **dict(kwargs)))


def _scoped(args: tuple, kwargs: dict) -> tuple[tuple, dict]:
    """Every filter a read gets limited to the scope of whoever the run acts for: whatever a page passes (or a
    URL asked for), a person limited to some regions or tiers reads only those."""
    scope = identity.current().scope

    def limited(value: Any) -> Any:
        return value.limited_to(scope) if isinstance(value, Filters) else value
    return tuple(map(limited, args)), {key: limited(value) for key, value in kwargs.items()}


def _or_stop(call: Callable[[], T]) -> T:
    """The call's result; a database failure stops the page with a message instead."""
    try:
        return call()
    except DatabaseError as error:
        st.error(f"**The data could not be read.** {error}")
        st.stop()


def run(read: Read[P, R], *args: P.args, **kwargs: P.kwargs) -> R:
    """A read's result, cached until the data version changes; a failure stops the page with a message.

    What calling a read does (`reads.survey.counts(filters)`); only registered reads run, looked up by name.
    """
    scoped_args, scoped_kwargs = _scoped(args, kwargs)
    return _or_stop(lambda: _cached_read(read.name, data_version(), scoped_args,
                                         tuple(sorted(scoped_kwargs.items()))))


def run_live(read: Read[P, R], *args: P.args, **kwargs: P.kwargs) -> R:
    """A live read's result, read now (what others just wrote included); a failure stops the page with a message."""
    scoped_args, scoped_kwargs = _scoped(args, kwargs)
    return _or_stop(lambda: _with_connection(lambda conn: read.on(conn, *scoped_args, **scoped_kwargs)))


RECENT_SECONDS = 5  # how old run_recent's results may be: how soon adding or changing a user takes effect


@st.cache_data(show_spinner=False, ttl=RECENT_SECONDS, max_entries=256)
def _recent_read(name: str, database: str, args: tuple) -> Any:
    return _with_connection(lambda conn: READS[name].on(conn, *args))


def run_recent(read: Read[..., R], *args: Any) -> R:
    """A live read's result at most RECENT_SECONDS old, for what every run of every page asks and seldom changes
    (who may sign in, with which role); a failure stops the page with a message."""
    scoped_args, _ = _scoped(args, {})
    return _or_stop(lambda: _recent_read(read.name, database_url(), scoped_args))


@st.cache_data(show_spinner=False, max_entries=16)
def health(version: Version) -> tuple[pd.DataFrame, dict[str, int]]:
    """The data health panel's figures."""
    return _with_connection(lambda conn: (status_reads.data_health(conn, with_imports=not read_only()),
                                          status_reads.data_checks(conn, with_origin=not read_only())))


def writable() -> bool:
    """False in read-only mode, where imports are disabled."""
    return not read_only()


def import_file(dataset_name: str, source: Any, **options: Any) -> ImportReport:
    """Import through the one loader, then drop cached results so every page shows the new data at once."""
    release_embedded_file()  # the import gets a fresh DuckDB instance, without the reads' memory cap
    report = import_dataset(engine(), dataset_name, source, **options)
    st.cache_data.clear()
    return report


def write(change: Callable[[Engine], T], *, cached_reads_change: bool = True) -> T:
    """Run a write that is not an import (theme names, merges, pins; workshop notes) on the app's engine, then drop
    cached results so every read shows it, unless only live reads show what it wrote (workshop tables); a driver
    error becomes a DatabaseError that says what to check."""
    release_embedded_file()
    database = engine()
    try:
        result = change(database)
    except sa.exc.SQLAlchemyError as error:
        raise explain(error, database.url.render_as_string(hide_password=False), "write to") from None
    if cached_reads_change:
        st.cache_data.clear()
    return result


def remove(dataset_name: str) -> ImportReport:
    """Delete a dataset's rows (after the person confirmed), then drop cached results."""
    release_embedded_file()
    report = remove_dataset(engine(), dataset_name)
    st.cache_data.clear()
    return report
