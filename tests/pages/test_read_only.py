"""Read-only mode against a warehouse that only has the contract's views (no app tables): pages still draw."""

from __future__ import annotations

import duckdb

from data_access import cache
from data_access.schema import TABLES

CONTRACT_TABLES = ["customers", "tier_history", "touchpoints", "survey_responses", "service_tickets", "purchases"]


def warehouse_with_views(source, target) -> None:
    """Copy the demo's data into raw_* tables and expose the contract's names only as views."""
    db = duckdb.connect(str(target))
    db.execute(f"ATTACH '{source}' AS demo (READ_ONLY)")
    for name in CONTRACT_TABLES:
        columns = ", ".join(c.name for c in TABLES[name].columns)
        db.execute(f"CREATE TABLE raw_{name} AS SELECT * FROM demo.{name}")
        db.execute(f"CREATE VIEW {name} AS SELECT {columns} FROM raw_{name}")
    db.execute("DETACH demo")
    db.close()


def test_read_only_views_serve_every_page_and_nothing_is_written(app_on, demo_duckdb_path, tmp_path, monkeypatch):
    target = tmp_path / "warehouse.duckdb"
    warehouse_with_views(demo_duckdb_path, target)
    monkeypatch.setenv("CX_READ_ONLY", "1")
    url = f"duckdb:///{target}"
    at = app_on(url)
    assert not at.exception, at.exception
    assert next(m for m in at.metric if m.label == "NPS").value.startswith("+")
    for page in ["pages/1_Journey_map.py", "pages/2_Touchpoints.py", "pages/3_Loyalty.py", "pages/7_Workshop.py",
                 "pages/6_Data.py"]:
        at.switch_page(page).run()
        assert not at.exception, (page, at.exception)
    cache.release_embedded_file()  # the app keeps the file open for a moment after its last read
    tables = {row[0] for row in duckdb.connect(str(target), read_only=True).execute(
        "SELECT table_name FROM information_schema.tables").fetchall()}
    assert "app_meta" not in tables and "alembic_version" not in tables  # no migration ran, nothing written


def test_a_missing_table_is_a_message_on_the_page_not_a_traceback(app_on, demo_duckdb_path, tmp_path, monkeypatch):
    target = tmp_path / "partial.duckdb"
    warehouse_with_views(demo_duckdb_path, target)
    duckdb.connect(str(target)).execute("DROP VIEW service_tickets").close()
    monkeypatch.setenv("CX_READ_ONLY", "1")
    at = app_on(f"duckdb:///{target}", "pages/4_Service.py")
    assert not at.exception
    message = at.error[0].value
    assert message.startswith("**The data could not be read.**") and "docs/warehouse.md" in message
