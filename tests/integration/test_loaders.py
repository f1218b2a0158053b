"""Every loader rule, on DuckDB and PostgreSQL: bad input is reported precisely and stored data never changes."""

from __future__ import annotations

import pandas as pd
import pytest
import sqlalchemy as sa

from data_access import change_log
from data_access.loaders import import_dataset
from data_access.readers import ImportRejected
from data_access.schema import survey_responses

GOOD_SURVEY = """response_id,customer_id,submitted_at,touchpoint,nps,csat,ces,comment
R1,C1,2025-01-05 10:00:00,Home delivery,9,5,7,"Great delivery, really quick"
R2,C2,2025-01-06 11:00:00,Home delivery,3,2,2,Terribly late parcel
R3,C1,2025-02-01 09:30:00,App checkout,7,4,,
"""


def write(tmp_path, name: str, text: str, encoding: str = "utf-8") -> str:
    path = tmp_path / name
    path.write_bytes(text.encode(encoding))
    return str(path)


def stored(engine) -> list[tuple]:
    with engine.connect() as conn:
        return [tuple(r) for r in conn.execute(sa.select(survey_responses).order_by(survey_responses.c.response_id))]


@pytest.fixture
def loaded(engine, tmp_path):
    """A database that already holds three valid responses."""
    report = import_dataset(engine, "survey", write(tmp_path, "good.csv", GOOD_SURVEY))
    assert (report.inserted, report.rejected) == (3, 0)
    return engine


def test_a_good_file_is_stored_typed_and_scored(loaded):
    rows = {r.response_id: r for r in _rows(loaded)}
    assert rows["R1"].nps == 9 and rows["R1"].csat == 5 and rows["R1"].ces == 7
    assert rows["R3"].ces is None and rows["R3"].comment is None and rows["R3"].sentiment is None
    assert rows["R1"].sentiment > 0 > rows["R2"].sentiment
    assert rows["R1"].sentiment_scorer == "general"
    bands = (rows["R1"].sentiment_band, rows["R2"].sentiment_band, rows["R3"].sentiment_band)
    assert bands == ("positive", "negative", None)
    assert rows["R1"].comment == "Great delivery, really quick"


def _rows(engine):
    with engine.connect() as conn:
        return list(conn.execute(sa.select(survey_responses)))


def test_importing_the_same_file_twice_changes_nothing(loaded, tmp_path):
    before = stored(loaded)
    report = import_dataset(loaded, "survey", write(tmp_path, "again.csv", GOOD_SURVEY))
    assert (report.inserted, report.updated, report.unchanged, report.rejected) == (0, 0, 3, 0)
    assert stored(loaded) == before


def test_a_changed_row_is_updated_and_only_that_one(loaded, tmp_path):
    report = import_dataset(loaded, "survey", write(tmp_path, "fix.csv", GOOD_SURVEY.replace(",3,2,2,", ",4,2,2,")))
    assert (report.inserted, report.updated, report.unchanged) == (0, 1, 2)
    assert {r.response_id: r.nps for r in _rows(loaded)}["R2"] == 4


@pytest.mark.parametrize(
    ("name", "text", "message"),
    [
        ("cols.csv", "id,who,when\n1,C1,2025-01-01\n",
         "missing required column(s) response_id, customer_id, submitted_at, touchpoint for survey. "
         "The file has: id, who, when"),
        ("empty.csv", "", "the file is empty"),
        ("blank.csv", "\n\n  \n", "the file is empty"),
        ("header.csv", "response_id,customer_id,submitted_at,touchpoint,nps\n", "header but no data rows"),
        ("allbad.csv", "response_id,customer_id,submitted_at,touchpoint,nps\nR9,C1,2025-01-01,Web,11\n",
         "none of the 1 rows can be imported; nps: outside the allowed range 0 to 10 (rows 2)"),
        ("notes.docx", "hello", "unsupported file type .docx"),
    ],
)
def test_a_file_rejected_whole_says_why_and_stores_nothing(loaded, tmp_path, name, text, message):
    before = stored(loaded)
    with pytest.raises(ImportRejected) as error:
        import_dataset(loaded, "survey", write(tmp_path, name, text))
    assert message in str(error.value)
    assert str(error.value).startswith(name)
    assert stored(loaded) == before


