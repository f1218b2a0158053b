"""The Data page in AppTest: files of one layout imported as one, saved mappings, fixed values, suggestions that fit
the values, text labels, headerless files, and a health panel that shows an import at once."""

from __future__ import annotations

import datetime
import json
import re
import shutil

import pandas as pd
import pytest
import sqlalchemy as sa

import cli
from data_access.db import open_database
from data_access.loaders import import_dataset
from tests.conftest import ROOT
from tests.integration.test_import_layouts import LINES, WIDE

FIXTURES = ROOT / "tests" / "fixtures" / "data_page"
SURVEY = FIXTURES / "passenger_survey.csv"  # 36 passengers, 14 ratings 0-5 (0 = not applicable), no date
DAYS = sorted(FIXTURES.glob("invoice_lines_*.csv"))  # 21 invoice lines of 13 invoices over three days
RATINGS = 14
RESPONSES = 495  # ratings that are not 0 (counted by hand from the file: 504 cells, 9 zeros)


def stored(url: str, sql: str) -> list[tuple]:
    engine = open_database(url)
    with engine.connect() as conn:
        result = [tuple(r) for r in conn.execute(sa.text(sql))]
    engine.dispose()
    return result


def text(value: str) -> str:
    """A message as a person reads it: the page escapes markdown characters in text from files."""
    return re.sub(r"\\(.)", r"\1", value)


def mapping_json(at) -> dict:
    return json.loads(next(code.value for code in at.code if code.value.lstrip().startswith("{")))


def metrics(at) -> dict[str, str]:
    return {m.label: m.value for m in at.metric}


def upload(at, *paths_or_files):
    files = [(p.name, p.read_bytes(), "text/csv") if hasattr(p, "read_bytes") else p for p in paths_or_files]
    return at.file_uploader(key="data_files").set_value(files).run()


def health_table(at) -> pd.DataFrame:
    return next(d.value for d in at.dataframe if "last_import" in d.value.columns).set_index("dataset")


@pytest.fixture
def presets_from_fixtures(monkeypatch):
    """The presets the tests know (the app ships its own under data_access/presets/)."""
    monkeypatch.setattr("data_access.presets.PRESETS", FIXTURES / "presets")


def import_wide_survey(at):
    at.selectbox(key="data_dataset").select("survey").run()
    upload(at, ("wide.csv", WIDE.encode(), "text/csv"))
    at.radio(key="data_map_layout").set_value("wide").run()
    at.selectbox(key="data_map_column_customer_id").select("Email").run()
    assert at.selectbox(key="data_map_respondent").value == "Respondent"  # a column of unique ids
    assert at.selectbox(key="data_map_recommend").value == "Likelihood to recommend"  # detected: 0-10, 'recommend'
    at.multiselect(key="data_map_ratings").set_value(["Checkin service", "Baggage handling"]).run()
    at.segmented_control(key="data_map_scale").set_value("0-5").run()
    at.selectbox(key="data_map_stage").select("New stage…").run()
    at.text_input(key="data_map_new_stage").input("Airport").run()
    return at


