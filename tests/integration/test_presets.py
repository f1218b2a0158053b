"""The shipped mapping presets (data_access/presets/), each importing a small file in the exact shape of the export
it names, on DuckDB and PostgreSQL. Every expected figure is counted by hand from the fixture, as noted beside it."""

from __future__ import annotations

import subprocess
import sys
from datetime import date, datetime
from pathlib import Path

import pandas as pd
import pytest
import sqlalchemy as sa

import cli
from data_access import queries
from data_access.contracts import DATASETS, dataset
from data_access.filters import NO_TIER, Filters
from data_access.loaders import check, import_dataset
from data_access.mapping import Mapping, shape
from data_access.presets import PRESETS, load_mapping, presets
from data_access.readers import ROW_COLUMN, ImportRejected, read_table
from tests.conftest import ROOT

FIXTURES = ROOT / "tests" / "fixtures" / "presets"


def fixture(name: str) -> Path:
    return FIXTURES / name


def rows(engine, sql: str) -> list[tuple]:
    with engine.connect() as conn:
        return [tuple(r) for r in conn.execute(sa.text(sql))]


def by(frame: pd.DataFrame, key: str, *fields: str) -> dict:
    """{key value: (field values…)} from a query's frame, as plain ints, floats and Nones."""
    def plain(value):
        return None if pd.isna(value) else value.item() if hasattr(value, "item") else value
    return {row[key]: tuple(plain(row[f]) for f in fields) for row in frame.to_dict("records")}


def rejected(report) -> list[list]:
    return report.rejections[["row", "column", "value", "reason"]].values.tolist()


# --- the presets themselves -------------------------------------------------------------------------------------


def test_every_preset_file_is_listed_with_a_known_dataset_and_a_description():
    found = presets()
    assert set(found) == {path.stem for path in PRESETS.glob("*.json")}
    assert set(found) >= {"qualtrics-wide", "surveymonkey-wide", "delighted-nps", "medallia-agent-connect",
                          "uci-online-retail", "uci-online-retail-ii", "zendesk-tickets", "freshdesk-tickets"}
    for name, preset in found.items():
        assert preset.dataset in DATASETS, name
        assert len(preset.description) > 60, name
        assert load_mapping(f"preset:{name}") == preset.mapping


def test_every_preset_names_only_contract_columns_and_layouts_its_dataset_has():
    for name, preset in presets().items():
        contract = {c.name for c in dataset(preset.dataset).columns}
        mapping = preset.mapping
        assert set(mapping.columns.values()) <= contract | {""}, name  # "" = a column the preset ignores
        assert set(mapping.constants) <= contract, name
        assert set(mapping.labels) <= contract, name
        assert mapping.date_order in {"auto", "day-first", "month-first"}, name
        assert (mapping.wide is not None) <= (preset.dataset == "survey"), name
        assert (mapping.lines is not None) <= (preset.dataset == "purchases"), name
        assert Mapping.from_json(mapping.to_json()) == mapping, name


def test_an_unknown_preset_names_the_ones_there_are():
    with pytest.raises(ImportRejected, match=r"there is no preset 'nope'; the presets are: .*zendesk-tickets"):
        load_mapping("preset:nope")


# --- wide surveys -----------------------------------------------------------------------------------------------


def test_qualtrics_wide_export_becomes_one_response_per_touchpoint(engine):
    report = import_dataset(engine, "survey", fixture("qualtrics_responses.csv"),
                            mapping=load_mapping("preset:qualtrics-wide"))
    # 6 responses below 3 header rows (BOM, CRLF). Ratings answered: R_1 2, R_2 3, R_3 3, R_4 1, R_5 3, R_6 2 plus
    # a recommend answer from all but R_6: 14 + 5 = 19. R_5 (row 8) has no ExternalReference: its 4 are rejected.
    assert (report.rows_read, report.records, report.inserted, report.rejected_records) == (6, 19, 15, 4)
    assert rejected(report) == [[8, "customer_id", "", "missing required value"]] * 4
    with engine.connect() as conn:
        counts = queries.survey_counts(conn, Filters(), by=("touchpoint",))
    # Q1_1: 5 2 4 3 4 -> 5 answers, 3 of 4-5; Q1_2: 4 1 5 2 -> 4, 2; Q1_3: 2 4 -> 2, 1. The 0-10 question Q2 is
    # the NPS (9 3 10 7: 2 promoters, 1 passive, 1 detractor), found by the Q2_NPS_GROUP column beside it, which
    # is no touchpoint itself.
    assert by(counts, "touchpoint", "responses", "csat_n", "csat_top2", "promoters", "passives", "detractors") == {
        "Overall experience": (4, 0, 0, 2, 1, 1),
        "Q1_1": (5, 5, 3, 0, 0, 0),
        "Q1_2": (4, 4, 2, 0, 0, 0),
        "Q1_3": (2, 2, 1, 0, 0, 0),
    }
    assert rows(engine, "SELECT customer_id, submitted_at, csat FROM survey_responses "
                        "WHERE response_id = 'R_1a2B3c4D5e6F7g8:Q1_1'") == [("C001", datetime(2025, 3, 3, 9, 15, 2), 5)]
    again = import_dataset(engine, "survey", fixture("qualtrics_responses.csv"),
                           mapping=load_mapping("preset:qualtrics-wide"))
    assert (again.inserted, again.updated, again.unchanged) == (0, 0, 15)


