"""Journey map, Touchpoints, Loyalty and Service in AppTest: drawn from the same numbers as the analytics layer,
and changed by the filters."""

from __future__ import annotations

from datetime import date

import pytest

from analytics import loyalty
from analytics.survey import summarise
from data_access import queries
from data_access.db import open_database
from data_access.filters import Filters
from tests.pages.conftest import decode, figures, heatmap_cells

LAST_12_MONTHS = Filters(date(2025, 11, 1), date(2026, 10, 31))
PAGES = ["pages/1_Journey_map.py", "pages/2_Touchpoints.py", "pages/3_Loyalty.py", "pages/4_Service.py"]


@pytest.fixture(scope="module")
def read(demo_url):
    engine = open_database(demo_url)

    def run(query, *args, **kwargs):
        with engine.connect() as conn:
            return query(conn, *args, **kwargs)
    yield run
    engine.dispose()


@pytest.mark.parametrize("page", PAGES)
def test_every_page_draws_its_charts_without_error(app_on, demo_url, page):
    at = app_on(demo_url, page)
    assert not at.exception, at.exception
    assert len(at.get("plotly_chart")) >= 3
    assert not at.error


def test_journey_heatmap_shows_the_analytics_values_and_follows_the_metric(app_on, demo_url, read):
    at = app_on(demo_url, "pages/1_Journey_map.py")
    expected = summarise(read(queries.survey_counts, LAST_12_MONTHS, by=("touchpoint",))).set_index("touchpoint")
    cells = heatmap_cells(figures(at)["NPS by touchpoint across the journey"])
    assert len(cells) == 15
    for touchpoint, value in cells.items():
        assert value == pytest.approx(expected.loc[touchpoint, "nps"])
    at.segmented_control(key="journey_metric").set_value("csat").run()
    cells = heatmap_cells(figures(at)["CSAT by touchpoint across the journey"])
    assert cells["Home delivery"] == pytest.approx(expected.loc["Home delivery", "csat"])


def test_journey_carrier_dip_shows_on_the_map_for_that_period(app_on, demo_url):
    dip = app_on(demo_url, "pages/1_Journey_map.py", period="custom", **{"from": "2025-09-08", "to": "2025-10-19"})
    usual = app_on(demo_url, "pages/1_Journey_map.py")
    title = "NPS by touchpoint across the journey"
    assert heatmap_cells(figures(dip)[title])["Home delivery"] < -40
    assert heatmap_cells(figures(usual)[title])["Home delivery"] > 10


def test_journey_group_comparison_follows_the_chosen_tiers(app_on, demo_url):
    at = app_on(demo_url, "pages/1_Journey_map.py")
    assert "NPS by touchpoint: Gold vs Bronze" in figures(at)
    at.selectbox(key="journey_group_b").select("Platinum").run()
    assert "NPS by touchpoint: Gold vs Platinum" in figures(at)


def test_touchpoints_trend_opens_on_the_top_mover_and_shows_the_checkout_lift(app_on, demo_url):
    at = app_on(demo_url, "pages/2_Touchpoints.py")
    assert at.selectbox(key="touchpoints_trend").value == "Loyalty rewards"  # the points change
    at.selectbox(key="touchpoints_trend").select("App checkout").run()
    trend = figures(at)["App checkout: NPS by month, all data"]["data"][2]
    months = [m[:7] for m in decode(trend["x"])]
    nps = dict(zip(months, decode(trend["y"]), strict=True))
    assert min(nps[m] for m in months if m >= "2026-01") > max(nps[m] for m in months if m < "2026-01")


def test_touchpoints_priority_matrix_places_every_touchpoint(app_on, demo_url):
    at = app_on(demo_url, "pages/2_Touchpoints.py")
    matrix = figures(at)["Priority matrix: impact on NPS × current performance"]
    placed = [name for trace in matrix["data"] for name in decode(trace["text"])]
    assert sorted(placed) == sorted(
        ["Website browse", "Mobile app browse", "Marketing e-mail", "Web checkout", "App checkout",
         "In-store checkout", "Home delivery", "Click & collect", "Product quality", "Returns & exchanges",
         "Phone support", "Live chat", "E-mail support", "Loyalty rewards", "Member offers"])
    assert {trace["name"] for trace in matrix["data"]} <= {"Fix first", "Protect", "Monitor", "Maintain"}


