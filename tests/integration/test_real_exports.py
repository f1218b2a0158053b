"""Files shaped like real exports (tests/fixtures/real/), imported as a new user would, with figures worked out by
hand: a retailer's order lines, one file per day, with cancellations and lines without a customer; an undated
wide passenger survey on a 0-5 scale; a CSV without a header row (issue 10)."""

from __future__ import annotations

import csv
import io
from datetime import date

import pandas as pd
import pytest
import sqlalchemy as sa

from analytics.loyalty import overall
from data_access import reads, sql
from data_access.filters import NO_TIER, Filters
from data_access.loaders import check, import_dataset, remove_dataset
from data_access.mapping import Mapping
from data_access.presets import load_mapping
from data_access.readers import HEADERLESS, ImportRejected, read_chunks
from data_access.schema import customers, purchases
from tests.conftest import ROOT

FIXTURES = ROOT / "tests" / "fixtures" / "real"
RETAIL_DAYS = sorted((FIXTURES / "retail-days").glob("*.csv"))
RETAIL = load_mapping(str(FIXTURES / "online-retail-mapping.json"))
DECEMBER = Filters(date(2011, 12, 1), date(2011, 12, 3))
# By hand from the three files: 12 lines form 10 invoices. 536368 (2 lines) and 536385 (1 line) have no customer
# id, so 8 orders are stored: 6 purchase orders and 2 cancellations (C536379 −27.50, C536383 −4.65).
GROSS = 35.64 + 11.10 + 54.08 + 34.80 + 9.90 + 19.35  # 536365 (6×2.55 + 6×3.39), 536366, 536367, 536380, 536381, 536384
RETURNS = -27.50 - 4.65


@pytest.fixture
def retail(engine):
    report = import_dataset(engine, "purchases", RETAIL_DAYS, mapping=RETAIL)
    return engine, report


def test_order_lines_in_three_daily_files_import_as_one_and_count_lines_and_orders(retail):
    engine, report = retail
    assert (report.files, report.rows_read, report.records) == (3, 12, 10)
    assert (report.unit, report.record_unit) == ("lines", "orders")
    assert (report.inserted, report.rejected_records, report.rejected) == (8, 2, 3)
    assert "12 lines read (10 orders); 8 inserted" in report.summary()
    assert "2 orders rejected (3 lines)" in report.summary()
    lines = report.rejections.sort_values(["file", "row"])
    assert lines[["file", "row"]].values.tolist() == [
        ["online-retail-2011-12-01.csv", 6], ["online-retail-2011-12-01.csv", 7], ["online-retail-2011-12-03.csv", 4]]
    assert report.reasons()[["column", "reason", "rows"]].values.tolist() == [
        ["customer_id", "missing required value", 3]]
    with engine.connect() as conn:
        stored = dict(conn.execute(sa.select(purchases.c.order_id, purchases.c.amount)).all())
    assert stored["536365"] == pytest.approx(35.64) and stored["C536379"] == pytest.approx(-27.50)
    assert sum(stored.values()) == pytest.approx(GROSS + RETURNS)


def test_orders_without_a_customer_file_count_with_analysts_definitions(retail):
    engine, _ = retail
    with engine.connect() as conn:
        sums = reads.loyalty.by_tier.on(conn, DECEMBER)
        inline = sql.frame(conn, reads.loyalty.per_customer_select(DECEMBER))
    assert sums["tier"].tolist() == [NO_TIER]  # five customers known only from their orders
    kpis = overall(sums)
    # 17850 and 13047 bought twice, 14527 bought once and cancelled once, 18074 once, 15311 only cancelled.
    assert (kpis["customers"], kpis["active_customers"], kpis["orders"], kpis["returns"]) == (5, 4, 6, 2)
    assert kpis["gross_sales"] == pytest.approx(GROSS)
    assert kpis["revenue"] == pytest.approx(GROSS + RETURNS)
    assert kpis["average_order_value"] == pytest.approx(GROSS / 6)
    assert kpis["repeat_rate"] == pytest.approx(50.0)  # 2 of 4: a cancellation is not a second order
    pd.testing.assert_frame_equal(sums, inline, check_dtype=False)  # the stored and the inline shape agree


def test_a_customers_file_imported_later_fills_in_customers_known_from_orders(retail):
    engine, _ = retail
    import_dataset(engine, "customers", pd.DataFrame({"customer_id": ["17850", "13047"],
                                                      "joined_at": ["2010-01-01", "2010-06-01"],
                                                      "tier": ["Gold", "Silver"]}))
    with engine.connect() as conn:
        origin = dict(conn.execute(sa.select(customers.c.customer_id, customers.c.origin)).all())
        tiers = reads.loyalty.by_tier.on(conn, DECEMBER).set_index("tier")
        checks = reads.status.data_checks(conn)
    assert origin == {"17850": None, "13047": None, "14527": "transactions", "15311": "transactions",
                      "18074": "transactions"}
    assert checks["customers_from_transactions"] == 3
    assert (tiers.loc["Gold", "orders"], tiers.loc["Silver", "orders"], tiers.loc[NO_TIER, "customers"]) == (2, 2, 3)
    remove_dataset(engine, "customers")  # the orders still name all five: they stay customers
    with engine.connect() as conn:
        assert conn.execute(sa.select(sa.func.count()).select_from(customers)).scalar_one() == 5


