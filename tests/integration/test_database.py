"""Opening databases: readable errors with the password masked, migrations that match the schema."""

from __future__ import annotations

import pytest
import sqlalchemy as sa
from alembic.script import ScriptDirectory

from data_access import settings
from data_access.db import MIGRATIONS, DatabaseError, create_engine, open_database
from data_access.schema import TABLES

HEAD = ScriptDirectory(str(MIGRATIONS)).get_current_head()


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("postgresql+psycopg://cx:s3cret@127.0.0.1:1/cx", ["postgresql+psycopg://cx:***@127.0.0.1:1/cx",
                                                           "Check that the server is running"]),
        ("not a url", ["Could not open the database not a url", "dialect+driver://user:password@host"]),
        ("nosuchdb://x/y", ["nosuchdb", "Install the driver"]),
    ],
)
def test_a_broken_database_url_gets_one_readable_paragraph(url, expected):
    with pytest.raises(DatabaseError) as error:
        create_engine(url)
    message = str(error.value)
    assert all(part in message for part in expected), message
    assert "s3cret" not in message and "Traceback" not in message


def test_an_unparseable_url_still_hides_its_password():
    assert settings.masked("postgresql://cx:s3cret@db:5432/cx") == "postgresql://cx:***@db:5432/cx"
    assert "s3cret" not in settings.masked("weird:://cx:s3cret@db")


def test_url_resolution_order(monkeypatch, tmp_path):
    monkeypatch.delenv("CX_DATABASE_URL", raising=False)
    monkeypatch.setattr(settings, "SECRETS_PATH", tmp_path / "secrets.toml")
    assert settings.database_url() == settings.default_url()
    (tmp_path / "secrets.toml").write_text('CX_DATABASE_URL = "duckdb:///from-secrets.duckdb"\n')
    assert settings.database_url() == "duckdb:///from-secrets.duckdb"
    monkeypatch.setenv("CX_DATABASE_URL", "duckdb:///from-env.duckdb")
    assert settings.database_url() == "duckdb:///from-env.duckdb"
    assert settings.database_url("duckdb:///explicit.duckdb") == "duckdb:///explicit.duckdb"


def test_a_locked_duckdb_file_says_who_to_stop(tmp_path):
    import duckdb

    path = tmp_path / "locked.duckdb"
    holder = duckdb.connect(str(path))
    try:
        import subprocess
        import sys

        code = ("from data_access.db import create_engine, DatabaseError\n"
                f"try:\n    create_engine('duckdb:///{path}')\nexcept DatabaseError as e:\n    print(e)")
        out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    finally:
        holder.close()
    assert "Another process (the running app or an import) holds this DuckDB file" in out


def test_migrations_create_exactly_the_schema_the_queries_use(engine):
    """The hand-written migration and schema.py must not drift apart (reflection is broken on DuckDB)."""
    with engine.connect() as conn:
        for name, table in TABLES.items():
            columns = list(conn.execute(sa.select(sa.text("*")).select_from(sa.table(name)).limit(0)).keys())
            assert columns == [c.name for c in table.columns], name


def test_migrating_twice_is_harmless(databases):
    url = databases.url("duckdb")
    open_database(url).dispose()
    engine = open_database(url)
    with engine.connect() as conn:
        assert conn.execute(sa.text("SELECT version_num FROM alembic_version")).scalar() == HEAD
    engine.dispose()


@pytest.mark.postgres
def test_postgresql_sessions_run_without_jit_and_after_a_rollback_still_do(databases):
    """JIT compiling cost the journey map up to a second a read (bench/README.md, fix 11)."""
    engine = databases.engine("postgres")
    with engine.connect() as conn:
        assert conn.execute(sa.text("SHOW jit")).scalar() == "off"
        conn.rollback()
        assert conn.execute(sa.text("SHOW jit")).scalar() == "off"
