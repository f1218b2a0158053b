"""Errors that give the right advice for what really went wrong, made with real damaged files and a real server
(issue 15, finding 9), and a failing connection that shows none of its URL's secrets (finding 4)."""

from __future__ import annotations

from pathlib import Path

import duckdb
import pytest
import sqlalchemy as sa

import cli
from data_access.cache import release_embedded_file, run_read
from data_access.db import DatabaseError, created_empty, open_database
from data_access.schema import TABLES
from tests.conftest import new_app

BLOCK, FIRST_BLOCK = 256 * 1024, 3 * 4096  # DuckDB's block size; its blocks start after three 4 KiB headers
DAMAGED = "is damaged or not a DuckDB database: restore it from a backup or point CX_DATABASE_URL at another file"
WRONG_ADVICE = ("server is running", "holds this DuckDB file", "lacks a table")


def read_every_table(conn: sa.Connection) -> None:
    for table in TABLES.values():
        conn.execute(sa.select(table)).all()


def failure(url: str, *, read_only: bool = False) -> str:
    """The message a person sees when the app opens url and reads every table."""
    with pytest.raises(DatabaseError) as error:
        run_read(open_database(url, read_only=read_only), read_every_table)
    release_embedded_file()
    return str(error.value)


@pytest.fixture
def good_file(tmp_path, migrated_duckdb) -> Path:
    """A real DuckDB file as open_database makes it, holding one survey response."""
    path = tmp_path / "cx.duckdb"
    path.write_bytes(migrated_duckdb.read_bytes())
    with duckdb.connect(str(path)) as conn:
        conn.execute("INSERT INTO survey_responses (response_id, customer_id, submitted_at, touchpoint, nps) "
                     "VALUES ('R1', 'C1', TIMESTAMP '2025-01-05 10:00:00', 'Home delivery', 9)")
    return path


def truncated(path: Path) -> None:
    path.write_bytes(path.read_bytes()[: path.stat().st_size // 2])


def overwritten(path: Path) -> None:
    """Bytes in the middle of every block replaced, past each block's checksum."""
    data = bytearray(path.read_bytes())
    for start in range(FIRST_BLOCK, len(data), BLOCK):
        data[start + 1000:start + 3000] = b"\x5a" * 2000
    path.write_bytes(bytes(data))


def text_file(path: Path) -> None:
    path.write_text("response_id,customer_id\nR1,C1\n")


@pytest.mark.parametrize("damage", [truncated, overwritten, text_file])
def test_a_damaged_file_says_restore_it_not_check_the_server(good_file, damage):
    damage(good_file)
    message = failure(f"duckdb:///{good_file}")
    assert f"The file {good_file} {DAMAGED}" in message and "python cli.py demo" in message, message
    assert not [wrong for wrong in WRONG_ADVICE if wrong in message], message


def test_a_missing_file_in_read_only_mode_is_named_not_created(tmp_path):
    path = tmp_path / "gone" / "cx.duckdb"
    message = failure(f"duckdb:///{path}", read_only=True)
    assert f"the file {path} does not exist" in message and "CX_DATABASE_URL" in message, message
    assert "lacks a table" not in message
    assert not path.parent.exists()


def test_a_missing_file_is_created_and_the_app_says_so(tmp_path, monkeypatch):
    existing, missing = f"duckdb:///{tmp_path / 'existing.duckdb'}", f"duckdb:///{tmp_path / 'typo.duckdb'}"
    duckdb.connect(str(tmp_path / "existing.duckdb")).close()
    open_database(existing).dispose()
    assert created_empty(existing) is None
    monkeypatch.setenv("CX_DATABASE_URL", missing)
    at = new_app().run()
    release_embedded_file()
    assert not at.exception
    assert created_empty() == str(tmp_path / "typo.duckdb")
    assert f"A new, empty database was created at `{tmp_path / 'typo.duckdb'}`" in at.info[0].value


@pytest.mark.parametrize("backend", ["duckdb", pytest.param("postgres", marks=pytest.mark.postgres)])
def test_a_missing_table_says_the_database_lacks_it(databases, backend, tmp_path):
    url = f"duckdb:///{tmp_path / 'bare.duckdb'}" if backend == "duckdb" else databases.url(backend)
    if backend == "duckdb":
        duckdb.connect(str(tmp_path / "bare.duckdb")).close()
    message = failure(url, read_only=True)
    assert "lacks a table or column the app reads" in message, message


@pytest.mark.postgres
def test_a_missing_postgres_database_says_how_to_create_it(postgres_admin):
    url = postgres_admin.url.set(database="cx_no_such_db").render_as_string(hide_password=False)
    message = failure(url)
    assert "The database cx_no_such_db does not exist" in message and "createdb cx_no_such_db" in message, message
    assert "lacks a table" not in message


@pytest.mark.postgres
def test_a_missing_postgres_user_says_so(postgres_admin):
    url = postgres_admin.url.set(username="cx_no_such_user").render_as_string(hide_password=False)
    message = failure(url)
    assert "The user cx_no_such_user does not exist" in message and "lacks a table" not in message, message


LEAKY = "postgresql+psycopg://postgres:s3cr%40t@127.0.0.1:1/nope?password=hunter2"  # nothing listens on port 1
SECRETS = ("s3cr@t", "s3cr%40t", "hunter2")


def test_a_failing_connection_shows_none_of_its_secrets():
    message = failure(LEAKY)
    assert "postgres:***@127.0.0.1:1/nope?password=***" in message, message
    assert not [s for s in SECRETS if s in message], message


def test_the_command_line_prints_none_of_them(capsys):
    code = cli.main(["report", "--database-url", LEAKY])
    out, err = capsys.readouterr()
    assert code == 2 and "127.0.0.1:1/nope" in err
    assert not [s for s in SECRETS if s in out + err], out + err
