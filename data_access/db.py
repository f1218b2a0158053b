"""Engines and migrations, with errors a person can act on instead of driver tracebacks."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from alembic import command
from alembic.config import Config
from sqlalchemy.engine import URL, Connection, Engine, make_url
from sqlalchemy.pool import NullPool

from data_access import settings
from data_access.settings import database_url, masked, redacted

MIGRATIONS = Path(__file__).resolve().parent / "migrations"


class DatabaseError(RuntimeError):
    """The database could not be opened or used; the message says what to check."""


def explain(error: Exception, url: str, doing: str = "read from") -> DatabaseError:
    """A driver error as one paragraph naming the masked URL and what to check, with no secret of the URL in it."""
    return DatabaseError(f"Could not {doing} the database {masked(url)}: {redacted(_hint(error, url), url)}")


DAMAGED = ("The file {file} is damaged or not a DuckDB database: restore it from a backup or point CX_DATABASE_URL "
           "at another file; the demo can be rebuilt with `python cli.py demo`.")
LOCKED = ("Another process (the running app or an import) holds this DuckDB file: stop it, or import through the "
          "app's Data page, or use PostgreSQL for several processes.")
NO_DATABASE = ("The database {name} does not exist on this server: create it (`createdb {name}`, or "
               "`CREATE DATABASE \"{name}\"` in psql) or fix the database name in the URL.")
NO_ROLE = ("The user {name} does not exist on this server: fix the user name in the URL, or create the user "
           "(`createuser {name}`, or `CREATE ROLE \"{name}\" LOGIN PASSWORD '...'` in psql).")
NO_TABLE = ("The database lacks a table or column the app reads: run the app once without CX_READ_ONLY so it "
            "creates its tables, or create the views listed in docs/warehouse.md.")
# The first pattern found in the driver's message decides the advice (formatted with the pattern's named groups
# and {file}, the embedded file); a new kind of failure is one more entry. DuckDB's lock message says "lock on
# file", and its checksum message says "block", so "lock" alone would not do.
ADVICE = tuple((re.compile(pattern, re.IGNORECASE), advice) for pattern, advice in (
    (r"Could not set lock on file|different configuration than existing connections", LOCKED),
    (r"not a valid DuckDB database file|Could not read enough bytes|Corrupt database file|checksum", DAMAGED),
    (r'database "(?P<name>[^"]+)" does not exist', NO_DATABASE),
    (r'role "(?P<name>[^"]+)" does not exist', NO_ROLE),
    (r'(?:relation|schema) "[^"]+" does not exist|column "[^"]+" does not exist|Table with name \S+ does not exist|'
     r"Referenced column .* not found|no such (?:table|column)|(?:table|view|object) \S+ does not exist", NO_TABLE),
))
SERVER = ("Check that the server is running and reachable, that host, port, user, password and database name are "
          "right, and that this user may connect.")
EMBEDDED = "Check that this user may read and write the file {file} and its folder, and that the disk has room."


def _hint(error: Exception, url: str) -> str:
    """What to check, by the kind of failure."""
    text = str(getattr(error, "orig", None) or error).strip().splitlines()[0].rstrip(".!")
    if isinstance(error, sa.exc.NoSuchModuleError):
        return f"{text}. Install the driver for this database (pip install it), or fix the URL's scheme."
    if isinstance(error, sa.exc.ArgumentError):
        return (f"{text}. A database URL looks like dialect+driver://user:password@host:port/database, "
                "e.g. postgresql+psycopg://cx@db.example.com:5432/cx or duckdb:///data/cx.duckdb.")
    file = _embedded_file(url)
    for pattern, advice in ADVICE:
        if match := pattern.search(text):
            return f"{text}. " + advice.format(**match.groupdict(), file=file)
    return f"{text}. " + (SERVER if file is None else EMBEDDED.format(file=file))


def _embedded_file(url: str) -> str | None:
    """The DuckDB file a URL names, or None for a server database (or an in-memory one)."""
    try:
        parsed = make_url(url)
    except (sa.exc.ArgumentError, ValueError):
        return None
    embedded = parsed.get_backend_name() == "duckdb" and parsed.database not in (None, "", ":memory:")
    return parsed.database if embedded else None


def _url(url: str) -> URL:
    try:
        return make_url(url)
    except (sa.exc.ArgumentError, ValueError) as error:  # ValueError: a port that is not a number
        raise explain(sa.exc.ArgumentError(str(error)), url, "open") from None


_created: set[str] = set()  # the embedded files this process found missing and created new and empty


def created_empty(url: str | None = None) -> str | None:
    """The path of the DuckDB file open_database created for url because none was there, so a page that finds no
    data can say so instead of looking as if the data had vanished."""
    file = _embedded_file(database_url(url))
    return file if file in _created else None


def _missing_file(url: str, file: str) -> DatabaseError:
    """Read-only never creates a file, so a missing one is named, not made."""
    return DatabaseError(f"Could not open the database {masked(url)}: the file {file} does not exist. Point "
                         "CX_DATABASE_URL at the database file, or run once without CX_READ_ONLY to create it "
                         "(`python cli.py demo` builds the demo company).")


def create_engine(url: str | None = None, *, read_only: bool = False) -> Engine:
    """An engine that has answered one query, or a DatabaseError naming the masked URL and what to check.

    Embedded DuckDB files are opened per connection (NullPool) so the file is only locked while a
    query or an import runs, which lets the CLI import between the app's reruns.
    """
    url = database_url(url)
    parsed = _url(url)
    options: dict = {}
    file = _embedded_file(url)
    if file is not None:
        if not Path(file).exists():
            if read_only:
                raise _missing_file(url, file)
            Path(file).parent.mkdir(parents=True, exist_ok=True)
            _created.add(file)
        options["poolclass"] = NullPool
        if read_only:
            options["connect_args"] = {"read_only": True}
    try:
        engine = sa.create_engine(parsed, **options)
        if engine.dialect.name == "postgresql":
            sa.event.listen(engine, "connect", _without_jit)
        with engine.connect() as conn:
            conn.execute(sa.text("SELECT 1"))
    except Exception as error:  # noqa: BLE001 - every failure becomes one readable paragraph
        raise explain(error, url, "open") from None
    return engine


def _without_jit(dbapi_connection: Any, _record: Any) -> None:
    """Turn PostgreSQL's JIT compiler off for the app's sessions (bench/README.md, fix 12).

    The reads are short aggregations whose estimated costs clear the JIT thresholds by far, so each paid
    0.1-1 s of compiling to save less. A server without the setting keeps its own.
    """
    cursor = dbapi_connection.cursor()
    try:
        cursor.execute("SET jit = off")
        dbapi_connection.commit()
    except Exception:  # noqa: BLE001 - a PostgreSQL-compatible server without JIT: nothing to turn off
        dbapi_connection.rollback()
    finally:
        cursor.close()


def upgrade(conn: Connection, revision: str = "head") -> None:
    """Run the migrations up to a revision on a connection the caller holds (tests stop at an older one)."""
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    config.attributes["connection"] = conn
    command.upgrade(config, revision)


def migrate(engine: Engine) -> None:
    """Create or upgrade the schema to the newest migration."""
    try:
        with engine.begin() as conn:
            upgrade(conn)
    except Exception as error:  # noqa: BLE001
        raise explain(error, engine.url.render_as_string(hide_password=False),
                      "create or upgrade the tables in") from None


def open_database(url: str | None = None, *, read_only: bool | None = None) -> Engine:
    """The engine the app and CLI use: connected, and migrated unless read-only (by default: CX_READ_ONLY, so no
    entry point can forget it and migrate a database it was told to leave alone)."""
    read_only = settings.read_only() if read_only is None else read_only
    engine = create_engine(url, read_only=read_only)
    if not read_only:
        migrate(engine)
    return engine
