"""The real app in headless Chromium: served by `streamlit run`, opened like a person would, screenshotted."""

from __future__ import annotations

import shutil
from datetime import date

import pytest

from analytics.survey import summarise
from data_access import queries
from data_access.db import open_database
from data_access.filters import Filters
from tests.browser.conftest import SCREENSHOTS, streamlit_server

pytestmark = pytest.mark.browser


@pytest.fixture
def fresh_server(demo_duckdb_path, tmp_path):
    """A server that has answered no request yet."""
    shutil.copy(demo_duckdb_path, tmp_path / "cx.duckdb")
    with streamlit_server(tmp_path / "cx.duckdb") as base:
        yield base


def open_page(chromium, url: str, name: str, charts: int = 3):
    page = chromium.new_page(viewport={"width": 1500, "height": 2400})
    page.goto(url)
    page.locator(".js-plotly-plot").first.wait_for(timeout=30_000)
    page.wait_for_function(f"document.querySelectorAll('.js-plotly-plot').length >= {charts}", timeout=30_000)
    page.wait_for_timeout(500)
    SCREENSHOTS.mkdir(exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"{name}.png"))
    return page


def nps_text(demo_duckdb_path, filters: Filters) -> str:
    engine = open_database(f"duckdb:///{demo_duckdb_path}")
    with engine.connect() as conn:
        row = summarise(queries.survey_counts(conn, filters)).iloc[0]
    engine.dispose()
    return f"{row.nps:+.0f} ± {row.nps_margin:.0f}"


def test_overview_draws_in_a_real_browser(chromium, server, demo_duckdb_path):
    page = open_page(chromium, server, "overview")
    assert page.locator('[data-testid="stException"]').count() == 0
    assert page.locator('[data-testid="stMetric"]').count() == 8
    expected = nps_text(demo_duckdb_path, Filters(date(2025, 11, 1), date(2026, 10, 31)))
    assert page.locator('[data-testid="stMetricValue"]').first.text_content().strip() == expected
    assert "NPS by loyalty tier" in page.locator(".js-plotly-plot").nth(1).text_content()
    page.close()


PAGES = {"Journey_map": ("journey-map", "NPS by touchpoint across the journey", 3),
         "Touchpoints": ("touchpoints", "Promoters, passives and detractors by touchpoint", 3),
         "Loyalty": ("loyalty", "Loyalty tiers: size, experience and behaviour", 3),
         "Service": ("service", "Tickets by month and channel", 3),
         "Voices": ("voices", "words that set negative comments apart", 1)}


@pytest.mark.parametrize("path", list(PAGES))
def test_every_page_draws_in_a_real_browser(chromium, server, path):
    name, main_chart, charts = PAGES[path]
    page = open_page(chromium, f"{server}/{path}", name, charts)
    assert page.locator('[data-testid="stException"]').count() == 0
    titles = " ".join(chart.text_content() for chart in page.locator(".js-plotly-plot").all())
    assert main_chart in titles
    page.close()


def test_the_data_page_draws_its_health_panel(chromium, server):
    page = chromium.new_page(viewport={"width": 1500, "height": 1600})
    page.goto(f"{server}/Data")
    page.get_by_text("Customers known only from transactions").first.wait_for(timeout=30_000)
    page.wait_for_timeout(500)
    page.screenshot(path=str(SCREENSHOTS / "data.png"))
    assert page.locator('[data-testid="stException"]').count() == 0
    assert page.locator('[data-testid="stFileUploader"]').count() == 1
    page.close()


def test_the_menu_carries_the_filters_to_the_next_page(chromium, server):
    page = open_page(chromium, f"{server}/?tier=Platinum", "overview-platinum")
    page.get_by_role("link", name="Loyalty").click()
    page.wait_for_url("**/Loyalty?tier=Platinum", timeout=30_000)
    page.locator(".js-plotly-plot").first.wait_for(timeout=30_000)
    assert page.locator('[data-testid="stMultiSelect"]').first.text_content().count("Platinum") == 1
    assert page.locator('[data-testid="stException"]').count() == 0
    page.close()


def test_a_deep_link_is_the_first_request_of_a_fresh_server(chromium, fresh_server, demo_duckdb_path):
    page = open_page(chromium, f"{fresh_server}/Journey_map?period=all&tier=Gold", "journey-gold-deep-link")
    assert page.locator('[data-testid="stException"]').count() == 0
    assert "tier: Gold" in page.locator(".js-plotly-plot").first.text_content()
    page.close()
    page = open_page(chromium, f"{fresh_server}/?period=all&tier=Gold", "overview-gold-deep-link")
    assert page.locator('[data-testid="stException"]').count() == 0
    expected = nps_text(demo_duckdb_path, Filters(tiers=("Gold",)))
    assert page.locator('[data-testid="stMetricValue"]').first.text_content().strip() == expected
    assert "tier=Gold" in page.url
    page.close()
