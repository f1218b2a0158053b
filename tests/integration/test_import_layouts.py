"""Wide surveys, order lines, chunked files, replace/remove and the dry-run check, on DuckDB and PostgreSQL."""

from __future__ import annotations

import pandas as pd
import pytest
import sqlalchemy as sa

from data_access import loaders, readers
from data_access.loaders import check, import_dataset, remove_dataset
from data_access.mapping import Mapping, OrderLines, WideSurvey
from data_access.readers import ImportRejected
from data_access.suggest import suggest_mapping

WIDE = """Respondent,Email,Date,Checkin service,Baggage handling,Likelihood to recommend,Comments
1001,C1,3/22/2021,5,0,9,Lovely crew
1002,C2,3/23/2021,2,4,3,Lost my <b>bag</b>
1003,C3,3/24/2021,x,3,,
"""
WIDE_MAPPING = Mapping(
    columns={"Email": "customer_id", "Date": "submitted_at", "Comments": "comment"},
    wide=WideSurvey(respondent="Respondent", touchpoints={"Checkin service": "Check-in",
                                                         "Baggage handling": "Baggage"},
                    scale="0-5", recommend="Likelihood to recommend", overall="Overall experience",
                    stages={"Check-in": "Departure", "Baggage": "Arrival", "Overall experience": "Arrival"}))
LINES = """Invoice,StockCode,Quantity,InvoiceDate,Price,Customer ID
489434,85048,12,01/12/2009 07:45,6.95,13085
489434,79323P,12,01/12/2009 07:45,6.75,13085
C489449,22087,-12,01/12/2009 10:33,0.85,16321
489450,21871,two,01/12/2009 10:40,1.25,16322
"""
LINES_MAPPING = Mapping(columns={"Invoice": "order_id", "InvoiceDate": "ordered_at", "Customer ID": "customer_id"},
                        lines=OrderLines(quantity="Quantity", unit_price="Price", cancel_prefix="C"),
                        date_order="day-first")  # 01/12/2009 is 1 December in this UK export


def rows(engine, sql: str) -> list[tuple]:
    with engine.connect() as conn:
        return [tuple(r) for r in conn.execute(sa.text(sql))]


def write(tmp_path, name, text):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_a_wide_survey_becomes_one_response_per_touchpoint(engine, tmp_path):
    report = import_dataset(engine, "survey", write(tmp_path, "wide.csv", WIDE), mapping=WIDE_MAPPING)
    assert report.rows_read == 3
    assert report.rejections[["row", "column", "value", "reason"]].values.tolist() == [
        [4, "csat", "x", "not a number"]]
    stored = rows(engine, "SELECT response_id, customer_id, touchpoint, csat, nps, comment FROM survey_responses "
                          "ORDER BY response_id")
    assert stored == [
        ("1001:Check-in", "C1", "Check-in", 5, None, "Lovely crew"),
        ("1001:Overall experience", "C1", "Overall experience", None, 9, "Lovely crew"),
        ("1002:Baggage", "C2", "Baggage", 4, None, "Lost my <b>bag</b>"),
        ("1002:Check-in", "C2", "Check-in", 2, None, "Lost my <b>bag</b>"),
        ("1002:Overall experience", "C2", "Overall experience", None, 3, "Lost my <b>bag</b>"),
        ("1003:Baggage", "C3", "Baggage", 3, None, None),
    ]  # 1001's baggage answer was 0 = not applicable
    assert rows(engine, "SELECT touchpoint, stage FROM touchpoints ORDER BY touchpoint") == [
        ("Baggage", "Arrival"), ("Check-in", "Departure"), ("Overall experience", "Arrival")]
    again = import_dataset(engine, "survey", write(tmp_path, "wide.csv", WIDE), mapping=WIDE_MAPPING)
    assert (again.inserted, again.updated, again.unchanged) == (0, 0, 6)


def test_order_lines_are_summed_and_cancellations_kept_negative(engine, tmp_path):
    report = import_dataset(engine, "purchases", write(tmp_path, "lines.csv", LINES), mapping=LINES_MAPPING)
    assert report.rejections[["row", "column", "value", "reason"]].values.tolist() == [
        [5, "amount", "two", "not a number"]]
    assert rows(engine, "SELECT order_id, customer_id, amount FROM purchases ORDER BY order_id") == [
        ("489434", "13085", 164.4), ("C489449", "16321", -10.2)]
    assert rows(engine, "SELECT ordered_at FROM purchases WHERE order_id = '489434'")[0][0].isoformat() == \
        "2009-12-01T07:45:00"
    auto = import_dataset(engine, "purchases", write(tmp_path, "lines.csv", LINES),
                          mapping=Mapping(columns=LINES_MAPPING.columns, lines=LINES_MAPPING.lines))
    assert auto.updated == 2  # read month-first, 01/12 is 12 January: the same orders, another date