def test_a_wide_survey_is_checked_then_imported_and_shows_on_the_pages(app_on, tmp_path):
    url = f"duckdb:///{tmp_path / 'page.duckdb'}"
    at = import_wide_survey(app_on(url, "pages/6_Data.py"))
    assert not at.exception
    assert [m.value for m in at.metric][:3] == ["–", "0", "0"]  # empty database's health panel
    at.button(key="data_check").click().run()
    found = metrics(at)
    assert (found["Rows read"], found["Responses formed"], found["Responses that can be stored"],
            found["Responses rejected"]) == ("3", "7", "6", "1")
    assert stored(url, "SELECT count(*) FROM survey_responses") == [(0,)]  # checking writes nothing
    at.button(key="data_import").click().run()
    assert not at.exception
    assert "6 inserted" in at.success[0].value and "1 response rejected (1 row)" in at.success[0].value
    assert stored(url, "SELECT touchpoint, stage FROM touchpoints ORDER BY touchpoint") == [
        ("Baggage handling", "Airport"), ("Checkin service", "Airport"), ("Overall experience", "Airport")]
    overview = app_on(url, None, period="all")
    nps = next(m for m in overview.metric if m.label == "NPS")
    assert nps.value.startswith("+0 ± ")  # one promoter (9) and one detractor (3)
    page_mapping = json.dumps(mapping_json(at))

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
    upload(at, ("lines.csv", LINES.encode(), "text/csv"))
    at.radio(key="data_map_layout").set_value("lines").run()
    assert (at.selectbox(key="data_map_quantity").value, at.selectbox(key="data_map_price").value) == (
        "Quantity", "Price")  # guessed from the names
    at.segmented_control(key="data_map_dates").set_value("day-first").run()
    assert mapping_json(at)["lines"] == {"quantity": "Quantity", "unit_price": "Price", "cancel_prefix": "C"}
    at.button(key="data_import").click().run()
    assert not at.exception
    assert stored(url, "SELECT order_id, amount FROM purchases ORDER BY order_id") == [
        ("489434", 164.4), ("C489449", -10.2)]
    found = metrics(at)
    assert (found["Lines read"], found["Orders formed"], found["Orders stored"], found["Orders rejected"]) == (
        "4", "3", "2", "1")
    assert any("4 lines read → 3 orders" in m.value for m in at.markdown)


def test_files_of_one_layout_are_imported_as_one(app_on, tmp_path):
    url = f"duckdb:///{tmp_path / 'days.duckdb'}"
    at = app_on(url, "pages/6_Data.py")
    at.selectbox(key="data_dataset").select("purchases").run()
    other = ("refunds.csv", b"Invoice,Customer,Refund\nR1,17850,3.50\n", "text/csv")
    upload(at, *DAYS, other)
    files = next(d.value for d in at.dataframe if "layout" in d.value.columns)
    assert files["file"].tolist() == [d.name for d in DAYS] + ["refunds.csv"]
    assert files["rows"].tolist()[:3] == [10, 6, 5]
    assert text(at.warning[0].value).startswith("Not part of this import, because their columns differ from the first "
                                                "file's: refunds.csv (lacks InvoiceNo, StockCode")
    assert "also has Invoice, Customer, Refund" in text(at.warning[0].value)
    assert any(d.value.columns.tolist()[:2] == ["InvoiceNo", "StockCode"] for d in at.dataframe)  # the preview
    assert at.button(key="data_import").label == "Import 3 files"
    at.radio(key="data_map_layout").set_value("lines").run()
    assert [at.selectbox(key=f"data_map_column_{c}").value for c in ("order_id", "customer_id", "ordered_at")] == [
        "InvoiceNo", "CustomerID", "InvoiceDate"]
    assert (at.selectbox(key="data_map_quantity").value, at.selectbox(key="data_map_price").value) == (
        "Quantity", "UnitPrice")
    at.button(key="data_import").click().run()
    assert not at.exception
    found = metrics(at)
    assert (found["Lines read"], found["Orders formed"], found["Orders stored"], found["Orders rejected"]) == (
        "21", "13", "10", "3")
    assert any("21 lines read → 13 orders" in m.value for m in at.markdown)
    # one import: one log entry, one data version, every file's orders
    assert stored(url, "SELECT count(*), max(data_version), max(rows_read) FROM import_log") == [(1, 1, 21)]
    assert stored(url, "SELECT count(*), count(*) FILTER (WHERE amount < 0) FROM purchases") == [(10, 2)]
    assert stored(url, "SELECT amount FROM purchases WHERE order_id = '536370'") == [(234.0,)]  # 2 × 24 × 3.75 + 54
    reasons = next(d.value for d in at.dataframe if "reason" in d.value.columns)
    assert reasons[["column", "rows"]].values.tolist() == [["customer_id", 4]]  # lines of the 3 orders rejected
    assert reasons["first_rows"][0].startswith("invoice_lines_2010-12-01.csv row 9, invoice_lines_2010-12-01.csv "
                                               "row 10")
    assert health_table(at).loc["purchases", "rows"] == 10  # drawn after the import


