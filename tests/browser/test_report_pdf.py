"""The PDF report, printed by Debian's Chromium: its text holds the title, the period and the NPS; several pages."""

from __future__ import annotations

import io
import os
from datetime import date

import pytest

import reports
from data_access.db import open_database
from data_access.filters import Filters
from reports.numbers import build_report
from reports.pdf import chromium

pytestmark = pytest.mark.browser


def test_the_pdf_holds_the_title_period_and_nps_on_several_pages(demo_duckdb_path):
    if chromium() is None:
        if os.environ.get("CI"):
            pytest.fail("Debian's chromium is missing: .ci/run installs it")
        pytest.skip("Debian's chromium is not installed")
    from pypdf import PdfReader

    engine = open_database(f"duckdb:///{demo_duckdb_path}")
    filters = Filters(date(2025, 11, 1), date(2026, 10, 31))
    pdf = reports.render(engine, filters, "pdf")
    nps = build_report(engine, filters)["overall"]["nps"]
    engine.dispose()
    pages = PdfReader(io.BytesIO(pdf)).pages
    text = " ".join(page.extract_text() for page in pages)
    assert len(pages) > 1
    assert "CX report" in text and "01 Nov 2025 – 31 Oct 2026" in text
    assert f"+{nps:.0f} ± " in text and "What changed" in text
    assert "page 2 of" in text  # the footer, with page numbers
