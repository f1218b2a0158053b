"""The command line on exports shaped like real ones (tests/fixtures/real/): a folder of daily order-line files
as one import, every rejected row to a file, an undated survey with --set, and the report's loyalty and
service blocks, worked out by hand (issue 10)."""

from __future__ import annotations

import csv
import json

import pytest

from tests.conftest import ROOT
from tests.test_cli import run

FIXTURES = ROOT / "tests" / "fixtures" / "real"
GROSS, RETURNS = 164.87, -32.15  # see tests/integration/test_real_exports.py


@pytest.fixture
def url(tmp_path):
    return f"duckdb:///{tmp_path / 'cx.duckdb'}"


def test_a_folder_of_daily_files_is_one_import_with_every_rejected_line_in_a_file(url, capsys, tmp_path):
    rejected = tmp_path / "rejected.csv"
    code, out, _ = run(capsys, "import", "purchases", str(FIXTURES / "retail-days"), "--mapping",
                       str(FIXTURES / "online-retail-mapping.json"), "--rejected", str(rejected),
                       "--database-url", url)
    assert code == 0
    assert "3 files (online-retail-2011-12-01.csv … online-retail-2011-12-03.csv) → purchases: 12 lines read " \
           "(10 orders); 8 inserted" in out
    reasons = [line for line in out.splitlines() if line.strip().startswith("rejected")]
    assert reasons == ["  rejected 3 row(s): customer_id: missing required value (rows online-retail-2011-12-01.csv "
                       "row 6, online-retail-2011-12-01.csv row 7, online-retail-2011-12-03.csv row 4)"]
    with rejected.open(encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    assert [(r["file"], r["row"], r["column"]) for r in rows] == [
        ("online-retail-2011-12-01.csv", "6", "customer_id"), ("online-retail-2011-12-01.csv", "7", "customer_id"),
        ("online-retail-2011-12-03.csv", "4", "customer_id")]


def test_report_has_overall_loyalty_and_service_blocks(url, capsys, tmp_path):
    run(capsys, "import", "purchases", *map(str, sorted((FIXTURES / "retail-days").glob("*.csv"))), "--mapping",
        str(FIXTURES / "online-retail-mapping.json"), "--database-url", url)
    mapping = tmp_path / "tickets.json"
    mapping.write_text(json.dumps({"Ticket ID": "ticket_id", "Customer": "customer_id", "Created At": "opened_at",
                                   "First Reply At": "first_response_at", "Solved At": "resolved_at",
                                   "Satisfaction": "csat", "Subject": "description"}), encoding="utf-8")
    code, out, _ = run(capsys, "import", "service", str(FIXTURES / "tickets.csv"), "--mapping", str(mapping),
                       "--database-url", url)
    assert code == 0 and "3 inserted" in out
    code, out, _ = run(capsys, "report", "--format", "json", "--from", "2011-12-01", "--to", "2011-12-03",
                       "--database-url", url)
    report = json.loads(out)
    assert code == 0
    loyalty = report["loyalty"]
    assert {k: loyalty[k] for k in ("customers", "active_customers", "orders", "returns")} == {
        "customers": 5, "active_customers": 4, "orders": 6, "returns": 2}
    assert loyalty["gross_sales"] == pytest.approx(GROSS) and loyalty["revenue"] == pytest.approx(GROSS + RETURNS)
    assert loyalty["average_order_value"] == pytest.approx(GROSS / 6) and loyalty["repeat_rate"] == pytest.approx(50)
    # tickets.csv: three tickets, two resolved (after 4 h and 30 h), first responses after 1 h, 2 h and 6 h,
    # ratings 5 and 2: CSAT 50 %.
    assert report["service"] == {"tickets": 3, "resolved": 2, "median_first_response_hours": 2.0,
                                 "median_resolution_hours": 17.0, "csat": 50.0, "csat_n": 2}
    _, markdown, _ = run(capsys, "report", "--from", "2011-12-01", "--to", "2011-12-03", "--database-url", url)
    assert "## Loyalty, all customers" in markdown and "| Average order value | 27.48 |" in markdown
    assert "## Service" in markdown and "| Median hours to resolution | 17.0 |" in markdown


def test_an_undated_survey_imports_with_set(url, capsys):
    args = ["import", "survey", str(FIXTURES / "airline-survey-undated.csv"), "--mapping",
            str(FIXTURES / "airline-survey-mapping.json"), "--database-url", url]
    code, _, err = run(capsys, *args)
    assert code == 1 and "--set COLUMN=VALUE" in err and "submitted_at" in err
    code, out, _ = run(capsys, *args, "--set", "submitted_at=2025-06-30")
    assert code == 0 and "12 rows read (44 responses); 44 inserted" in out
    _, out, _ = run(capsys, "report", "--format", "json", "--database-url", url)
    report = json.loads(out)
    assert report["headline_metric"] == "csat"  # no NPS question: small samples are judged on CSAT answers
    assert {row["touchpoint"]: row["csat_n"] for row in report["by_touchpoint"]} == {
        "Ease of Online booking": 10, "Checkin service": 11, "Inflight wifi service": 11, "Cleanliness": 12}


def test_a_bad_set_says_what_it_expects(url, capsys):
    code, _, err = run(capsys, "import", "survey", str(FIXTURES / "airline-survey-undated.csv"), "--set",
                       "2025-06-30", "--database-url", url)
    assert code == 1 and "is not COLUMN=VALUE" in err
