"""The five stories of the demo company, each found through the query and analytics layers (both engines)."""

from __future__ import annotations

from datetime import date, timedelta

import pandas as pd
import pytest

from analytics.loyalty import spend_gap, tier_kpis
from analytics.nps import difference, nps
from analytics.survey import summarise
from data_access import queries
from data_access.contracts import TIERS
from data_access.filters import Filters
from reports.numbers import report_overview
from sample_data import generate

DATA_END = generate.DATA_END.to_pydatetime()
LAST_YEAR = Filters(date(2025, 11, 1), date(2026, 10, 31))


@pytest.fixture(scope="module")
def conn(demo_engine):
    with demo_engine.connect() as connection:
        yield connection


def brief_texts(conn, filters: Filters) -> list[str]:
    """The Overview's brief for a period against the one before, as the page and the reports build it."""
    found, _ = report_overview(conn, filters, "previous", queries.data_date_range(conn))
    return [statement.text for statement in found.brief.statements]


def monthly(conn, touchpoint: str) -> pd.DataFrame:
    frame = summarise(queries.survey_counts(conn, Filters(), by=("month",), touchpoint=touchpoint))
    frame["month"] = pd.to_datetime(frame["month"]).dt.strftime("%Y-%m")
    return frame.set_index("month")


def pooled(conn, touchpoints: tuple[str, ...], filters: Filters):
    counts = pd.concat([queries.survey_counts(conn, filters, touchpoint=t) for t in touchpoints]).sum()
    return nps(int(counts.promoters), int(counts.passives), int(counts.detractors)), counts


def test_story_1_delivery_nps_collapses_during_the_carrier_change_then_recovers(conn):
    months = monthly(conn, "Home delivery")
    normal = months.drop(["2025-09", "2025-10"])["nps"]
    assert months.loc["2025-09", "nps"] < normal.median() - 40
    assert months.loc["2025-10", "nps"] < normal.median() - 30
    assert months.loc["2025-09", "sentiment"] < 0 < normal.min() + 0.1
    after = months.loc["2025-11":"2026-01", "nps"]
    assert (after > normal.median() - 15).all()  # recovered once the carrier was replaced


def test_story_1_the_brief_names_the_delivery_dip_and_what_its_detractors_spend(conn):
    """August to October 2025 against the three months before: the fall is called, worth its spend clause."""
    (delivery,) = [t for t in brief_texts(conn, Filters(date(2025, 8, 1), date(2025, 10, 31)))
                   if t.startswith("Home delivery NPS fell")]
    assert delivery.endswith("; detractors there spend 46% less in the next 90 days."), delivery


def test_detractors_spend_less_than_promoters_after_answering_at_every_large_touchpoint(conn):
    gaps = spend_gap(queries.nps_group_outcomes(conn, LAST_YEAR, DATA_END, by=("touchpoint",)), "touchpoint")
    known = gaps.loc[~gaps["low_n"]].set_index("touchpoint")
    assert len(known) >= 10 and (known["gap_share"] > 20).all(), known["gap_share"].to_dict()
    assert (known["promoter_spend"] > known["detractor_spend"]).all()


def test_story_1_delivery_comments_turn_negative_only_in_those_weeks(conn):
    start, end = (t.date() for t in generate.CARRIER_CHANGE)
    during = summarise(queries.survey_counts(conn, Filters(start, end - timedelta(days=1)),
                                             touchpoint="Home delivery")).iloc[0]
    before = summarise(queries.survey_counts(conn, Filters(date(2025, 6, 1), date(2025, 8, 31)),
                                             touchpoint="Home delivery")).iloc[0]
    assert during.negative_share > before.negative_share + 30


