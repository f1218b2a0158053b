"""The Overview in AppTest: it draws, its numbers are the analytics layer's, and filters and links change them."""

from __future__ import annotations

import re
from datetime import date

import pytest
from streamlit.testing.v1 import AppTest

from analytics.survey import summarise
from data_access import queries
from data_access.db import open_database
from data_access.filters import Filters

LAST_12_MONTHS = Filters(date(2025, 11, 1), date(2026, 10, 31))


def expected_nps(url: str, filters: Filters) -> str:
    engine = open_database(url)
    with engine.connect() as conn:
        row = summarise(queries.survey_counts(conn, filters)).iloc[0]
    engine.dispose()
    return f"{row.nps:+.0f} ± {row.nps_margin:.0f}"


def metric(at: AppTest, label: str):
    return next(m for m in at.metric if m.label == label)


def test_overview_draws_every_kpi_and_chart_without_error(app_on, demo_url):
    at = app_on(demo_url)
    assert not at.exception
    assert [m.label for m in at.metric] == ["NPS", "CSAT", "Effort (CES)", "Sentiment", "Active customers",
                                             "Revenue", "Repeat-purchase rate", "Points redemption"]
    assert metric(at, "NPS").value == expected_nps(demo_url, LAST_12_MONTHS)
    assert len(at.get("plotly_chart")) == 3
    assert "Data as of 31 Oct 2026" in at.caption[0].value


def test_choosing_a_tier_changes_the_numbers_and_the_link(app_on, demo_url):
    at = app_on(demo_url)
    everyone = metric(at, "NPS").value
    at.sidebar.multiselect(key="filter_tier").select("Platinum").run()
    assert not at.exception
    platinum = metric(at, "NPS").value
    assert platinum == expected_nps(demo_url, Filters(LAST_12_MONTHS.start, LAST_12_MONTHS.end, tiers=("Platinum",)))
    assert platinum != everyone
    assert at.query_params["tier"] in ("Platinum", ["Platinum"])  # AppTest stores a single value unwrapped


def test_a_shared_link_reproduces_the_view(app_on, demo_url):
    at = app_on(demo_url, period="custom", **{"from": "2026-01-01", "to": "2026-03-31"}, tier=["Gold", "Silver"],
                compare="last-year")
    assert not at.exception
    view = Filters(date(2026, 1, 1), date(2026, 3, 31), tiers=("Gold", "Silver"))
    assert metric(at, "NPS").value == expected_nps(demo_url, view)
    assert at.sidebar.multiselect(key="filter_tier").value == ["Gold", "Silver"]
    assert "same period last year" in at.caption[0].value


def test_a_tampered_link_falls_back_to_defaults_with_a_notice(app_on, demo_url):
    at = app_on(demo_url, period="forever", tier=["Diamond"], compare="<script>")
    assert not at.exception
    notices = " ".join(w.value for w in at.sidebar.warning)
    assert "Unknown period 'forever'" in notices and "'Diamond'" in notices and "Unknown comparison" in notices
    assert metric(at, "NPS").value == expected_nps(demo_url, LAST_12_MONTHS)


@pytest.mark.parametrize(("start", "end", "notice"), [("1990-01-01", "2030-12-31", "reach beyond the data"),
                                                     ("1990-01-01", "1990-12-31", "lie outside the data")])
def test_an_old_link_whose_dates_leave_the_data_still_draws_every_page(app_on, demo_url, start, end, notice):
    at = app_on(demo_url, period="custom", **{"from": start, "to": end})
    assert not at.exception, at.exception  # before: StreamlitValueBelowMinError from the sidebar's date input
    assert notice in " ".join(w.value for w in at.sidebar.warning)
    for page in ("pages/1_Journey_map.py", "pages/3_Loyalty.py"):
        assert not at.switch_page(page).run().exception


def test_an_empty_database_says_how_to_get_data(app_on, tmp_path):
    at = app_on(f"duckdb:///{tmp_path / 'empty.duckdb'}")
    assert not at.exception
    assert "No data yet" in at.info[0].value and "python cli.py demo" in at.info[0].value
    assert not at.metric


def test_a_broken_database_url_is_a_message_not_a_traceback(app_on):
    at = app_on("postgresql+psycopg://cx:hunter2@127.0.0.1:1/cx")
    assert not at.exception
    message = at.error[0].value
    assert "The data could not be read" in message and "cx:***@127.0.0.1:1/cx" in message
    assert "hunter2" not in message


def test_all_data_claims_no_change_against_a_period_without_data(app_on, demo_url):
    at = app_on(demo_url, period="all")
    assert not at.exception
    assert all(not m.delta for m in at.metric)  # AppTest shows a missing delta as ""
    assert metric(at, "NPS").value == expected_nps(demo_url, Filters())


def brief_lines(at: AppTest) -> list[str]:
    return [m.value for m in at.markdown if re.match(r":(green|red|gray)\[:material/trending_(up|down):\] ", m.value)]


def test_the_brief_names_the_planted_stories_and_stays_quiet_on_noise(app_on, demo_url):
    """Last 12 months: the app checkout lift and the loyalty rewards fall after the points change; a quiet quarter
    (Q3 2026 against Q2) calls nothing a change."""
    at = app_on(demo_url)
    lines = brief_lines(at)
    assert any(line.startswith(":green[:material/trending_up:] App checkout NPS rose") for line in lines), lines
    assert any(line.startswith(":red[:material/trending_down:] Loyalty rewards NPS fell") for line in lines), lines
    assert 1 <= len(lines) <= 6
    assert any("Benjamini-Hochberg" in c.value for c in at.caption)
    quiet = app_on(demo_url, period="quarter")
    assert brief_lines(quiet) == []
    assert any("No change beyond noise" in c.value for c in quiet.caption)


def test_the_delivery_dip_is_named_in_its_quarter_with_what_its_detractors_spend(app_on, demo_url):
    at = app_on(demo_url, period="custom", **{"from": "2025-08-01", "to": "2025-10-31"})
    assert any(line.startswith(":red[:material/trending_down:] Home delivery NPS fell")
               and line.endswith("— 651 answers; detractors there spend 46% less in the next 90 days.")
               for line in brief_lines(at)), brief_lines(at)


def test_the_points_change_is_named_as_fewer_buyers_redeeming(app_on, demo_url):
    at = app_on(demo_url, period="custom", **{"from": "2026-03-01", "to": "2026-05-31"})
    assert brief_lines(at)[0].startswith(":red[:material/trending_down:] Share of buyers who redeemed points fell"), \
        brief_lines(at)


@pytest.mark.parametrize("params", [{}, {"period": "30d", "tier": "Gold"}])
def test_the_report_of_the_view_is_a_whole_html_file(app_on, demo_url, params):
    from components.report_downloads import report_file

    at = app_on(demo_url, **params)
    assert [b.label for b in at.get("download_button")][:2] == ["HTML report", "PDF report"]
    from components.filters import view_from_params
    from data_access.reads import status
    engine = open_database(demo_url)
    with engine.connect() as conn:
        span = status.data_date_range(conn)
    engine.dispose()
    view = view_from_params({k: [v] for k, v in params.items()}, span, {})
    html = report_file(view, "html").decode("utf-8")
    assert html.startswith("<!doctype html>") and html.rstrip().endswith("</html>")
    assert view.filters.describe() in html
