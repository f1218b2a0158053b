"""Read-only mode (CX_READ_ONLY=1) holds in every entry point: the CLI's writing commands exit 1 with one line and
leave the data as it was, its reads still work, and the writers in data_access refuse on their own."""

from __future__ import annotations

import duckdb
import pytest
import sqlalchemy as sa

import cli
from data_access import loaders, sentiment_models
from data_access.db import open_database
from data_access.settings import ReadOnlyError
from tests.conftest import ROOT, table_fingerprints

WRITES = {
    "import --replace": ["import", "survey", "{small}", "--replace"],
    "demo": ["demo"],
    "sentiment train": ["sentiment", "train"],
    "sentiment rescore": ["sentiment", "rescore"],
}


@pytest.fixture
def small_survey(tmp_path):
    """A survey file of one response: what took a 40,000-row table to 1 when read-only was ignored."""
    path = tmp_path / "one.csv"
    path.write_text("".join((ROOT / "sample_data" / "survey.csv").read_text(encoding="utf-8")
                            .splitlines(keepends=True)[:2]), encoding="utf-8")
    return path


def state(url: str) -> tuple[dict, list[tuple]]:
    """Every table's fingerprint, and the import log and app metadata the fingerprints leave out."""
    engine = sa.create_engine(url)
    with engine.connect() as conn:
        kept = [tuple(r) for r in conn.execute(sa.text(
            "SELECT (SELECT count(*) FROM import_log), string_agg(key || '=' || value, ',' ORDER BY key) "
            "FROM app_meta"))]
    engine.dispose()
    return table_fingerprints(url), kept


@pytest.mark.parametrize("command", list(WRITES))
def test_a_writing_command_exits_1_in_one_line_and_changes_nothing(command, demo_copy, small_survey, capsys,
                                                                   monkeypatch):
    url = f"duckdb:///{demo_copy}"
    before = state(url)
    monkeypatch.setenv("CX_READ_ONLY", "1")
    argv = [part.format(small=small_survey) for part in WRITES[command]]
    assert cli.main([*argv, "--database-url", url]) == 1
    err = capsys.readouterr().err
    assert err.startswith("error: Read-only mode (CX_READ_ONLY=1): ") and err.count("\n") == 1, err
    assert state(url) == before


def test_reads_still_work(demo_copy, capsys, monkeypatch):
    url = f"duckdb:///{demo_copy}"
    before = state(url)
    monkeypatch.setenv("CX_READ_ONLY", "1")
    assert cli.main(["report", "--format", "json", "--database-url", url]) == 0
    assert '"nps"' in capsys.readouterr().out
    assert cli.main(["actions", "--database-url", url]) == 0
    assert cli.main(["demo", "--if-empty", "--database-url", url]) == 0  # make run: the data is there, nothing to do
    assert "already holds data" in capsys.readouterr().out
    assert state(url) == before


def test_no_migration_runs_on_a_database_read_only_mode_was_pointed_at(tmp_path, small_survey, capsys, monkeypatch):
    """open_database follows CX_READ_ONLY by default, so the CLI never creates or upgrades tables under it."""
    path = tmp_path / "empty.duckdb"
    duckdb.connect(str(path)).close()
    monkeypatch.setenv("CX_READ_ONLY", "1")
    assert cli.main(["import", "survey", str(small_survey), "--database-url", f"duckdb:///{path}"]) == 1
    assert "Read-only mode" in capsys.readouterr().err
    with duckdb.connect(str(path), read_only=True) as db:
        assert db.execute("SELECT count(*) FROM information_schema.tables").fetchone() == (0,)


def test_every_writer_in_data_access_refuses_by_itself(demo_copy, small_survey, monkeypatch):
    url = f"duckdb:///{demo_copy}"
    before = state(url)
    engine = open_database(url, read_only=False)  # even on an engine that could write
    monkeypatch.setenv("CX_READ_ONLY", "1")
    writes = [lambda: loaders.import_dataset(engine, "survey", small_survey, replace=True),
              lambda: loaders.remove_dataset(engine, "survey"),
              lambda: sentiment_models.train_and_store(engine),
              lambda: sentiment_models.rescore(engine, "vader"),
              lambda: loaders.demo_load(engine).__enter__()]
    for write in writes:
        with pytest.raises(ReadOnlyError, match=r"^Read-only mode \(CX_READ_ONLY=1\): "):
            write()
    engine.dispose()
    assert state(url) == before