def _shaped(file: str, preset: str) -> pd.DataFrame:
    """The file as the preset shapes it for the validator, without the header rows it skips."""
    mapping = load_mapping(f"preset:{preset}")
    raw = read_table(fixture(file))
    return shape(raw[raw[ROW_COLUMN] >= 2 + mapping.skip_rows], dataset("survey"), mapping, file)


WEBSITE = "How satisfied were you with our website?"
DELIVERY = "How satisfied were you with the delivery?"


def test_surveymonkey_wide_layout_names_touchpoints_by_question_and_skips_the_sub_label_row():
    shaped = _shaped("surveymonkey_responses.csv", "surveymonkey-wide")
    found = {(r.response_id, r.touchpoint, r.csat, r.nps, r.customer_id)
             for r in shaped.astype(object).where(shaped.notna(), None).itertuples()}
    assert found == {  # 12 answers of 5 respondents; blanks answer nothing; the "Response" row is no respondent
        ("114223344551:" + WEBSITE, WEBSITE, "4", None, "ann@example.com"),
        ("114223344551:" + DELIVERY, DELIVERY, "5", None, "ann@example.com"),
        ("114223344551:Overall experience", "Overall experience", None, "9", "ann@example.com"),
        ("114223344552:" + WEBSITE, WEBSITE, "2", None, "bo@example.com"),
        ("114223344552:Overall experience", "Overall experience", None, "4", "bo@example.com"),
        ("114223344553:" + WEBSITE, WEBSITE, "5", None, "cy@example.com"),
        ("114223344553:" + DELIVERY, DELIVERY, "3", None, "cy@example.com"),
        ("114223344553:Overall experience", "Overall experience", None, "10", "cy@example.com"),
        ("114223344554:" + WEBSITE, WEBSITE, "3", None, ""),
        ("114223344554:" + DELIVERY, DELIVERY, "4", None, ""),
        ("114223344554:Overall experience", "Overall experience", None, "8", ""),
        ("114223344555:" + DELIVERY, DELIVERY, "1", None, "di@example.com"),
    }
    assert set(shaped["submitted_at"]) >= {"03/01/2025 09:16:23 AM", "03/13/2025 08:31:44 AM"}  # End Date


def test_surveymonkey_wide_export_imports_with_its_12_hour_dates(engine):
    report = import_dataset(engine, "survey", fixture("surveymonkey_responses.csv"),
                            mapping=load_mapping("preset:surveymonkey-wide"))
    # respondent 114223344554 (row 6, a web-link answer) has no Email Address: its 3 answers are rejected
    assert (report.rows_read, report.records, report.inserted, report.rejected_records) == (5, 12, 9, 3)
    with engine.connect() as conn:
        counts = queries.survey_counts(conn, Filters(), by=("touchpoint",))
    assert by(counts, "touchpoint", "csat_n", "csat_top2", "promoters", "detractors") == {
        "Overall experience": (0, 0, 2, 1),  # 9 10 | 4
        WEBSITE: (3, 2, 0, 0),  # 4 2 5
        DELIVERY: (3, 1, 0, 0),  # 5 3 1
    }
    assert rows(engine, "SELECT submitted_at FROM survey_responses WHERE response_id = '114223344552:"
                        "Overall experience'") == [(datetime(2025, 3, 2, 13, 9, 12),)]


# --- long surveys -----------------------------------------------------------------------------------------------


