"""The Data page in headless Chromium, start to finish on a fresh database: an undated wide survey imported with a
fixed date set on the page, and three daily order-line exports imported in one go. Figures checked by hand."""

from __future__ import annotations

import re
from datetime import datetime

import pytest
import sqlalchemy as sa
from playwright.sync_api import expect

from data_access.db import open_database
from tests.browser.conftest import screenshot, settle, streamlit_server, wait_ms
from tests.conftest import ROOT

pytestmark = pytest.mark.browser

FIXTURES = ROOT / "tests" / "fixtures" / "data_page"
VIEWPORT = {"width": 1440, "height": 3000}


def stored(database, sql: str) -> list[tuple]:
    engine = open_database(f"duckdb:///{database}")
    with engine.connect() as conn:
        rows = [tuple(r) for r in conn.execute(sa.text(sql))]
    engine.dispose()
    return rows


def open_data_page(chromium, base: str):
    page = chromium.new_page(viewport=VIEWPORT)
    page.goto(f"{base}/Data")
    page.get_by_text("Customers known only from transactions").first.wait_for(timeout=wait_ms(30))
    settle(page)
    return page


def widget(page, test_id: str, label: str | re.Pattern):
    """The widget of that kind whose label is `label` (a string matches the whole label)."""
    pattern = label if isinstance(label, re.Pattern) else re.compile(rf"^{re.escape(label)}$")
    return page.get_by_test_id(test_id).filter(has=page.get_by_test_id("stWidgetLabel").filter(has_text=pattern))


def choose(page, label: str | re.Pattern, option: str | re.Pattern) -> None:
    """Pick an option of a selectbox, typing to filter long lists."""
    box = widget(page, "stSelectbox", label)
    box.click()
    if isinstance(option, str):
        page.keyboard.type(option)
        option = re.compile(rf"^{re.escape(option)}$")
    page.get_by_role("option", name=option).first.click(timeout=wait_ms(10))
    settle(page)


def selected(page, label: str | re.Pattern) -> str:
    """What a selectbox shows (its combobox input's value)."""
    return widget(page, "stSelectbox", label).get_by_role("combobox").input_value()


def metric(page, label: str) -> str:
    card = page.get_by_test_id("stMetric").filter(
        has=page.get_by_test_id("stMetricLabel").filter(has_text=re.compile(rf"^{re.escape(label)}$")))
    return card.get_by_test_id("stMetricValue").text_content().strip()


def upload(page, *paths) -> None:
    page.get_by_test_id("stFileUploaderDropzoneInput").first.set_input_files([str(p) for p in paths])
    page.get_by_text(re.compile(r"^(First 10 of|All [\d,]+ rows of) ")).wait_for(timeout=wait_ms(30))
    settle(page)


def import_and_wait(page, button: str) -> None:
    page.get_by_role("button", name=button, exact=True).click()
    page.get_by_test_id("stAlertContentSuccess").first.wait_for(timeout=wait_ms(60))
    settle(page)


def top(page) -> None:
    """Scroll back to the page's top (an import scrolls down to its report)."""
    page.get_by_role("heading", name="Data", exact=True).scroll_into_view_if_needed()


def no_exception(page) -> None:
    assert page.locator('[data-testid="stException"]').count() == 0