def test_a_preset_fills_the_mapping_and_falls_back_where_the_file_lacks_a_column(app_on, tmp_path,
                                                                                presets_from_fixtures):
    at = app_on(f"duckdb:///{tmp_path / 'preset.duckdb'}", "pages/6_Data.py")
    at.selectbox(key="data_dataset").select("purchases").run()
    upload(at, DAYS[0])
    assert at.selectbox(key="data_preset_purchases").options == ["(none)", "online-retail — Online Retail invoice "
                                                                 "lines (InvoiceNo, Quantity, UnitPrice, CustomerID)"]
    at.selectbox(key="data_preset_purchases").select("online-retail").run()
    assert not at.exception
    assert text(at.info[0].value) == "The preset online-retail filled the mapping below; change anything before " \
                                     "importing."
    assert at.radio(key="data_map_layout").value == "lines"
    assert at.segmented_control(key="data_map_dates").value == "month-first"
    assert mapping_json(at) == {
        "columns": {"InvoiceNo": "order_id", "CustomerID": "customer_id", "InvoiceDate": "ordered_at"},
        "date_order": "month-first", "lines": {"quantity": "Quantity", "unit_price": "UnitPrice", "cancel_prefix": "C"}}

    at.selectbox(key="data_dataset").select("survey").run()
    upload(at, SURVEY)
    at.selectbox(key="data_preset_survey").select("airline-satisfaction").run()
    assert not at.exception
    assert text(at.warning[0].value) == (
        "The preset airline-satisfaction names columns these files lack: Ticket class (channel), Gate wifi (rating). "
        "The suggested mapping is used for those; check them below.")
    assert at.selectbox(key="data_map_column_channel").value == "(not mapped)"  # the suggestion: nothing fits
    assert at.date_input(key="data_map_fixed_submitted_at").value == datetime.date(2025, 6, 30)
    assert at.multiselect(key="data_map_ratings").value == ["Checkin service", "Baggage handling"]
    table = next(d.value for d in at.dataframe if "touchpoint" in d.value.columns)  # the touchpoints' data editor
    assert table[["column", "touchpoint", "stage"]].values.tolist() == [
        ["Checkin service", "Check-in", "Departure"], ["Baggage handling", "Baggage", "Arrival"]]
    wide = mapping_json(at)["wide"]
    assert (wide["touchpoints"], wide["scale"], wide["stages"]) == (
        {"Checkin service": "Check-in", "Baggage handling": "Baggage"}, "0-5",
        {"Check-in": "Departure", "Baggage": "Arrival"})
    assert not at.button(key="data_import").disabled


def test_a_mapping_file_fills_the_mapping(app_on, tmp_path):
    at = app_on(f"duckdb:///{tmp_path / 'json.duckdb'}", "pages/6_Data.py")
    at.selectbox(key="data_dataset").select("purchases").run()
    upload(at, DAYS[1])
    saved = {"columns": {"InvoiceNo": "order_id", "CustomerID": "customer_id", "InvoiceDate": "ordered_at",
                         "Country": "channel"},
             "lines": {"quantity": "Quantity", "unit_price": "UnitPrice", "cancel_prefix": "C"}, "date_order": "auto"}
    at.file_uploader(key="data_mapping_file").set_value(("retail.json", json.dumps(saved).encode(),
                                                         "application/json")).run()
    assert not at.exception
    assert text(at.info[0].value).startswith("The mapping file retail.json filled the mapping below")
    assert mapping_json(at) == saved
    at.file_uploader(key="data_mapping_file").set_value(("broken.json", b"{nope", "application/json")).run()
    assert text(at.error[0].value).startswith("The mapping file cannot be used. broken.json: the mapping is not "
                                              "valid JSON")