@pytest.mark.parametrize(
    ("line", "row", "column", "reason"),
    [
        ("R4,C3,2025-03-01,Web checkout,11,,,", 3, "nps", "outside the allowed range 0 to 10"),
        ("R4,C3,2025-03-01,Web checkout,,9,,", 3, "csat", "outside the allowed range 1 to 5"),
        ("R4,C3,2025-03-01,Web checkout,seven,,,", 3, "nps", "not a number"),
        ("R4,C3,2025-03-01,Web checkout,7.5,,,", 3, "nps", "not a whole number"),
        ("R4,C3,the 1st of March,Web checkout,7,,,", 3, "submitted_at", "not a recognisable date and time"),
        ("R4,,2025-03-01,Web checkout,7,,,", 3, "customer_id", "missing required value"),
        ("R1,C9,2025-03-01,Web checkout,7,,,", 3, "response_id", "duplicate key: an earlier row has the same key"),
    ],
)
def test_bad_rows_are_reported_by_row_and_column_and_good_rows_still_land(loaded, tmp_path, line, row, column,
                                                                           reason):
    before = stored(loaded)
    text = "response_id,customer_id,submitted_at,touchpoint,nps,csat,ces,comment\n" \
           "R1,C1,2025-01-05 10:00:00,Home delivery,9,5,7,\"Great delivery, really quick\"\n" + line + "\n"
    report = import_dataset(loaded, "survey", write(tmp_path, "mixed.csv", text))
    assert report.rejected == 1
    problem = report.rejections.iloc[0]
    assert (problem["row"], problem["column"], problem["reason"]) == (row, column, reason)
    assert report.unchanged == 1 and report.inserted == 0
    assert stored(loaded) == before


def test_latin1_bom_and_semicolons_are_read(engine, tmp_path):
    latin = write(tmp_path, "latin.csv", "response_id;customer_id;submitted_at;touchpoint;nps;comment\n"
                                         "R1;C1;2025-01-05;Livraison;4;Café très lent, déçu\n", encoding="latin-1")
    bom = write(tmp_path, "bom.csv", "\ufeffresponse_id,customer_id,submitted_at,touchpoint,nps\n"
                                     "R2,C2,05/01/2025,Web,10\n")
    tabs = write(tmp_path, "tabs.tsv", "response_id\tcustomer_id\tsubmitted_at\ttouchpoint\tnps\n"
                                       "R3\tC3\t22-03-2021 14.05\tWeb\t8\n")
    for path in (latin, bom, tabs):
        assert import_dataset(engine, "survey", path).inserted == 1
    rows = {r.response_id: r for r in _rows(engine)}
    assert rows["R1"].comment == "Café très lent, déçu"
    assert rows["R2"].nps == 10
    assert rows["R3"].submitted_at.isoformat() == "2021-03-22T14:05:00"


def test_column_names_match_loosely_and_through_a_mapping(engine):
    frame = pd.DataFrame({"Response ID": ["R1"], "CUSTOMER-ID": ["C1"], "Submitted_At": ["2025-01-05"],
                          "Touch point": ["Web"], "Likelihood to recommend": ["8"]})
    report = import_dataset(engine, "survey", frame, mapping={"Likelihood to recommend": "nps"})
    assert report.inserted == 1
    assert _rows(engine)[0].nps == 8


def test_a_mapping_to_a_column_the_contract_lacks_is_refused(engine):
    frame = pd.DataFrame({"response_id": ["R1"]})
    with pytest.raises(ImportRejected, match="not in the survey contract: score"):
        import_dataset(engine, "survey", frame, mapping={"x": "score"})