def test_a_mapping_survives_json_and_reads_flat_files_too():
    assert Mapping.from_json(WIDE_MAPPING.to_json()) == WIDE_MAPPING
    assert Mapping.from_json(LINES_MAPPING.to_json()) == LINES_MAPPING
    assert Mapping.from_json('{"Likelihood": "nps"}') == Mapping(columns={"Likelihood": "nps"})
    with pytest.raises(ImportRejected, match="not valid JSON"):
        Mapping.from_json("{oops", "m.json")
    with pytest.raises(ImportRejected, match="unknown or missing setting"):
        Mapping.from_json('{"lines": {"qty": "Q"}}', "m.json")


@pytest.mark.parametrize("touchpoints", ['"Auto"', '["Checkin service", "Room"]'])
def test_a_wide_mapping_maps_its_touchpoints_or_says_auto(touchpoints):
    # refused when the mapping is read, not with a bare dict() error in the middle of the import
    with pytest.raises(ImportRejected, match="touchpoints must map columns to touchpoints"):
        Mapping.from_json(f'{{"wide": {{"respondent": "Respondent", "touchpoints": {touchpoints}}}}}', "m.json")


def test_suggested_mappings_know_common_export_headers():
    from data_access.contracts import dataset

    assert suggest_mapping(["Ticket ID", "Created At", "Solved At", "Subject", "Requester"], dataset("service")) == {
        "Ticket ID": "ticket_id", "Created At": "opened_at", "Solved At": "resolved_at", "Subject": "description"}
    assert suggest_mapping(["Invoice", "InvoiceDate", "Customer ID", "Price"], dataset("purchases")) == {
        "Invoice": "order_id", "InvoiceDate": "ordered_at", "Customer ID": "customer_id"}
    assert suggest_mapping(["Response ID", "Likelihood to recommend", "Date"], dataset("survey")) == {
        "Response ID": "response_id", "Likelihood to recommend": "nps", "Date": "submitted_at"}


def test_a_large_file_is_read_in_chunks_in_one_transaction(engine, tmp_path, monkeypatch):
    monkeypatch.setattr(readers, "CHUNK_ROWS", 3)
    text = "response_id,customer_id,submitted_at,touchpoint,nps\n" + "".join(
        f"R{i},C{i},2025-01-0{1 + i % 9},Web,{i % 11}\n" for i in range(10)) + "R2,C9,2025-01-05,Web,5\n"
    path = write(tmp_path, "big.csv", text)
    assert [len(c) for c in readers.read_chunks(path)] == [3, 3, 3, 2]
    report = import_dataset(engine, "survey", path)
    assert (report.rows_read, report.inserted) == (11, 10)
    assert report.rejections[["row", "value", "reason"]].values.tolist() == [
        [12, "R2 (first in row 4)", "duplicate key: an earlier row has the same key"]]


def test_a_failure_in_the_last_chunk_rolls_back_the_first_ones(engine, tmp_path, monkeypatch):
    monkeypatch.setattr(readers, "CHUNK_ROWS", 2)
    real = loaders.bulk.fill
    calls = []

    def fail_on_third(conn, table, frame):
        calls.append(len(frame))
        if len(calls) == 3:
            raise sa.exc.OperationalError("INSERT", {}, RuntimeError("disk full"))
        real(conn, table, frame)

    monkeypatch.setattr(loaders.bulk, "fill", fail_on_third)
    text = "response_id,customer_id,submitted_at,touchpoint,nps\n" + "".join(
        f"R{i},C{i},2025-01-01,Web,9\n" for i in range(6))
    with pytest.raises(ImportRejected, match="nothing was stored"):
        import_dataset(engine, "survey", write(tmp_path, "six.csv", text))
    assert rows(engine, "SELECT count(*) FROM survey_responses") == [(0,)]


def test_check_reports_without_writing(engine, tmp_path):
    report = check("purchases", write(tmp_path, "lines.csv", LINES), mapping=LINES_MAPPING)
    assert (report.rows_read, report.inserted, report.rejected) == (4, 2, 1)
    assert rows(engine, "SELECT count(*) FROM purchases") == [(0,)]


def test_replace_and_remove_a_dataset(engine):
    first = pd.DataFrame({"order_id": ["O1", "O2"], "customer_id": ["C1", "C2"],
                          "ordered_at": ["2025-01-01", "2025-01-02"], "amount": ["10", "20"]})
    import_dataset(engine, "purchases", first)
    report = import_dataset(engine, "purchases", first.iloc[[1]], replace=True)
    assert report.inserted == 1
    assert rows(engine, "SELECT order_id FROM purchases") == [("O2",)]
    removed = remove_dataset(engine, "purchases")
    assert removed.rows_read == 1 and removed.data_version == report.data_version + 1
    assert rows(engine, "SELECT count(*) FROM purchases") == [(0,)]
