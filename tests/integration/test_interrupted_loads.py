"""Loads killed mid-way (kill -9) in a real process: a plain import leaves exactly the state before it, and a demo
load left half done is found by `demo --if-empty` (what `make run` calls) and loaded again whole."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from collections.abc import Callable

import pytest
import sqlalchemy as sa

import cli
from data_access.loaders import demo_interrupted, import_dataset
from data_access.schema import TABLES
from tests.conftest import BACKENDS, ROOT, new_answers_file, table_fingerprints

BIG_SURVEY_ROWS = 400_000  # two of the reader's 200,000-row chunks: killed after the first is staged


def start(*argv: str, watch: str) -> subprocess.Popen:
    """cli.py in its own process, the watched stream (stdout or stderr) piped line by line, the other dropped."""
    piped = {name: subprocess.PIPE if name == watch else subprocess.DEVNULL for name in ("stdout", "stderr")}
    return subprocess.Popen([sys.executable, str(ROOT / "cli.py"), *argv], cwd=ROOT, text=True,
                            env={**os.environ, "PYTHONUNBUFFERED": "1"}, **piped)


def kill_when(process: subprocess.Popen, stream, seen: Callable[[str], bool]) -> list[str]:
    """SIGKILL the process the moment a line it prints is seen (nothing in the code waits for the test)."""
    lines = []
    for line in stream:
        lines.append(line)
        if seen(line):
            process.send_signal(signal.SIGKILL)
            break
    process.wait(timeout=60)
    assert process.returncode == -signal.SIGKILL, f"the process ended by itself: {''.join(lines)}"
    return lines


def counts(url: str) -> dict[str, int]:
    """Rows per table, the import log and app metadata included (what any backend can say)."""
    engine = sa.create_engine(url)
    try:
        with engine.connect() as conn:
            return {name: conn.execute(sa.select(sa.func.count()).select_from(table)).scalar_one()
                    for name, table in TABLES.items()}
    finally:
        engine.dispose()


def interrupted(url: str) -> bool:
    engine = sa.create_engine(url)
    try:
        with engine.connect() as conn:
            return demo_interrupted(conn)
    finally:
        engine.dispose()


@pytest.mark.slow  # a demo load killed, then a whole one (about 15 s per backend)
@pytest.mark.parametrize("backend", BACKENDS)
def test_a_demo_load_killed_after_the_survey_is_loaded_whole_by_if_empty(backend, databases, demo_duckdb_path,
                                                                         capsys):
    url = databases.url(backend)
    process = start("demo", "--database-url", url, watch="stdout")
    kill_when(process, process.stdout, lambda line: line.startswith("demo:survey"))
    left = counts(url)
    assert left["survey_responses"] > 0 and left["purchases"] == 0 and interrupted(url)  # the half company

    assert cli.main(["demo", "--if-empty", "--database-url", url]) == 0
    assert "interrupted" in capsys.readouterr().out
    demo = f"duckdb:///{demo_duckdb_path}"
    if backend == "duckdb":
        assert table_fingerprints(url) == table_fingerprints(demo)  # the very rows of a demo load never stopped
    loaded, whole = counts(url), counts(demo)
    assert all(loaded[name] > 0 for name in ("customers", "survey_responses", "service_tickets", "purchases"))
    # a page visit on the shared demo file may seed themes; the logs also hold what the killed load committed
    app_state = {"import_log", "audit_log", "comment_themes"}
    assert {k: v for k, v in loaded.items() if k not in app_state} == {k: v for k, v in whole.items()
                                                                       if k not in app_state}
    assert loaded["audit_log"] > whole["audit_log"]  # the interrupted imports are in the trail too
    assert not interrupted(url)
    assert cli.main(["demo", "--if-empty", "--database-url", url]) == 0
    assert "already holds data" in capsys.readouterr().out


def nth(text: str, n: int) -> Callable[[str], bool]:
    """Seen on the n-th line holding text."""
    holding: list[str] = []

    def seen(line: str) -> bool:
        if text in line:
            holding.append(line)
        return len(holding) == n
    return seen


@pytest.mark.slow  # writes and reads a 400,000-row file (about 10 s per backend)
@pytest.mark.parametrize("backend", BACKENDS)
def test_an_import_killed_mid_way_leaves_exactly_the_state_before_it(backend, databases, request, tmp_path):
    if backend == "duckdb":
        url = f"duckdb:///{request.getfixturevalue('demo_copy')}"
    else:
        url = databases.url("postgres", migrated=True)
        engine = sa.create_engine(url)
        import_dataset(engine, "survey", ROOT / "sample_data" / "survey.csv")
        engine.dispose()
    before = (counts(url), table_fingerprints(url) if backend == "duckdb" else None)
    big = new_answers_file(tmp_path / "big.csv", BIG_SURVEY_ROWS, "K")
    process = start("import", "survey", str(big), "--replace", "--database-url", url, watch="stderr")
    # the second chunk is being checked, so the first is staged inside the open transaction
    kill_when(process, process.stderr, nth("Checking rows", 2))
    assert (counts(url), table_fingerprints(url) if backend == "duckdb" else None) == before