def test_strict_mode_rejects_unknown_customers(engine, tmp_path):
    import_dataset(engine, "customers", pd.DataFrame({"customer_id": ["C1"], "joined_at": ["2020-01-01"]}))
    report = import_dataset(engine, "survey", write(tmp_path, "s.csv", GOOD_SURVEY), strict=True)
    assert report.inserted == 2  # R1 and R3 belong to C1
    assert report.rejections[["row", "column", "reason"]].values.tolist() == [
        [3, "customer_id", "unknown customer (strict mode)"]]


def test_a_database_failure_mid_import_leaves_nothing_half_written(loaded, tmp_path, monkeypatch):
    before = stored(loaded)

    def fail(conn):
        raise sa.exc.OperationalError("UPDATE app_meta", {}, RuntimeError("disk full"))

    monkeypatch.setattr(change_log, "bump_data_version", fail)
    changed = GOOD_SURVEY.replace(",3,2,2,", ",4,2,2,") + "R4,C4,2025-03-01,Web,10,,,\n"
    with pytest.raises(ImportRejected, match="nothing was stored"):
        import_dataset(loaded, "survey", write(tmp_path, "late.csv", changed))
    assert stored(loaded) == before


def test_excel_with_several_sheets_needs_a_sheet_name(engine, tmp_path):
    path = tmp_path / "book.xlsx"
    with pd.ExcelWriter(path) as book:
        pd.DataFrame({"response_id": ["R1"], "customer_id": ["C1"], "submitted_at": ["2025-01-01"],
                      "touchpoint": ["Web"], "nps": [9]}).to_excel(book, sheet_name="Responses", index=False)
        pd.DataFrame({"note": ["x"]}).to_excel(book, sheet_name="Notes", index=False)
    with pytest.raises(ImportRejected, match=r"2 sheets \(Responses, Notes\)"):
        import_dataset(engine, "survey", str(path))
    assert import_dataset(engine, "survey", str(path), sheet="Responses").inserted == 1


def test_parquet_keeps_its_types(engine, tmp_path):
    path = tmp_path / "orders.parquet"
    pd.DataFrame({"order_id": ["O1", "O2"], "customer_id": ["C1", "C1"],
                  "ordered_at": pd.to_datetime(["2025-01-01 10:00", "2025-01-02 11:00"]),
                  "amount": [19.99, -5.0], "points_earned": [20, 0]}).to_parquet(path)
    assert import_dataset(engine, "purchases", str(path)).inserted == 2


def test_service_tickets_get_hours_and_time_order_is_checked(engine):
    frame = pd.DataFrame({"ticket_id": ["T1", "T2"], "customer_id": ["C1", "C1"],
                          "opened_at": ["2025-01-01 10:00", "2025-01-05 10:00"],
                          "first_response_at": ["2025-01-01 12:30", ""],
                          "resolved_at": ["2025-01-04 10:00", "2025-01-04 10:00"]})
    report = import_dataset(engine, "service", frame)
    assert report.inserted == 1
    assert report.rejections[["row", "column", "reason"]].values.tolist() == [[3, "resolved_at", "is before opened_at"]]
    with engine.connect() as conn:
        row = conn.execute(sa.text("SELECT first_response_hours, resolution_hours FROM service_tickets")).one()
    assert tuple(row) == (2.5, 72.0)


def test_every_import_changes_the_data_version_and_is_logged(engine, tmp_path):
    from data_access.queries import data_version

    first = import_dataset(engine, "survey", write(tmp_path, "a.csv", GOOD_SURVEY))
    second = import_dataset(engine, "survey", write(tmp_path, "a.csv", GOOD_SURVEY))
    assert second.data_version == first.data_version + 1
    with engine.connect() as conn:
        assert data_version(conn) == second.data_version
        log = conn.execute(sa.text("SELECT source, inserted, unchanged, scorer FROM import_log "
                                   "ORDER BY data_version")).all()
    assert [tuple(r) for r in log] == [("a.csv", 3, 0, "general"), ("a.csv", 0, 3, "general")]