def grid_values(figure: dict, subplot: int) -> dict[str, float]:
    trace = figure["data"][subplot]
    return dict(zip(decode(trace["x"]), decode(trace["y"]), strict=True))


def test_loyalty_tier_grid_matches_the_analytics_and_shows_the_gradient(app_on, demo_url, read):
    at = app_on(demo_url, "pages/3_Loyalty.py")
    grid = figures(at)["Loyalty tiers: size, experience and behaviour"]
    expected = loyalty.tier_kpis(read(queries.loyalty_by_tier, LAST_12_MONTHS)).set_index("tier")
    customers, nps, retention = grid_values(grid, 0), grid_values(grid, 1), grid_values(grid, 3)
    assert customers == {tier: float(expected.loc[tier, "customers"]) for tier in customers}
    assert retention["Platinum"] == pytest.approx(expected.loc["Platinum", "retention"])
    assert nps["Bronze"] < nps["Silver"] < nps["Gold"] < nps["Platinum"]


def test_loyalty_points_change_and_tier_filter(app_on, demo_url):
    at = app_on(demo_url, "pages/3_Loyalty.py")
    points = figures(at)["Loyalty points earned and redeemed by month, all data"]["data"][2]
    rate = dict(zip((m[:7] for m in decode(points["x"])), decode(points["y"]), strict=True))
    assert rate["2026-03"] < 0.6 * rate["2026-02"]
    at.sidebar.multiselect(key="filter_tier").select("Gold").run()
    assert list(grid_values(figures(at)["Loyalty tiers: size, experience and behaviour"], 0)) == ["Gold"]


def test_loyalty_migration_matrix_counts_every_customer(app_on, demo_url, read):
    at = app_on(demo_url, "pages/3_Loyalty.py")
    matrix = figures(at)["Where each tier's customers went"]["data"][0]
    counts = [int(cell.split("<br>")[1].replace(",", "")) for row in decode(matrix["text"]) for cell in row]
    moves = read(queries.tier_migration, LAST_12_MONTHS.start, LAST_12_MONTHS.end, Filters())
    assert sum(counts) == moves["customers"].sum()


def test_service_shows_slow_tickets_cost_nps_and_spend(app_on, demo_url):
    at = app_on(demo_url, "pages/4_Service.py")
    charts = figures(at)
    nps = dict(zip(decode(charts["NPS in the 90 days after a ticket, slow vs fast"]["data"][0]["y"]),
                   decode(charts["NPS in the 90 days after a ticket, slow vs fast"]["data"][0]["x"]), strict=True))
    assert nps["fast"] - nps["slow"] > 15
    spend = charts["Spend in the 90 days after a ticket"]["data"][0]
    per_ticket = dict(zip(decode(spend["x"]), decode(spend["y"]), strict=True))
    assert per_ticket["slow"] < 0.75 * per_ticket["fast"]


def test_service_volume_follows_the_channel_filter(app_on, demo_url, read):
    at = app_on(demo_url, "pages/4_Service.py", channel=["chat"])
    volume = figures(at)["Tickets by month and channel"]["data"]
    assert [trace["name"] for trace in volume] == ["chat"]
    total = sum(sum(decode(trace["y"])) for trace in volume)
    expected = read(queries.ticket_service_levels, Filters(LAST_12_MONTHS.start, LAST_12_MONTHS.end,
                                                           channels=("chat",)))
    assert total == expected["tickets"].sum()


def test_filters_survive_page_changes(app_on, demo_url):
    at = app_on(demo_url)
    at.sidebar.multiselect(key="filter_tier").select("Gold").run()
    at.sidebar.selectbox(key="filter_period").select("90d").run()
    nps_before = at.metric[0].value
    for page in [*PAGES, "app.py"]:
        at.switch_page(page).run()
        assert not at.exception
        assert at.sidebar.selectbox(key="filter_period").value == "90d"
        assert at.sidebar.multiselect(key="filter_tier").value == ["Gold"]
        assert "03 Aug 2026 – 31 Oct 2026" in [c.value for c in at.sidebar.caption]
    assert at.metric[0].value == nps_before