def test_a_fixed_date_makes_an_undated_survey_importable_and_health_shows_it_at_once(app_on, tmp_path):
    url = f"duckdb:///{tmp_path / 'undated.duckdb'}"
    at = app_on(url, "pages/6_Data.py")
    at.selectbox(key="data_dataset").select("survey").run()
    upload(at, SURVEY)
    at.radio(key="data_map_layout").set_value("wide").run()
    assert at.selectbox(key="data_map_respondent").value == "id"  # never the row counter in the first column
    assert len(at.multiselect(key="data_map_ratings").value) == RATINGS  # detected: whole numbers 0-5
    assert at.segmented_control(key="data_map_scale").value == "0-5"  # inferred from those ratings
    at.selectbox(key="data_map_column_customer_id").select("id").run()
    assert at.error[0].value.startswith("Map the required column(s) submitted_at before importing, or give them a "
                                        "fixed value.")
    assert at.button(key="data_import").disabled
    at.date_input(key="data_map_fixed_submitted_at").set_value(datetime.date(2025, 6, 30)).run()
    assert not at.error
    assert mapping_json(at)["constants"] == {"submitted_at": "2025-06-30"}
    at.button(key="data_import").click().run()
    assert not at.exception
    assert metrics(at)["Responses stored"] == f"{RESPONSES}"
    assert stored(url, "SELECT count(*), min(submitted_at), max(submitted_at) FROM survey_responses") == [
        (RESPONSES, datetime.datetime(2025, 6, 30), datetime.datetime(2025, 6, 30))]
    # the health panel, drawn after the import in the same run
    assert metrics(at)["Customers known only from transactions"] == "36"
    assert metrics(at)["Customers without a tier"] == "36"
    health = health_table(at)
    assert health.loc["survey", "rows"] == RESPONSES
    assert health.loc["survey", "customers_not_on_file"] == RESPONSES  # every respondent is known only from it


def test_a_text_csat_column_is_not_suggested_and_its_labels_can_be_given_values(app_on, tmp_path):
    at = app_on(f"duckdb:///{tmp_path / 'labels.duckdb'}", "pages/6_Data.py")
    at.selectbox(key="data_dataset").select("survey").run()
    upload(at, SURVEY)
    assert at.selectbox(key="data_map_column_csat").value == "(not mapped)"  # 'satisfaction' holds text
    at.selectbox(key="data_map_column_csat").select("satisfaction").run()
    editor = next(d for d in at.dataframe if "label" in d.value.columns)
    assert editor.value["label"].tolist() == ["neutral or dissatisfied", "satisfied"]
    assert editor.value["value"].isna().tolist() == [True, False]  # 'satisfied' guessed as 4
    assert mapping_json(at)["labels"] == {"csat": {"satisfied": "4"}}


def test_a_headerless_file_is_named_so(app_on, tmp_path):
    at = app_on(f"duckdb:///{tmp_path / 'headerless.duckdb'}", "pages/6_Data.py")
    at.selectbox(key="data_dataset").select("purchases").run()
    upload(at, ("orders.csv", b"1001,17850,2025-03-01,19.90\n1002,13047,2025-03-02,5.00\n", "text/csv"))
    assert at.info[0].value.startswith("This file seems to have no header row: its first row holds only numbers and "
                                       "dates. Columns are named column 1, column 2")
    for target, column in (("order_id", "column 1"), ("customer_id", "column 2"), ("ordered_at", "column 3"),
                           ("amount", "column 4")):
        at.selectbox(key=f"data_map_column_{target}").select(column).run()
    at.button(key="data_check").click().run()
    assert metrics(at)["Rows that can be stored"] == "2"  # the first row is data
    assert any("orders.csv: the first row holds only numbers and dates" in text(i.value) for i in at.info)


def test_a_required_column_left_unmapped_blocks_the_import(app_on, tmp_path):
    at = app_on(f"duckdb:///{tmp_path / 'blocked.duckdb'}", "pages/6_Data.py")
    at.selectbox(key="data_dataset").select("service").run()
    upload(at, ("t.csv", b"Ref,When\n1,2025-01-01\n", "text/csv"))
    assert "Map the required column(s) ticket_id, customer_id, opened_at" in at.error[0].value
    assert at.button(key="data_import").disabled


def test_an_unreadable_file_says_why_and_a_dataset_can_be_removed(app_on, demo_duckdb_path, tmp_path):
    shutil.copy(demo_duckdb_path, tmp_path / "demo.duckdb")
    url = f"duckdb:///{tmp_path / 'demo.duckdb'}"
    at = app_on(url, "pages/6_Data.py")
    upload(at, ("empty.csv", b"", "text/csv"))
    assert at.error[0].value == "empty.csv: the file is empty."
    at.selectbox(key="data_remove_dataset").select("service").run()
    assert at.button(key="data_remove").disabled
    at.checkbox(key="data_remove_confirm").check().run()
    at.button(key="data_remove").click().run()
    assert "Removed 8,000 service rows" in at.success[0].value
    assert stored(url, "SELECT count(*) FROM service_tickets") == [(0,)]
    assert health_table(at).loc["service", "rows"] == 0  # drawn after the removal


