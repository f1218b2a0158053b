"""CSV files in UTF-16 (with a BOM or without) import with the right values, a bad byte deep in a large file is
reported where it is, and no message shows NUL bytes (issue 15, finding 9)."""

from __future__ import annotations

import codecs
import io

import pytest
import sqlalchemy as sa

from data_access.loaders import import_dataset
from data_access.readers import SNIFF_BYTES, ImportRejected
from data_access.schema import survey_responses

SURVEY = ("response_id,customer_id,submitted_at,touchpoint,nps,csat,ces,comment\r\n"
          'R1,C1,2025-01-05 10:00:00,Home delivery,9,5,7,"Café crème, naïve 👍"\r\n'
          "R2,C2,2025-01-06 11:00:00,Ünterführung,3,2,2,Straße gesperrt\r\n")
EXPECTED = [("R1", "C1", "Home delivery", 9, "Café crème, naïve 👍"),
            ("R2", "C2", "Ünterführung", 3, "Straße gesperrt")]


@pytest.fixture
def duckdb_engine(databases):
    return databases.engine("duckdb")


def stored(engine) -> list[tuple]:
    columns = [survey_responses.c[n] for n in ("response_id", "customer_id", "touchpoint", "nps", "comment")]
    with engine.connect() as conn:
        return [tuple(r) for r in conn.execute(sa.select(*columns).order_by(survey_responses.c.response_id))]


@pytest.mark.parametrize(("name", "raw"), [
    ("utf-16-le-bom", codecs.BOM_UTF16_LE + SURVEY.encode("utf-16-le")),
    ("utf-16-be-bom", codecs.BOM_UTF16_BE + SURVEY.encode("utf-16-be")),
    ("utf-16-le", SURVEY.encode("utf-16-le")),
    ("utf-16-be", SURVEY.encode("utf-16-be")),
    ("utf-32-bom", SURVEY.encode("utf-32")),
])
def test_a_utf16_file_imports_with_the_right_values(duckdb_engine, tmp_path, name, raw):
    path = tmp_path / f"{name}.csv"
    path.write_bytes(raw)
    report = import_dataset(duckdb_engine, "survey", str(path))
    assert (report.inserted, report.rejected) == (2, 0), report.summary()
    assert stored(duckdb_engine) == EXPECTED


def test_an_uploaded_utf16_file_imports_too(duckdb_engine):
    upload = io.BytesIO(SURVEY.encode("utf-16"))
    report = import_dataset(duckdb_engine, "survey", upload, name="upload.csv")
    assert report.inserted == 2 and stored(duckdb_engine) == EXPECTED


def large_file_with_a_bad_byte() -> tuple[bytes, int, int]:
    """A UTF-8 survey of about 1.5 MB, every line with a two-byte character, and one byte after the first MiB that
    is not UTF-8: (bytes, its offset, its line)."""
    header, rows = SURVEY.split("\r\n", 1)[0] + "\n", []
    for i in range(20_000):
        rows.append(f"R{i},C{i},2025-01-05 10:00:00,Home delivery,9,5,7,Schön {i:05d} und pünktlich geliefert\n")
    data = (header + "".join(rows)).encode("utf-8")
    offset = data.index("pünktlich".encode(), SNIFF_BYTES + 123_456) + 1  # the first byte of ü: \xc3
    return data[:offset] + b"\xff" + data[offset + 1:], offset, data[:offset].count(b"\n") + 1


def test_a_bad_byte_after_the_first_mib_is_reported_where_it_is(duckdb_engine, tmp_path):
    data, offset, line = large_file_with_a_bad_byte()
    assert offset > 1_048_576 and line > 10_000
    path = tmp_path / "late.csv"
    path.write_bytes(data)
    for source in (str(path), io.BytesIO(data)):
        with pytest.raises(ImportRejected) as error:
            import_dataset(duckdb_engine, "survey", source, name="late.csv")
        assert f"invalid start byte at byte {offset}, line {line})" in str(error.value), str(error.value)
    assert stored(duckdb_engine) == []


def test_a_file_cut_inside_a_character_is_reported_at_its_last_bytes(duckdb_engine, tmp_path):
    data = SURVEY.encode("utf-8")
    path = tmp_path / "cut.csv"
    path.write_bytes(data + "R3,C3,2025-01-07 09:00:00,Home delivery,8,,,Schön ☕".encode()[:-1])
    with pytest.raises(ImportRejected) as error:
        import_dataset(duckdb_engine, "survey", str(path))
    assert f"unexpected end of data at byte {path.stat().st_size - 2}, line 4)" in str(error.value), str(error.value)


def test_no_message_shows_nul_bytes(duckdb_engine, tmp_path):
    path = tmp_path / "nul.csv"
    path.write_bytes(b"id\x00,who\x00,when\n1,C1,2025-01-01\n")
    with pytest.raises(ImportRejected) as error:
        import_dataset(duckdb_engine, "survey", str(path))
    assert "\x00" not in str(error.value) and "\x00" not in error.value.reason
    assert "The file has: id\\x00, who\\x00, when" in str(error.value), str(error.value)
