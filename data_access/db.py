"""Engines and migrations, with errors a person can act on instead of driver tracebacks."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import sqlalchemy as sa
from alembic import command
from alembic.config import Config
from sqlalchemy.engine import URL, Engine, make_url
from sqlalchemy.pool import NullPool

from data_access.settings import database_url, masked

MIGRATIONS = Path(__file__).resolve().parent / "migrations"


class DatabaseError(RuntimeError):
    """The database could not be opened or used; the message says what to check."""


def explain(error: Exception, url: str, doing: str = "read from") -> DatabaseError:
    """A driver error as one paragraph naming the masked URL and what to check."""
    return DatabaseError(f"Could not {doing} the database {masked(url)}: {_hint(error)}")


def _hint(error: Exception) -> str:
    """What to check, by the kind of failure."""
    text = str(getattr(error, "orig", None) or error).strip().splitlines()[0]
    if isinstance(error, sa.exc.NoSuchModuleError):
        return f"{text}. Install the driver for this database (pip install it), or fix the URL's scheme."
    if isinstance(error, sa.exc.ArgumentError):
        return (f"{text}. A database URL looks like dialect+driver://user:password@host:port/database, "
                "e.g. postgresql+psycopg://cx@db.example.com:5432/cx or duckdb:///data/cx.duckdb.")
    if "does not exist" in text or "not found" in text.lower() or "no such table" in text:
        return (f"{text}. The database lacks a table or column the app reads: run the app once without "
                "CX_READ_ONLY so it creates its tables, or create the views listed in docs/warehouse.md.")
    if "lock" in text.lower() or "different configuration" in text:
        return (f"{text}. Another process (the running app or an import) holds this DuckDB file: stop it, "
                "or import through the app's Data page, or use PostgreSQL for several processes.")
    return (f"{text}. Check that the server is running and reachable, that host, port, user, password and "
            "database name are right, and that this user may connect.")


def _url(url: str) -> URL:
    try:
        return make_url(url)
    except sa.exc.ArgumentError as error:
        raise explain(error, url, "open") from None


def create_engine(url: str | None = None, *, read_only: bool = False) -> Engine:
    """An engine that has answered one query, or a DatabaseError naming the masked URL and what to check.

    Embedded DuckDB files are opened per connection (NullPool) so the file is only locked while a
    query or an import runs, which lets the CLI import between the app's reruns.
    """
    url = database_url(url)
    parsed = _url(url)
    options: dict = {}
    if parsed.get_backend_name() == "duckdb":
        options["poolclass"] = NullPool
        if parsed.database and parsed.database != ":memory:":
            Path(parsed.database).parent.mkdir(parents=True, exist_ok=True)
            if read_only:
                options["connect_args"] = {"read_only": True}
        else:
            options.pop("poolclass")
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


def migrate(engine: Engine) -> None:
    """Create or upgrade the schema to the newest migration."""
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    try:
        with engine.begin() as conn:
            config.attributes["connection"] = conn
            command.upgrade(config, "head")
    except Exception as error:  # noqa: BLE001
        raise DatabaseError(f"Could not create or upgrade the tables in {masked(str(engine.url))}: "
                            f"{_hint(error)}") from None


def open_database(url: str | None = None, *, read_only: bool = False) -> Engine:
    """The engine the app and CLI use: connected, and migrated unless read-only."""
    engine = create_engine(url, read_only=read_only)
    if not read_only:
        migrate(engine)
    return engine