def test_delighted_nps_export_rates_the_overall_experience_by_channel(engine):
    report = import_dataset(engine, "survey", fixture("delighted_nps.csv"),
                            mapping=load_mapping("preset:delighted-nps"))
    assert (report.rows_read, report.inserted) == (7, 6)
    assert rejected(report) == [[7, "customer_id", "", "missing required value"]]  # response 1006 came by SMS
    assert report.scorer == "general"
    with engine.connect() as conn:
        counts = queries.survey_counts(conn, Filters(), by=("touchpoint", "channel"))
    # the Channel property maps by its name: web 10 8 0 9, store 6 9; comments on 1001 1002 1004 1005 1007
    assert by(counts.assign(key=counts["touchpoint"] + "/" + counts["channel"]), "key", "responses", "promoters",
              "passives", "detractors", "sentiment_n") == {
        "Overall experience/store": (2, 1, 0, 1, 2),
        "Overall experience/web": (4, 2, 1, 1, 3),
    }
    assert rows(engine, "SELECT customer_id, submitted_at, comment FROM survey_responses WHERE response_id = '1007'") \
        == [("f@example.com", datetime(2025, 3, 7, 9, 0), 'Good, but the "express" option cost extra')]


def test_medallia_agent_connect_export_gives_service_csat_and_reports_unanswered_requests(engine):
    report = import_dataset(engine, "survey", fixture("medallia_agent_connect.csv"),
                            mapping=load_mapping("preset:medallia-agent-connect"))
    assert (report.rows_read, report.inserted) == (6, 4)
    assert rejected(report) == [[4, "submitted_at", "", "missing required value"],  # sent, never answered
                                [6, "submitted_at", "", "missing required value"]]  # bounced
    with engine.connect() as conn:
        counts = queries.survey_counts(conn, Filters(), by=("touchpoint", "channel"))
    assert by(counts.assign(key=counts["touchpoint"] + "/" + counts["channel"]), "key", "csat_n", "csat_top2") == {
        "Customer service/chat": (2, 1),  # 2 4
        "Customer service/email": (1, 1),  # 5
        "Customer service/phone": (1, 1),  # 5
    }
    assert rows(engine, "SELECT customer_id, submitted_at FROM survey_responses WHERE response_id = 'rq-0002'") == [
        ("bo@example.com", datetime(2025, 3, 2, 13, 5))]


# --- order lines ------------------------------------------------------------------------------------------------


def _orders(engine) -> dict[str, tuple]:
    return {order: (customer, round(amount, 2), moment) for order, customer, amount, moment
            in rows(engine, "SELECT order_id, customer_id, amount, ordered_at FROM purchases")}


def test_uci_online_retail_lines_become_invoices_with_cancellations_negative(engine):
    report = import_dataset(engine, "purchases", fixture("online_retail.csv"),
                            mapping=load_mapping("preset:uci-online-retail"))
    assert (report.rows_read, report.records, report.inserted, report.rejected_records) == (12, 7, 6, 1)
    assert rejected(report) == [[8, "customer_id", "", "missing required value"]]  # 581004: a guest's invoice
    assert _orders(engine) == {  # month-first dates (12/13/2010 decides it), Latin-1 text read
        "581001": ("14001", 63.30, datetime(2010, 12, 1, 9, 5)),  # 4×4.95 + 6×4.25 + 1×18
        "581002": ("14002", 39.00, datetime(2010, 12, 13, 14, 30)),  # 10×1.95 + 10×1.95
        "C581003": ("14001", -9.90, datetime(2010, 12, 14, 10, 0)),  # -2×4.95
        "581005": ("14003", 29.22, datetime(2011, 1, 5, 16, 20)),  # 8×1.69 + 3×4.95 + 1×0.85
        "C581006": ("14003", -5.00, datetime(2011, 1, 6, 9, 0)),  # discount -1×5
        "581007": ("14002", 7.50, datetime(2011, 1, 7, 12, 0)),  # 2×3.75
    }
    with engine.connect() as conn:
        loyalty = queries.loyalty_by_tier(conn, Filters(start=date(2010, 12, 1), end=date(2011, 1, 31)))
    (tier,) = loyalty.to_dict("records")
    assert tier["tier"] == NO_TIER  # customers known only from their orders
    assert (tier["customers"], tier["orders"], tier["returns"], tier["repeat_buyers"]) == (3, 4, 2, 1)
    assert (round(tier["gross_sales"], 2), round(tier["revenue"], 2)) == (139.02, 124.12)