def test_an_undated_wide_survey_is_imported_with_a_fixed_date(chromium, tmp_path):
    database = tmp_path / "survey.duckdb"
    with streamlit_server(database) as base:
        page = open_data_page(chromium, base)
        choose(page, "Dataset", re.compile(r"^survey —"))
        upload(page, FIXTURES / "passenger_survey.csv")
        page.get_by_text("Wide survey: one rating column per touchpoint").click()
        settle(page)
        # the suggestions fit the values: ids (not the row counter), 14 ratings found, their 0-5 scale
        assert selected(page, "Respondent id column") == "id"
        expect(widget(page, "stMultiSelect", "Touchpoint rating columns").locator("[data-tag]")).to_have_count(
            14, timeout=wait_ms(10))
        scale = widget(page, "stButtonGroup", "Rating scale")
        assert scale.locator("[aria-checked='true']").text_content() == "0-5"
        choose(page, re.compile(r"^customer_id"), "id")
        expect(page.get_by_text(re.compile(r"^Map the required column\(s\) submitted_at "))).to_have_count(
            1, timeout=wait_ms(10))
        screenshot(page, "data-import-survey-mapping")

        date = widget(page, "stDateInput", re.compile(r"^Every row's submitted_at"))
        date.get_by_role("spinbutton").first.click()  # year, month, day segments; typing moves through them
        page.keyboard.type("20250630")
        page.get_by_text("Fixed values").first.click()  # the date is sent when the field loses focus
        settle(page)
        expect(page.get_by_text(re.compile(r"^Map the required column"))).to_have_count(0, timeout=wait_ms(10))

        import_and_wait(page, "Import")
        no_exception(page)
        # by hand: 36 passengers × 14 ratings = 504 cells, 9 of them 0 (not applicable) → 495 responses
        assert metric(page, "Rows read") == "36"
        assert metric(page, "Responses stored") == "495"
        assert metric(page, "Responses rejected") == "0"
        # the health panel at the top shows the import at once: every passenger is a customer known only from it
        assert metric(page, "Customers known only from transactions") == "36"
        assert metric(page, "Customers without a tier") == "36"
        screenshot(page, "data-import-survey-report")
        top(page)
        screenshot(page, "data-import-survey-health")
        page.close()
    # by hand from the file: 'Checkin service' answered by all 36, 18 of them 4 or 5 → CSAT 50%
    assert stored(database, "SELECT count(*), count(*) FILTER (WHERE csat >= 4), min(submitted_at), "
                            "max(submitted_at) FROM survey_responses WHERE touchpoint = 'Checkin service'") == [
        (36, 18, datetime(2025, 6, 30), datetime(2025, 6, 30))]


def test_three_daily_order_line_exports_are_imported_in_one_go(chromium, tmp_path):
    database = tmp_path / "orders.duckdb"
    days = sorted(FIXTURES.glob("invoice_lines_*.csv"))
    with streamlit_server(database) as base:
        page = open_data_page(chromium, base)
        choose(page, "Dataset", re.compile(r"^purchases —"))
        upload(page, *days)
        page.get_by_text("Order lines: one row per product line").click()
        settle(page)
        assert selected(page, "Quantity column") == "Quantity"
        assert selected(page, "Unit price column") == "UnitPrice"
        screenshot(page, "data-import-orders-mapping")

        import_and_wait(page, "Import 3 files")
        no_exception(page)
        # by hand: 10 + 6 + 5 = 21 lines of 13 invoices; 3 invoices (4 lines) name no customer and are rejected;
        # the other 10 are stored, 2 of them cancellations ('C' invoices)
        assert page.get_by_text("21 lines read → 13 orders").count() == 1
        assert metric(page, "Lines read") == "21"
        assert metric(page, "Orders stored") == "10"
        assert metric(page, "Orders rejected") == "3"
        rejected = page.get_by_test_id("stMetric").filter(has_text="Orders rejected")
        assert rejected.get_by_test_id("stMetricDelta").text_content().strip() == "4 lines"
        assert metric(page, "Customers known only from transactions") == "7"
        screenshot(page, "data-import-orders-report")
        top(page)
        screenshot(page, "data-import-orders-health")
        page.close()
    assert stored(database, "SELECT count(*), count(*) FILTER (WHERE amount < 0), round(sum(amount), 2) "
                            "FROM purchases") == [(10, 2, 611.77)]
    assert stored(database, "SELECT count(*), max(rows_read), max(rejected) FROM import_log") == [(1, 21, 4)]
