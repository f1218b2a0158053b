"""The embedded store's shared read connection: one open for close reads, fresh data each read, lock freed when idle."""

from __future__ import annotations

import subprocess
import sys

import pandas as pd
import pytest
import sqlalchemy as sa

from data_access import cache
from data_access.db import open_database
from data_access.loaders import import_dataset

TOUCHPOINT = pd.DataFrame({"touchpoint": ["Delivery"], "stage": ["Delivery"], "stage_order": [4]})


def count_touchpoints(conn) -> int:
    return conn.execute(sa.text("SELECT count(*) FROM touchpoints")).scalar_one()


@pytest.fixture
def embedded(tmp_path):
    path = tmp_path / "cx.duckdb"
    engine = open_database(f"duckdb:///{path}")
    opened = []
    sa.event.listen(engine, "connect", lambda *_: opened.append(1))
    yield engine, path, opened
    engine.dispose()


def test_close_reads_share_one_connection_and_each_sees_the_latest_import(embedded, monkeypatch):
    engine, _, opened = embedded
    monkeypatch.setattr(cache, "IDLE_SECONDS", 60)
    shared = cache.SharedConnection()
    try:
        assert shared.run(engine, count_touchpoints) == 0
        import_dataset(engine, "touchpoints", TOUCHPOINT)  # the Data page's import, on its own connection
        assert shared.run(engine, count_touchpoints) == 1
        reads = len(opened)
        shared.run(engine, count_touchpoints)
        assert len(opened) == reads, "a read close after another opened the file again"
    finally:
        shared.close()


def test_the_file_lock_is_free_for_another_process_once_reads_stop(embedded, monkeypatch):
    engine, path, _ = embedded
    monkeypatch.setattr(cache, "IDLE_SECONDS", 0.05)
    shared = cache.SharedConnection()
    shared.run(engine, count_touchpoints)
    shared._timer.join(timeout=5)
    assert not shared.is_open
    writer = ("import duckdb, sys; c = duckdb.connect(sys.argv[1]); c.execute(\"INSERT INTO touchpoints "
              "(touchpoint, stage, stage_order) VALUES ('Returns', 'Aftercare', 6)\"); c.close()")
    result = subprocess.run([sys.executable, "-c", writer, str(path)], capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr
    assert shared.run(engine, count_touchpoints) == 1
    shared.close()


def test_a_failed_read_closes_the_connection_and_the_next_read_opens_a_new_one(embedded):
    engine, _, opened = embedded
    shared = cache.SharedConnection()
    with pytest.raises(sa.exc.ProgrammingError):
        shared.run(engine, lambda conn: conn.execute(sa.text("SELECT * FROM no_such_table")))
    assert not shared.is_open
    before = len(opened)
    assert shared.run(engine, count_touchpoints) == 0
    assert len(opened) == before + 1
    shared.close()


def test_a_new_engine_gets_its_own_connection(tmp_path, embedded):
    first, _, _ = embedded
    second = open_database(f"duckdb:///{tmp_path / 'other.duckdb'}")
    import_dataset(second, "touchpoints", TOUCHPOINT)
    shared = cache.SharedConnection()
    try:
        assert shared.run(first, count_touchpoints) == 0
        assert shared.run(second, count_touchpoints) == 1
    finally:
        shared.close()
        second.dispose()


def memory_limit(conn) -> str:
    return conn.execute(sa.text("SELECT current_setting('memory_limit')")).scalar_one()


def test_reads_run_under_the_memory_cap_and_imports_after_releasing_it(embedded, monkeypatch):
    engine, _, _ = embedded
    monkeypatch.setattr(cache, "IDLE_SECONDS", 60)
    monkeypatch.setattr(cache, "engine", lambda: engine)
    monkeypatch.setattr(cache, "_shared", cache.SharedConnection())
    monkeypatch.setattr(cache.st.cache_data, "clear", lambda: None)
    capped = cache.run_read(engine, memory_limit)
    assert capped.endswith("MiB") and float(capped.split()[0]) < 300, capped  # 256MB, as DuckDB prints it

    seen = []

    def import_dataset(database, *args, **kwargs):
        with database.connect() as conn:
            seen.append(memory_limit(conn))

    monkeypatch.setattr(cache, "import_dataset", import_dataset)
    cache.import_file("touchpoints", TOUCHPOINT)
    assert not cache._shared.is_open and seen == [memory_limit_of_a_fresh_instance(engine)] != [capped]
    cache._shared.close()


def memory_limit_of_a_fresh_instance(engine) -> str:
    with engine.connect() as conn:
        return memory_limit(conn)
