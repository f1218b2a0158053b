"""The command line: demo, import, report and their exit codes, as a scheduler would run them."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys

import pytest

import cli
from tests.conftest import ROOT, table_fingerprints


@pytest.fixture(scope="module")
def demo_url(demo_duckdb_path, tmp_path_factory):
    """A copy of the tests' demo file for this module (the import tests below write to it)."""
    path = tmp_path_factory.mktemp("cli") / "cx.duckdb"
    shutil.copy(demo_duckdb_path, path)
    return f"duckdb:///{path}"


def run(capsys, *argv) -> tuple[int, str, str]:
    code = cli.main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


@pytest.mark.slow
def test_demo_loads_every_dataset_and_if_empty_leaves_it_alone(demo_duckdb_path, capsys, tmp_path):
    """The suite's one real demo load; it must give the very rows of the demo file the other tests share (cached)."""
    url = f"duckdb:///{tmp_path / 'cx.duckdb'}"
    code, out, _ = run(capsys, "demo", "--database-url", url)
    assert code == 0 and out.count("inserted") == len(cli.LOAD_ORDER)
    loaded = table_fingerprints(url)
    assert all(loaded[name][0] > 0 for name in ("customers", "survey_responses", "purchases", "service_tickets"))
    assert loaded == table_fingerprints(f"duckdb:///{demo_duckdb_path}")
    code, out, _ = run(capsys, "demo", "--if-empty", "--database-url", url)
    assert code == 0 and "already holds data" in out


def test_report_json_has_overall_touchpoints_and_tiers_each_with_n(demo_url, capsys):
    code, out, _ = run(capsys, "report", "--format", "json", "--database-url", demo_url)
    report = json.loads(out)
    assert code == 0
    assert set(report) >= {"overall", "by_touchpoint", "by_tier"}
    assert report["overall"]["n"] > 30_000 and -100 < report["overall"]["nps"] < 100
    assert 0 < report["overall"]["nps_margin"] < 2
    assert len(report["by_touchpoint"]) == 15 and all("n" in row and "stage" in row for row in report["by_touchpoint"])
    assert [row["tier"] for row in report["by_tier"]] == ["Bronze", "Silver", "Gold", "Platinum", "No tier"]
    assert sum(row["n"] for row in report["by_tier"]) == report["overall"]["n"]
    assert sum(row["n"] for row in report["by_touchpoint"]) == report["overall"]["n"]
    assert report["sentiment_scorer"] == "general"


def test_report_filters_by_date_and_tier(demo_url, capsys):
    _, whole, _ = run(capsys, "report", "--format", "json", "--database-url", demo_url)
    _, narrow, _ = run(capsys, "report", "--format", "json", "--from", "2026-01-01", "--to", "2026-03-31",
                       "--tier", "Gold", "--database-url", demo_url)
    whole, narrow = json.loads(whole), json.loads(narrow)
    assert narrow["period"] == {"from": "2026-01-01", "to": "2026-03-31", "tiers": ["Gold"]}
    assert 0 < narrow["overall"]["n"] < whole["overall"]["n"] / 8
    assert [row["tier"] for row in narrow["by_tier"]] == ["Gold"]


def test_report_markdown_flags_small_samples(demo_url, capsys):
    code, out, _ = run(capsys, "report", "--from", "2026-10-25", "--database-url", demo_url)
    assert code == 0
    assert out.startswith("# CX report 2026-10-25 to 2026-10-31")
    assert "(low n)" in out and "| stage | touchpoint | n | NPS |" in out


def test_import_reports_rejected_rows_and_exits_0(demo_url, capsys, tmp_path):
    path = tmp_path / "extra.csv"
    path.write_text("Response ID;Customer;When;Touchpoint;Recommend\nX1;C000001;2026-10-01;Web checkout;9\n"
                    "X2;C000001;2026-10-02;Web checkout;12\n", encoding="utf-8")
    mapping = tmp_path / "mapping.json"
    mapping.write_text(json.dumps({"Customer": "customer_id", "When": "submitted_at", "Recommend": "nps"}))
    code, out, _ = run(capsys, "import", "survey", str(path), "--mapping", str(mapping), "--database-url", demo_url)
    assert code == 0
    assert "1 inserted" in out and "1 row rejected" in out
    assert "nps: outside the allowed range 0 to 10 (rows 3)" in out


def test_import_of_an_unusable_file_exits_1_and_says_why(demo_url, capsys, tmp_path):
    path = tmp_path / "orders.csv"
    path.write_text("id,total\n1,10\n", encoding="utf-8")
    code, _, err = run(capsys, "import", "purchases", str(path), "--database-url", demo_url)
    assert code == 1
    assert err.splitlines()[-1] == ("error: orders.csv: missing required column(s) order_id, customer_id, "
                                    "ordered_at, amount for purchases. The file has: id, total. Map a column to it, "
                                    "or give every row one value (a fixed value on the Data page, --set COLUMN=VALUE "
                                    "on the command line).")


def test_report_on_an_empty_database_says_what_to_do(capsys, tmp_path):
    code, _, err = run(capsys, "report", "--database-url", f"duckdb:///{tmp_path / 'empty.duckdb'}")
    assert code == 1 and "run `python cli.py demo`" in err


def test_a_broken_url_is_one_clear_line_without_traceback():
    result = subprocess.run([sys.executable, "cli.py", "report", "--database-url",
                             "postgresql+psycopg://cx:hunter2@127.0.0.1:1/cx"], cwd=ROOT, capture_output=True,
                            text=True)
    assert result.returncode == 2  # 2: the database is unreachable (1: bad arguments or no data)
    assert "postgresql+psycopg://cx:***@127.0.0.1:1/cx" in result.stderr
    assert "Traceback" not in result.stderr and "hunter2" not in result.stderr


def test_contract_prints_the_data_contract(capsys):
    code, out, _ = run(capsys, "contract")
    assert code == 0 and out == (ROOT / "docs" / "data-contract.md").read_text(encoding="utf-8")