def test_read_only_mode_disables_imports(app_on, demo_duckdb_path, monkeypatch):
    monkeypatch.setenv("CX_READ_ONLY", "1")
    at = app_on(f"duckdb:///{demo_duckdb_path}", "pages/6_Data.py")
    assert not at.exception
    assert "Read-only mode" in at.info[0].value
    assert not at.file_uploader
    assert metrics(at)["Customers known only from transactions"] == "–"


def test_rating_columns_are_detected_again_and_a_scale_that_does_not_fit_is_named(app_on, tmp_path):
    at = app_on(f"duckdb:///{tmp_path / 'detect.duckdb'}", "pages/6_Data.py")
    at.selectbox(key="data_dataset").select("survey").run()
    upload(at, SURVEY)
    at.radio(key="data_map_layout").set_value("wide").run()
    at.multiselect(key="data_map_ratings").set_value(["Checkin service"]).run()
    assert at.segmented_control(key="data_map_scale").value == "1-5"  # this column holds no 0
    at.button(key="data_map_detect").click().run()
    assert len(at.multiselect(key="data_map_ratings").value) == RATINGS
    assert at.segmented_control(key="data_map_scale").value == "0-5"  # the wifi ratings hold 0 (not applicable)
    at.segmented_control(key="data_map_scale").set_value("1-5").run()
    assert at.warning[0].value.startswith("These columns hold ratings from 0 to 5, outside the 1-5 scale")


SHIPPED = ROOT / "tests" / "fixtures" / "presets"  # export-shaped files of the shipped presets' tests


def test_the_shipped_qualtrics_preset_checks_as_the_cli_imports(app_on, tmp_path):
    """Filled into the editor and read back, the preset says what it says to the CLI (test_presets.py)."""
    at = app_on(f"duckdb:///{tmp_path / 'qualtrics.duckdb'}", "pages/6_Data.py")
    at.selectbox(key="data_dataset").select("survey").run()
    upload(at, SHIPPED / "qualtrics_responses.csv")
    at.selectbox(key="data_preset_survey").select("qualtrics-wide").run()
    assert not at.exception
    assert at.radio(key="data_map_layout").value == "wide"
    assert any("The 2 rows under each file's header are skipped" in c.value for c in at.caption)
    assert at.selectbox(key="data_map_respondent").value == "ResponseId"
    assert at.selectbox(key="data_map_recommend").value == "Q2"  # beside its Q2_NPS_GROUP column
    assert at.multiselect(key="data_map_ratings").value == ["Q1_1", "Q1_2", "Q1_3"]  # not Status, not Finished
    assert (at.selectbox(key="data_map_column_customer_id").value,
            at.selectbox(key="data_map_column_submitted_at").value) == ("ExternalReference", "RecordedDate")
    saved = mapping_json(at)
    assert (saved["skip_rows"], saved["columns"]["Finished"], saved["columns"]["Status"]) == (2, "", "")
    at.button(key="data_check").click().run()
    found = metrics(at)
    assert (found["Rows read"], found["Responses formed"], found["Responses that can be stored"],
            found["Responses rejected"]) == ("6", "19", "15", "4")


def test_the_shipped_zendesk_preset_fills_the_text_labels(app_on, tmp_path):
    url = f"duckdb:///{tmp_path / 'zendesk.duckdb'}"
    at = app_on(url, "pages/6_Data.py")
    at.selectbox(key="data_dataset").select("service").run()
    upload(at, SHIPPED / "zendesk_tickets.csv")
    at.selectbox(key="data_preset_service").select("zendesk-tickets").run()
    editor = next(d.value for d in at.dataframe if "label" in d.value.columns)
    assert dict(zip(editor["label"], editor["value"], strict=True)) == {
        "Bad": "1", "Good": "5", "Offered": "no answer", "Unoffered": "no answer"}
    assert {k.casefold(): v for k, v in mapping_json(at)["labels"]["csat"].items()} == {
        "good": "5", "bad": "1", "offered": "", "unoffered": ""}
    at.button(key="data_import").click().run()
    assert stored(url, "SELECT ticket_id, csat FROM service_tickets ORDER BY ticket_id") == [
        ("101", 5), ("102", 1), ("103", None), ("104", None), ("105", 5)]


