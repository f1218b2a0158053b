"""The benchmark's code paths at scale `small`: one table with every page and every section. Figures are never
asserted (they belong to bench/results/, not to tests)."""

from __future__ import annotations

import json

import pytest

from bench import report, run
from bench.pages import available_pages

pytestmark = pytest.mark.slow  # about a minute: make test runs it, make test-fast leaves it out


def test_bench_at_small_scale_writes_one_table_with_every_page_and_section(tmp_path):
    out, data = tmp_path / "results", tmp_path / "data"
    assert run.main(["--scale", "small", "--repeat", "1", "--sentiment-limit", "200", "--out", str(out),
                     "--data", str(data), "--postgres-url", ""]) == 0

    table = (out / "latest.md").read_text(encoding="utf-8")
    sections = {line.split(" | ")[0].removeprefix("| ") for line in table.splitlines() if line.startswith("| ")}
    assert set(report.SECTIONS) <= sections
    for label, _ in available_pages():
        for view in ("default", "narrow"):
            assert f"| pages | {label} · {view} filters |" in table
            assert f"| queries | {label} · {view}:" in table
    assert "error:" not in table
    results = json.loads((out / "latest.json").read_text(encoding="utf-8"))
    assert results["machine"]["cores"] and results["machine"]["versions"]["streamlit"]
    assert all(results["reference"]["kpis"][k]["agree"] for k in ("overview", "loyalty"))
    assert (out / "sentiment.json").exists()