def test_story_2_nps_spend_and_retention_rise_with_tier(conn):
    survey = summarise(queries.survey_counts(conn, LAST_YEAR, by=("tier",))).set_index("tier").loc[list(TIERS)]
    loyalty = tier_kpis(queries.loyalty_by_tier(conn, LAST_YEAR)).set_index("tier").loc[list(TIERS)]
    for series in (survey["nps"], loyalty["orders_per_customer"], loyalty["average_order_value"],
                   loyalty["retention"]):
        assert series.is_monotonic_increasing, series.to_dict()
    assert survey.loc["Platinum", "nps"] - survey.loc["Bronze", "nps"] > 30


def test_story_2_platinum_detractors_churn_far_more_than_platinum_promoters(conn):
    outcomes = queries.nps_group_outcomes(conn, Filters(), DATA_END, horizon_days=180).set_index(
        ["tier", "nps_group"])
    churn = 1 - outcomes["responses_followed_by_order"] / outcomes["responses"]
    assert churn["Platinum", "Detractor"] > 2 * churn["Platinum", "Promoter"]


def test_story_3_slow_tickets_mean_lower_nps_and_less_spend_afterwards(conn):
    rows = queries.ticket_outcomes(conn, Filters(), DATA_END).set_index("speed")
    slow, fast = (nps(int(rows.loc[s, "promoters"]), int(rows.loc[s, "passives"]), int(rows.loc[s, "detractors"]))
                  for s in ("slow", "fast"))
    assert difference(fast, slow).delta > 15 and difference(fast, slow).significant
    spend = rows["spend"] / rows["tickets"]
    assert spend["slow"] < 0.75 * spend["fast"]


def test_story_4_points_change_cuts_redemption_and_sours_loyalty_comments(conn):
    change = generate.POINTS_CHANGE.date()
    points = queries.points_by_month(conn, Filters())
    rate = points.set_index(pd.to_datetime(points["month"]))
    rate = rate["points_redeemed"] / rate["points_earned"]
    before, after = rate[rate.index < pd.Timestamp(change)], rate[rate.index >= pd.Timestamp(change)]
    assert after.mean() < 0.6 * before.mean()
    loyalty_touchpoints = generate.LOYALTY_TOUCHPOINTS
    nps_before, counts_before = pooled(conn, loyalty_touchpoints, Filters(date(2025, 9, 1), change - timedelta(1)))
    nps_after, counts_after = pooled(conn, loyalty_touchpoints, Filters(change, date(2026, 8, 31)))
    assert difference(nps_before, nps_after).delta > 30 and difference(nps_before, nps_after).significant
    assert counts_before.sentiment_sum / counts_before.sentiment_n > 0.1
    assert counts_after.sentiment_sum / counts_after.sentiment_n < 0


def test_story_4_the_brief_names_the_fall_in_redemption_after_the_points_change(conn):
    """March to May 2026 against December to February: fewer buyers redeem, ranked first; a quiet quarter after
    the change (Q3 against Q2 2026) calls no redemption change."""
    texts = brief_texts(conn, Filters(generate.POINTS_CHANGE.date(), date(2026, 5, 31)))
    assert texts[0].startswith("Share of buyers who redeemed points fell from 24.8% to 10.9%"), texts
    assert not any("redeemed points" in t for t in brief_texts(conn, Filters(date(2026, 7, 1), date(2026, 9, 30))))


def test_story_5_app_checkout_redesign_lifts_its_nps(conn):
    redesign = generate.CHECKOUT_REDESIGN.date()
    months = monthly(conn, "App checkout")
    before = months[months.index < redesign.strftime("%Y-%m")]["nps"]
    after = months[months.index >= redesign.strftime("%Y-%m")]["nps"]
    assert after.min() > before.max()
    year_before, _ = pooled(conn, ("App checkout",), Filters(date(2025, 1, 1), date(2025, 12, 31)))
    year_after, _ = pooled(conn, ("App checkout",), Filters(date(2026, 1, 1), date(2026, 10, 31)))
    lift = difference(year_after, year_before)
    assert lift.delta > 20 and lift.significant
