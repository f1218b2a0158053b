"""An import while the app serves readers, on the embedded file (issue 15 finding 8, decision 0010): the CLI hands its
command to the process that holds the file, which runs it beside the reads; readers see the old or the new data,
never an error or half an import. Without an app, the CLI opens the file itself as before. Real processes."""

from __future__ import annotations

import json
import os
import queue
import socket
import subprocess
import sys
import threading
from collections.abc import Callable
from pathlib import Path

import pytest
import sqlalchemy as sa

from data_access import owner
from data_access.schema import survey_responses
from tests.conftest import ROOT, new_answers_file

SURVEY_ROWS = 200_000  # new answers, big enough that the import takes a few seconds while the reader reads
MAX_READS = 20_000  # the app's reading loop ends by itself after this many reads, should the test never stop it


def play_app() -> None:
    """The app's side, in its own process: open CX_DATABASE_URL as the app does (data_access.cache.engine, which
    serves commands for the file), then read as pages do (run_read, the shared connection; the data version) until
    a line arrives on stdin, printing each read (rows seen, data version, DuckDB's memory limit) or its error."""
    from data_access import cache

    database = cache.engine()
    stop = threading.Event()
    threading.Thread(target=lambda: (sys.stdin.readline(), stop.set()), daemon=True).start()
    print(json.dumps({"serving": owner.serving(database.url.database)}), flush=True)

    def read(conn: sa.Connection) -> tuple[int, str]:
        rows = conn.execute(sa.select(sa.func.count()).select_from(survey_responses)).scalar_one()
        return rows, conn.exec_driver_sql("SELECT current_setting('memory_limit')").scalar_one()

    done = 0
    while not stop.is_set() and done < MAX_READS:
        try:
            rows, limit = cache.run_read(database, read)
            seen = {"rows": rows, "version": cache.data_version()[2], "limit": limit}
        except Exception as error:  # noqa: BLE001 - every failure is what the test counts
            seen = {"error": f"{type(error).__name__}: {error}"}
        print(json.dumps({"read": done, **seen}), flush=True)
        done += 1
        stop.wait(0.005)  # a page's reads come in bursts; this leaves the import its share of the two cores
    print(json.dumps({"done": done}), flush=True)


class App:
    """play_app in a subprocess; its printed reads are collected by a thread as they come."""

    def __init__(self, url: str) -> None:
        self.process = subprocess.Popen(
            [sys.executable, "-c", "from tests.integration.test_import_while_serving import play_app; play_app()"],
            cwd=ROOT, text=True, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL,
            env={**os.environ, "CX_DATABASE_URL": url, "PYTHONUNBUFFERED": "1"})
        self.lines: queue.Queue[dict] = queue.Queue()
        self.seen: list[dict] = []
        self.printed = 0  # lines printed so far, consumed or not
        threading.Thread(target=self._collect, daemon=True).start()
        first = self.next()
        assert first == {"serving": True}, first

    def _collect(self) -> None:
        for line in self.process.stdout:
            self.lines.put(json.loads(line))
            self.printed += 1
        self.lines.put({"ended": self.process.wait()})

    def next(self) -> dict:
        """The next thing the app printed (it prints until stopped, and stops by itself after MAX_READS)."""
        line = self.lines.get(timeout=120)
        self.seen.append(line)
        assert "ended" not in line, f"the app's process ended: {self.seen[-5:]}"
        return line

    def reads_until(self, done: Callable[[dict], bool]) -> dict:
        while not done(line := self.next()):
            assert "done" not in line, "the app stopped reading before the expected read"
        return line

    def stop(self) -> list[dict]:
        """Stop reading; every read it did."""
        if self.process.poll() is None:
            self.process.stdin.write("stop\n")
            self.process.stdin.flush()
            while "done" not in self.next():
                pass
            self.process.wait(timeout=60)
        return [line for line in self.seen if "read" in line]


@pytest.fixture
def app(demo_copy):
    started: list[App] = []

    def start(path: Path = demo_copy) -> App:
        started.append(App(f"duckdb:///{path}"))
        return started[-1]
    yield start
    for running in started:
        if running.process.poll() is None:
            running.process.kill()
            running.process.wait(timeout=30)


def cli(*argv: str, cwd: Path = ROOT) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, str(ROOT / "cli.py"), *argv], cwd=cwd, capture_output=True, text=True,
                          timeout=600, env={k: v for k, v in os.environ.items() if k != "CX_DATABASE_URL"})


def rows(path: Path) -> int:
    engine = sa.create_engine(f"duckdb:///{path}")
    try:
        with engine.connect() as conn:
            return conn.execute(sa.select(sa.func.count()).select_from(survey_responses)).scalar_one()
    finally:
        engine.dispose()