def test_a_shipped_preset_for_another_edition_falls_back_to_the_suggestions(app_on, tmp_path):
    """'Online Retail II' names Invoice and Price; the first edition's files have InvoiceNo and UnitPrice (and
    CustomerID, which matches its Customer ID as names are matched): the suggestions fill those; the files import."""
    url = f"duckdb:///{tmp_path / 'edition.duckdb'}"
    at = app_on(url, "pages/6_Data.py")
    at.selectbox(key="data_dataset").select("purchases").run()
    upload(at, *DAYS)
    at.selectbox(key="data_preset_purchases").select("uci-online-retail-ii").run()
    assert text(at.warning[0].value).startswith("The preset uci-online-retail-ii names columns these files lack: "
                                                "Invoice (order_id), Price (unit price). The suggested mapping is "
                                                "used for those; check them below.")
    assert [at.selectbox(key=f"data_map_column_{c}").value for c in ("order_id", "customer_id", "ordered_at")] == [
        "InvoiceNo", "CustomerID", "InvoiceDate"]
    assert at.selectbox(key="data_map_price").value == "UnitPrice"
    at.button(key="data_import").click().run()
    assert stored(url, "SELECT count(*) FROM purchases") == [(10,)]


@pytest.mark.slow  # trains on the demo company (about 20 s)
def test_the_company_scorer_is_trained_and_used_from_the_data_page(app_on, demo_copy):
    """Train on the demo's rated comments, then re-score with it: the Voices comparison gains its row, every
    stored comment names it, and asking for it without a model says the general scorer stood in."""
    url = f"duckdb:///{demo_copy}"
    at = app_on(url, "pages/6_Data.py")
    assert "not trained yet" in " ".join(m.value for m in at.markdown)
    assert "company" not in at.selectbox(key="data_rescore_scorer").options
    at.button(key="data_train_scorer").click().run(timeout=180)
    assert not at.exception, at.exception
    assert any("Company scorer trained on" in s.value for s in at.success)
    at.run()
    at.selectbox(key="data_rescore_scorer").select("company")
    at.button(key="data_rescore").click().run(timeout=120)
    assert not at.exception and not at.warning, at.warning
    assert any("with company" in s.value for s in at.success)
    assert stored(url, "SELECT DISTINCT sentiment_scorer FROM survey_responses WHERE sentiment IS NOT NULL") == [
        ("company",)]
    voices = app_on(url, "pages/5_Voices.py")
    table = next(d.value for d in voices.dataframe if "held_out_macro_f1" in d.value)
    company = table.set_index("scorer").loc["company"]
    assert company["agrees_with_customers"] > table.set_index("scorer").loc["vader", "agrees_with_customers"]


def test_a_dataset_left_empty_beside_others_is_named_with_what_it_does_to_the_numbers(app_on, databases, tmp_path,
                                                                                        demo_duckdb_path):
    """A half-loaded company (an interrupted demo, a forgotten file) says which datasets are empty, not just 0."""
    survey = tmp_path / "survey.csv"
    lines = (ROOT / "sample_data" / "survey.csv").read_text(encoding="utf-8").splitlines(keepends=True)
    survey.write_text("".join(lines[:51]), encoding="utf-8")
    url = databases.url("duckdb", migrated=True)
    engine = open_database(url)
    import_dataset(engine, "survey", survey)
    engine.dispose()
    at = app_on(url, "pages/6_Data.py")
    assert not at.exception, at.exception
    (warning,) = [w.value for w in at.warning if "no rows" in w.value]
    assert warning.startswith("**tier_history, service and purchases hold no rows** while the other datasets hold")
    assert "revenue, orders and loyalty show 0" in warning and "`python cli.py demo`" in warning
    complete = app_on(f"duckdb:///{demo_duckdb_path}", "pages/6_Data.py")
    assert not [w.value for w in complete.warning if "no rows" in w.value]