def test_uci_online_retail_ii_lines_become_invoices(engine):
    report = import_dataset(engine, "purchases", fixture("online_retail_ii.csv"),
                            mapping=load_mapping("preset:uci-online-retail-ii"))
    assert (report.rows_read, report.records, report.inserted) == (7, 5, 4)
    assert rejected(report) == [[6, "customer_id", "", "missing required value"]]  # A590104, a bad-debt adjustment
    assert _orders(engine) == {
        "590101": ("15001", 37.30, datetime(2010, 12, 1, 9, 0)),  # 10×2.08 + 10×1.65
        "590102": ("15002", 10.20, datetime(2010, 12, 1, 10, 30)),  # 12×0.85
        "C590103": ("15001", -4.95, datetime(2010, 12, 2, 11, 0)),  # -3×1.65
        "590105": ("15003", 107.10, datetime(2010, 12, 3, 13, 15)),  # 32×2.55 + 2×12.75
    }
    amounts = [amount for _, amount, _ in _orders(engine).values()]
    assert (sum(a > 0 for a in amounts), round(sum(a for a in amounts if a > 0), 2)) == (3, 154.60)  # orders, gross
    assert round(sum(amounts), 2) == 149.65  # net of the cancellation


def test_uci_online_retail_ii_workbook_imports_one_sheet_at_a_time(engine):
    workbook, mapping = fixture("online_retail_ii.xlsx"), load_mapping("preset:uci-online-retail-ii")
    with pytest.raises(ImportRejected, match=r"2 sheets \(Year 2009-2010, Year 2010-2011\); name the one"):
        import_dataset(engine, "purchases", workbook, mapping=mapping)
    report = import_dataset(engine, "purchases", workbook, mapping=mapping, sheet="Year 2009-2010")
    assert (report.rows_read, report.records, report.inserted) == (5, 4, 3)
    assert rejected(report) == [[6, "customer_id", "", "missing required value"]]  # 489504
    assert _orders(engine) == {  # date cells, numeric invoice and customer cells read as the text they show
        "489501": ("16001", 184.20, datetime(2009, 12, 1, 7, 45)),  # 12×6.95 + 48×2.10
        "489502": ("16002", 30.00, datetime(2009, 12, 1, 9, 6)),  # 24×1.25
        "C489503": ("16001", -13.90, datetime(2009, 12, 2, 10, 33)),  # -2×6.95
    }


# --- help desks -------------------------------------------------------------------------------------------------


def test_zendesk_ticket_export_reads_satisfaction_labels(engine):
    report = import_dataset(engine, "service", fixture("zendesk_tickets.csv"),
                            mapping=load_mapping("preset:zendesk-tickets"))
    assert (report.rows_read, report.inserted, report.rejected) == (5, 5, 0)
    assert rows(engine, "SELECT ticket_id, customer_id, channel, category, status, csat, first_response_at, "
                        "resolution_hours FROM service_tickets ORDER BY ticket_id") == [
        ("101", "9001", "Mail", "question", "Solved", 5, None, 6.5),  # Good
        ("102", "9002", "Web Form", "problem", "Closed", 1, None, 48.0),  # Bad
        ("103", "9003", "Chat", "question", "Solved", None, None, 0.5),  # Offered: no rating
        ("104", "9001", "Phone call (incoming)", "incident", "Open", None, None, None),  # Unoffered, not solved
        ("105", "9004", "Web Widget", "question", "Solved", 5, None, 19.0),  # Good
    ]
    with engine.connect() as conn:
        levels = queries.ticket_service_levels(conn, Filters(), by=None).iloc[0]
    assert (levels["tickets"], levels["resolved"], levels["csat_n"], levels["csat_top2"]) == (5, 4, 3, 2)
    assert levels["median_resolution_hours"] == pytest.approx(12.75)  # 0.5 6.5 19 48
    assert pd.isna(levels["median_first_response_hours"])  # the export has first reply minutes only