@pytest.mark.slow  # a demo-sized app reading while 200,000 answers are imported (about 20 s)
def test_an_import_while_the_app_reads_succeeds_and_readers_see_the_old_or_the_new_data(app, demo_copy, tmp_path):
    before = rows(demo_copy)
    survey = new_answers_file(tmp_path / "answers.csv", SURVEY_ROWS, "W")
    running = app()
    first = running.reads_until(lambda line: "rows" in line)
    assert first["rows"] == before and first["limit"] == "244.1 MiB"  # the reads' cap (cache.READ_MEMORY_LIMIT)

    # relative file names are the caller's: the app's process has another working folder
    started = running.printed
    imported = cli("import", "survey", survey.name, "--database-url", f"duckdb:///{demo_copy}", cwd=tmp_path)
    assert imported.returncode == 0, imported.stderr
    assert f"{SURVEY_ROWS:,} inserted" in imported.stdout and "Writing to the database" in imported.stderr

    during, ended = running.printed - started, running.printed
    last = running.reads_until(lambda line: line.get("read", 0) > ended and line.get("rows") == before + SURVEY_ROWS
                               and line["version"] > first["version"])  # data_version shows the import
    reads = running.stop()
    errors = [line["error"] for line in reads if "error" in line]
    assert errors == []
    assert {line["rows"] for line in reads} == {before, before + SURVEY_ROWS}  # never half an import
    assert during > 2  # it kept reading while the import ran
    assert {line["limit"] for line in reads} - {"244.1 MiB"}  # the import ran at DuckDB's default limit, uncapped
    assert last["limit"] == "244.1 MiB"  # and the reads' cap is back once it ended
    assert rows(demo_copy) == before + SURVEY_ROWS  # committed to the file the app closed


@pytest.mark.slow  # an app process and three CLI runs (about 15 s)
def test_commands_forwarded_to_the_app_answer_as_they_do_without_it(app, demo_copy, tmp_path):
    """A rejected file: the same message and exit code through the app as without it; `make run`'s demo --if-empty
    finds the data through the app; a command for another file is not forwarded."""
    bad = tmp_path / "bad.csv"
    bad.write_text("response_id,nps\nR1,eleven\n", encoding="utf-8")
    url = f"duckdb:///{demo_copy}"
    direct = cli("import", "survey", str(bad), "--database-url", url)
    assert direct.returncode == 1 and "error: bad.csv: missing required column(s)" in direct.stderr

    running = app()
    running.reads_until(lambda line: "rows" in line)
    forwarded = cli("import", "survey", str(bad), "--database-url", url)
    assert (forwarded.returncode, forwarded.stdout, forwarded.stderr) == (1, direct.stdout, direct.stderr)

    demo = cli("demo", "--if-empty", "--database-url", url)
    assert demo.returncode == 0 and "already holds data" in demo.stdout

    other = tmp_path / "other.duckdb"
    elsewhere = cli("import", "survey", str(new_answers_file(tmp_path / "few.csv", 10, "W")), "--database-url",
                    f"duckdb:///{other}")
    assert elsewhere.returncode == 0 and rows(other) == 10
    assert [line for line in running.stop() if "error" in line] == []


def test_without_an_app_the_cli_opens_the_file_itself(databases, tmp_path):
    path = Path(databases.url("duckdb", migrated=True).removeprefix("duckdb:///"))
    assert not owner.owner_answers(path)
    done = cli("import", "survey", str(new_answers_file(tmp_path / "few.csv", 10, "W")), "--database-url", f"duckdb:///{path}")
    assert done.returncode == 0, done.stderr
    assert rows(path) == 10


def test_a_socket_left_by_a_killed_app_is_removed_and_the_cli_opens_the_file_itself(databases, tmp_path):
    path = Path(databases.url("duckdb", migrated=True).removeprefix("duckdb:///"))
    stale = owner.socket_path(path)
    stale.parent.mkdir(mode=0o700, exist_ok=True)
    with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as dead:  # bound, then closed without removing its file
        dead.bind(str(stale))
    assert stale.exists()
    done = cli("import", "survey", str(new_answers_file(tmp_path / "few.csv", 10, "W")), "--database-url", f"duckdb:///{path}")
    assert done.returncode == 0, done.stderr
    assert rows(path) == 10 and not stale.exists()


def test_the_socket_is_beside_the_file_or_in_a_private_folder_when_that_path_is_too_long(tmp_path):
    assert owner.socket_path("/data/cx.duckdb") == Path("/data/cx.duckdb.sock")
    deep = Path("/srv/" + "x" * 120 + "/cx.duckdb")
    fallback = owner.socket_path(deep)
    assert fallback.parent.name == f"cx-insight-{os.getuid()}" and len(os.fsencode(fallback)) <= 107
    assert fallback == owner.socket_path(deep) != owner.socket_path(deep.with_name("other.duckdb"))
    for length in range(60, 130):  # the temporary name a socket is bound under fits too (pytest-xdist's deep paths)
        path = owner.socket_path("/t/" + "y" * length + "/cx.duckdb")
        assert len(os.fsencode(path)) + owner.TEMPORARY_ROOM <= 107