def test_a_customer_known_only_from_transactions_is_dated_by_their_first_event(retail):
    engine, _ = retail
    with engine.connect() as conn:
        joined = dict(conn.execute(sa.select(customers.c.customer_id, customers.c.joined_at)).all())
    assert joined["13047"] == date(2011, 12, 1) and joined["15311"] == date(2011, 12, 3)
    remove_dataset(engine, "purchases")  # nothing names them any more
    with engine.connect() as conn:
        assert conn.execute(sa.select(sa.func.count()).select_from(customers)).scalar_one() == 0


def test_several_files_land_together_or_not_at_all(engine, tmp_path):
    broken = tmp_path / "online-retail-2011-12-04.csv"
    broken.write_text("InvoiceNo,Quantity,UnitPrice\n536390,1,2.00\n", encoding="utf-8")
    with pytest.raises(ImportRejected, match="missing required column"):
        import_dataset(engine, "purchases", [*RETAIL_DAYS, broken], mapping=RETAIL)
    with engine.connect() as conn:
        assert conn.execute(sa.select(sa.func.count()).select_from(purchases)).scalar_one() == 0


def test_an_order_repeated_in_a_later_file_is_reported_once_per_reason(engine, tmp_path):
    again = [tmp_path / f"day{i}.csv" for i in range(1, 13)]
    for i, path in enumerate(again):  # twelve daily files that all repeat invoice 536365
        header = "InvoiceNo,Quantity,InvoiceDate,UnitPrice,CustomerID\n"
        path.write_text(header + f"536365,1,12/{i + 1}/2011 8:00,2.0,17850\n", encoding="utf-8")
    report = import_dataset(engine, "purchases", again, mapping=RETAIL)
    assert (report.inserted, report.rejected) == (1, 11)
    reasons = report.reasons()
    assert len(reasons) == 1 and reasons.iloc[0]["rows"] == 11  # one reason line, not eleven
    assert reasons.iloc[0]["first_rows"] == "day10.csv row 2, day11.csv row 2, day12.csv row 2, day2.csv row 2, " \
                                            "day3.csv row 2"  # files in the order given, first five
    assert report.rejections.iloc[0]["value"] == "536365 (first in day1.csv row 2)"


def test_an_undated_wide_survey_imports_with_a_fixed_date_and_its_own_scale(engine):
    mapping = load_mapping(str(FIXTURES / "airline-survey-mapping.json")).with_constants(["submitted_at=2025-06-30"])
    report = import_dataset(engine, "survey", FIXTURES / "airline-survey-undated.csv", mapping=mapping)
    # Ratings 0-5, 0 = not applicable: wifi 11 answers (4, 4 in the top two), online booking 10 (5, 5),
    # check-in 11 (six 4-5), cleanliness 12 (seven 4-5). Age, distance and delay exceed 10: not ratings.
    assert (report.rows_read, report.records, report.inserted, report.rejected) == (12, 44, 44, 0)
    with engine.connect() as conn:
        counts = reads.survey.counts.on(conn, Filters(date(2025, 6, 30), date(2025, 6, 30)), by=("touchpoint",))
        stages = dict(conn.execute(sa.text("SELECT touchpoint, stage FROM touchpoints")).all())
    assert counts.set_index("touchpoint")[["csat_n", "csat_top2"]].to_dict("index") == {
        "Checkin service": {"csat_n": 11, "csat_top2": 6}, "Cleanliness": {"csat_n": 12, "csat_top2": 7},
        "Ease of Online booking": {"csat_n": 10, "csat_top2": 2},
        "Inflight wifi service": {"csat_n": 11, "csat_top2": 2}}
    assert stages == {"Inflight wifi service": "Fly", "Ease of Online booking": "Book", "Checkin service": "Depart",
                      "Cleanliness": "Fly"}


def test_a_survey_without_its_date_column_says_how_to_give_one(engine):
    mapping = load_mapping(str(FIXTURES / "airline-survey-mapping.json"))
    with pytest.raises(ImportRejected, match=r"missing required column.*submitted_at"):
        import_dataset(engine, "survey", FIXTURES / "airline-survey-undated.csv", mapping=mapping)


@pytest.mark.parametrize(("setting", "message"), [
    ("submitted_at", "not COLUMN=VALUE"), ("=2025-06-30", "not COLUMN=VALUE")])
def test_a_fixed_value_must_name_a_column(setting, message):
    with pytest.raises(ImportRejected, match=message):
        Mapping().with_constants([setting])


def test_a_fixed_value_for_a_column_outside_the_contract_is_refused():
    with pytest.raises(ImportRejected, match="not in the survey contract: weather"):
        check("survey", FIXTURES / "airline-survey-undated.csv",
              mapping=Mapping(columns={"id": "customer_id"}, constants={"weather": "sunny"}))