def test_freshdesk_ticket_export_gives_first_response_and_resolution_hours(engine):
    report = import_dataset(engine, "service", fixture("freshdesk_tickets.csv"),
                            mapping=load_mapping("preset:freshdesk-tickets"))
    assert (report.rows_read, report.inserted, report.rejected) == (5, 5, 0)
    assert rows(engine, "SELECT ticket_id, customer_id, channel, category, priority, csat, "
                        "round(first_response_hours * 60), resolution_hours FROM service_tickets ORDER BY ticket_id") \
        == [("201", "7001", "Email", "Problem", "High", 5, 90, 24.0),  # Awesome
            ("202", "7002", "Portal", "Question", "Medium", 1, 15, 6.0),  # Not Good
            ("203", "7003", "Chat", "Question", "Low", None, 2, None),  # open
            ("204", "7001", "Phone", "Question", "Low", None, None, None),  # no reply yet
            ("205", "7004", "Email", "Incident", "Urgent", 3, 120, 8.0)]  # Just Okay
    with engine.connect() as conn:
        levels = queries.ticket_service_levels(conn, Filters(), by=None).iloc[0]
    assert (levels["tickets"], levels["resolved"], levels["csat_n"], levels["csat_top2"]) == (5, 3, 3, 1)
    assert levels["median_first_response_hours"] == pytest.approx(0.875)  # 2/60 0.25 1.5 2
    assert levels["median_resolution_hours"] == pytest.approx(8.0)  # 6 8 24


def test_labels_apply_when_the_header_differs_in_case_from_the_preset(engine):
    frame = pd.DataFrame({"ID": ["1", "2"], "Requester ID": ["9", "9"],
                          "created_at": ["2025-03-03 09:00:00", "2025-03-04 09:00:00"],
                          "SATISFACTION SCORE": ["good", "Bad "]})
    report = import_dataset(engine, "service", frame, mapping=load_mapping("preset:zendesk-tickets"))
    assert (report.inserted, report.rejected) == (2, 0)
    assert rows(engine, "SELECT ticket_id, csat FROM service_tickets ORDER BY ticket_id") == [("1", 5), ("2", 1)]


# --- a preset that does not fit the file ------------------------------------------------------------------------


def test_a_preset_that_does_not_fit_the_file_names_the_missing_columns():
    with pytest.raises(ImportRejected) as wrong:
        check("service", fixture("zendesk_tickets.csv"), mapping=load_mapping("preset:freshdesk-tickets"))
    assert "missing required column(s) ticket_id, customer_id, opened_at for service" in wrong.value.reason
    assert "The file has: Id, Requester, Requester id," in wrong.value.reason
    with pytest.raises(ImportRejected, match="the wide-survey mapping names columns the file lacks: ResponseId"):
        check("survey", fixture("surveymonkey_responses.csv"), mapping=load_mapping("preset:qualtrics-wide"))
    with pytest.raises(ImportRejected, match=r"missing required column\(s\) order_id for purchases"):
        check("purchases", fixture("online_retail_ii.csv"), mapping=load_mapping("preset:uci-online-retail"))
    renamed = pd.DataFrame({"InvoiceNo": ["1"], "InvoiceDate": ["2010-12-01"], "CustomerID": ["7"],
                            "Quantity": ["1"], "Price": ["2"]})  # Online Retail with II's price column
    with pytest.raises(ImportRejected, match="the order-lines mapping needs columns the file lacks: UnitPrice"):
        check("purchases", renamed, mapping=load_mapping("preset:uci-online-retail"))


# --- the command line -------------------------------------------------------------------------------------------


def test_cli_lists_the_presets():
    result = subprocess.run([sys.executable, "cli.py", "presets"], cwd=ROOT, capture_output=True, text=True)
    assert result.returncode == 0
    listed = result.stdout.splitlines()
    assert len(listed) == len(presets())
    for preset in presets().values():
        assert f"preset:{preset.name}  ({preset.dataset})  {preset.description}" in listed


def test_cli_imports_with_a_preset(tmp_path, capsys):
    url = f"duckdb:///{tmp_path / 'cx.duckdb'}"
    code = cli.main(["import", "purchases", str(fixture("online_retail.csv")), "--mapping",
                     "preset:uci-online-retail", "--database-url", url])
    out, _ = capsys.readouterr()
    assert code == 0
    assert "12 lines read (7 orders); 6 inserted" in out and "1 order rejected (1 line)" in out
    assert "customer_id: missing required value (rows 8)" in out
    code = cli.main(["import", "service", str(fixture("freshdesk_tickets.csv")), "--mapping", "preset:nope",
                     "--database-url", url])
    _, err = capsys.readouterr()
    assert code == 1 and "there is no preset 'nope'" in err
