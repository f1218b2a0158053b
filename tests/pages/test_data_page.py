"""The Data page in AppTest: a wide survey and order lines imported end to end, the same as through the CLI."""

from __future__ import annotations

import json

import sqlalchemy as sa

import cli
from data_access.db import open_database
from tests.integration.test_import_layouts import LINES, WIDE


def stored(url: str, sql: str) -> list[tuple]:
    engine = open_database(url)
    with engine.connect() as conn:
        result = [tuple(r) for r in conn.execute(sa.text(sql))]
    engine.dispose()
    return result


def mapping_json(at) -> str:
    return next(code.value for code in at.code if code.value.lstrip().startswith("{"))


def import_wide_survey(at):
    at.selectbox(key="data_dataset").select("survey").run()
    at.file_uploader(key="data_files").set_value(("wide.csv", WIDE.encode(), "text/csv")).run()
    at.radio(key="data_0_layout").set_value("wide").run()
    at.selectbox(key="data_0_column_customer_id").select("Email").run()
    at.selectbox(key="data_0_respondent").select("Respondent").run()
    at.multiselect(key="data_0_ratings").select("Checkin service").select("Baggage handling").run()
    at.segmented_control(key="data_0_scale").set_value("0-5").run()
    at.selectbox(key="data_0_recommend").select("Likelihood to recommend").run()
    at.text_input(key="data_0_new_stage").input("Airport").run()
    return at


def test_a_wide_survey_is_checked_then_imported_and_shows_on_the_pages(app_on, tmp_path):
    url = f"duckdb:///{tmp_path / 'page.duckdb'}"
    at = import_wide_survey(app_on(url, "pages/6_Data.py"))
    assert not at.exception
    assert [m.value for m in at.metric][:3] == ["–", "0", "0"]  # empty database's health panel
    at.button(key="data_0_check").click().run()
    assert [m.value for m in at.metric[3:6]] == ["3", "6", "1"]  # read, storable responses, rejected rows
    assert stored(url, "SELECT count(*) FROM survey_responses") == [(0,)]  # checking writes nothing
    at.button(key="data_0_import").click().run()
    assert not at.exception
    assert "6 inserted" in at.success[0].value and "1 rejected" in at.success[0].value
    assert stored(url, "SELECT touchpoint, stage FROM touchpoints ORDER BY touchpoint") == [
        ("Baggage handling", "Airport"), ("Checkin service", "Airport"), ("Overall experience", "Airport")]
    overview = app_on(url, None, period="all")
    nps = next(m for m in overview.metric if m.label == "NPS")
    assert nps.value.startswith("+0 ± ")  # one promoter (9) and one detractor (3)
    page_mapping = mapping_json(at)

    # the mapping the page shows imports the same file identically through the CLI
    (tmp_path / "mapping.json").write_text(page_mapping, encoding="utf-8")
    (tmp_path / "wide.csv").write_text(WIDE, encoding="utf-8")
    cli_url = f"duckdb:///{tmp_path / 'cli.duckdb'}"
    assert cli.main(["import", "survey", str(tmp_path / "wide.csv"), "--mapping", str(tmp_path / "mapping.json"),
                     "--database-url", cli_url]) == 0
    query = "SELECT response_id, customer_id, submitted_at, touchpoint, csat, nps, comment FROM survey_responses " \
            "ORDER BY response_id"
    assert stored(cli_url, query) == stored(url, query)


def test_order_lines_import_through_the_page(app_on, tmp_path):
    url = f"duckdb:///{tmp_path / 'lines.duckdb'}"
    at = app_on(url, "pages/6_Data.py")
    at.selectbox(key="data_dataset").select("purchases").run()
    at.file_uploader(key="data_files").set_value(("lines.csv", LINES.encode(), "text/csv")).run()
    at.radio(key="data_0_layout").set_value("lines").run()
    at.selectbox(key="data_0_quantity").select("Quantity").run()
    at.selectbox(key="data_0_price").select("Price").run()
    at.segmented_control(key="data_0_dates").set_value("day-first").run()
    assert json.loads(mapping_json(at))["lines"] == {"quantity": "Quantity", "unit_price": "Price",
                                                    "cancel_prefix": "C"}
    at.button(key="data_0_import").click().run()
    assert not at.exception
    assert stored(url, "SELECT order_id, amount FROM purchases ORDER BY order_id") == [
        ("489434", 164.4), ("C489449", -10.2)]


def test_a_required_column_left_unmapped_blocks_the_import(app_on, tmp_path):
    at = app_on(f"duckdb:///{tmp_path / 'blocked.duckdb'}", "pages/6_Data.py")
    at.selectbox(key="data_dataset").select("service").run()
    at.file_uploader(key="data_files").set_value(("t.csv", b"Ref,When\n1,2025-01-01\n", "text/csv")).run()
    assert "Map the required column(s) ticket_id, customer_id, opened_at" in at.error[0].value
    assert at.button(key="data_0_import").disabled


def test_an_unreadable_file_says_why_and_a_dataset_can_be_removed(app_on, demo_duckdb_path, tmp_path):
    import shutil

    shutil.copy(demo_duckdb_path, tmp_path / "demo.duckdb")
    url = f"duckdb:///{tmp_path / 'demo.duckdb'}"
    at = app_on(url, "pages/6_Data.py")
    at.file_uploader(key="data_files").set_value(("empty.csv", b"", "text/csv")).run()
    assert at.error[0].value == "empty.csv: the file is empty."
    at.selectbox(key="data_remove_dataset").select("service").run()
    assert at.button(key="data_remove").disabled
    at.checkbox(key="data_remove_confirm").check().run()
    at.button(key="data_remove").click().run()
    assert "Removed 8,000 service rows" in at.success[0].value
    assert stored(url, "SELECT count(*) FROM service_tickets") == [(0,)]


def test_read_only_mode_disables_imports(app_on, demo_duckdb_path, monkeypatch):
    monkeypatch.setenv("CX_READ_ONLY", "1")
    at = app_on(f"duckdb:///{demo_duckdb_path}", "pages/6_Data.py")
    assert not at.exception
    assert "Read-only mode" in at.info[0].value
    assert not at.file_uploader