def test_a_fixed_value_fills_only_the_cells_a_file_leaves_empty(engine):
    tickets = pd.DataFrame({"ticket_id": ["T1", "T2"], "customer_id": ["C1", "C2"],
                            "opened_at": ["2025-01-01 09:00", "2025-01-02 09:00"], "channel": ["", "Chat"]})
    import_dataset(engine, "service", tickets, mapping=Mapping(constants={"channel": "email"}))
    with engine.connect() as conn:
        channels = dict(conn.execute(sa.text("SELECT ticket_id, channel FROM service_tickets")).all())
    assert channels == {"T1": "email", "T2": "Chat"}


def test_text_labels_become_scores(engine):
    answers = pd.DataFrame({"response_id": ["A1", "A2", "A3"], "customer_id": ["C1", "C2", "C3"],
                            "submitted_at": ["2025-01-01"] * 3, "touchpoint": ["Flight"] * 3,
                            "satisfaction": ["satisfied", " Neutral or dissatisfied", "SATISFIED"]})
    labels = {"csat": {"satisfied": "5", "neutral or dissatisfied": "2"}}
    report = import_dataset(engine, "survey", answers, mapping=Mapping(columns={"satisfaction": "csat"},
                                                                        labels=labels))
    assert report.rejected == 0
    with engine.connect() as conn:
        assert dict(conn.execute(sa.text("SELECT response_id, csat FROM survey_responses")).all()) == {
            "A1": 5, "A2": 2, "A3": 5}


def test_a_csv_without_a_header_row_is_named_by_position_and_said_so(engine):
    path = FIXTURES / "orders-no-header.csv"
    chunk = next(read_chunks(path))
    assert list(chunk.columns[:4]) == ["column 1", "column 2", "column 3", "column 4"]
    assert chunk.attrs[HEADERLESS] and chunk["_row"].tolist() == [1, 2, 3]  # no header: data starts at row 1
    mapping = Mapping(columns={"column 1": "order_id", "column 2": "customer_id", "column 3": "ordered_at",
                               "column 4": "amount"})
    report = import_dataset(engine, "purchases", path, mapping=mapping)
    assert (report.inserted, report.rejections["row"].tolist()) == (2, [3])  # "-54.08x" is no number, on row 3
    assert "seems to have no header row" in report.summary()


def test_a_file_with_a_header_is_not_called_headerless(tmp_path):
    path = tmp_path / "s.csv"
    path.write_text("Q1,Score 1,Date\n1,2,2025-01-01\n", encoding="utf-8")
    assert not next(read_chunks(path)).attrs.get(HEADERLESS)


def test_the_delimiter_is_guessed_without_csv_sniffer(tmp_path, monkeypatch):
    """csv.Sniffer takes minutes on quoted text with commas (TESTING_NOTES.md); the guess must never call it."""
    def refuse(*_args, **_kwargs):
        raise AssertionError("csv.Sniffer was used")

    monkeypatch.setattr(csv.Sniffer, "sniff", refuse)
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";", lineterminator="\n")
    writer.writerow(["ticket_id", "customer_id", "opened_at", "description"])
    comment = 'My parcel, "express", came late; again, and again. ' * 40
    writer.writerows([f"T{i}", f"C{i}", "2025-01-01 09:00", comment] for i in range(2000))
    path = tmp_path / "tickets.csv"
    path.write_text(out.getvalue(), encoding="utf-8")
    chunk = next(read_chunks(path))
    assert list(chunk.columns[:4]) == ["ticket_id", "customer_id", "opened_at", "description"]
    assert chunk["description"].iloc[0] == comment


def test_labels_that_differ_in_case_and_spaces_group_as_one_in_the_first_spelling(engine):
    tickets = pd.DataFrame({"ticket_id": ["T1", "T2", "T3", "T4"], "customer_id": ["C1"] * 4,
                            "opened_at": ["2025-01-01 09:00"] * 4, "channel": ["Email", "email ", "Chat", " EMAIL"]})
    import_dataset(engine, "service", tickets)
    import_dataset(engine, "service", pd.DataFrame({"ticket_id": ["T5"], "customer_id": ["C2"],
                                                    "opened_at": ["2025-01-02 09:00"], "channel": ["CHAT"]}))
    import_dataset(engine, "touchpoints", pd.DataFrame({"touchpoint": ["Home delivery"], "stage": ["Receive"],
                                                        "stage_order": [3]}))
    import_dataset(engine, "survey", pd.DataFrame({"response_id": ["R1"], "customer_id": ["C1"],
                                                   "submitted_at": ["2025-01-03"], "touchpoint": ["home delivery "],
                                                   "nps": [9]}))
    with engine.connect() as conn:
        levels = reads.service.service_levels.on(conn, Filters(), by="channel")
        answered = conn.execute(sa.text("SELECT touchpoint FROM survey_responses")).scalar_one()
    assert dict(zip(levels["channel"], levels["tickets"], strict=True)) == {"Chat": 2, "Email": 3}
    assert answered == "Home delivery"  # the journey's spelling, so the answer lands on its stage
