"""The query layer on DuckDB and PostgreSQL, against a small data set whose answers are worked out by hand."""

from __future__ import annotations

from datetime import date, datetime

import pandas as pd
import pytest

from analytics.loyalty import migration_matrix, tier_kpis
from analytics.survey import summarise
from data_access import queries
from data_access.filters import NO_TIER, Filters
from tests.conftest import BACKENDS, loaded_connection

DATA = {
    "customers": pd.DataFrame({
        "customer_id": ["C1", "C2", "C3", "C4"],
        "joined_at": ["2020-01-01", "2020-01-01", "2021-05-01", "2025-06-01"],
        "tier": ["Gold", "Bronze", None, "Gold"],
        "segment": ["Premium", "Value seeker", "Premium", "Premium"],
        "region": ["North", "South", "North", "East"],
    }),
    "tier_history": pd.DataFrame({
        "customer_id": ["C1", "C1", "C1", "C2", "C4"],
        "tier": ["Bronze", "Silver", "Gold", "Bronze", "Gold"],
        "effective_from": ["2020-01-01", "2024-06-01", "2025-01-15", "2020-01-01", "2025-06-01"],
    }),
    "touchpoints": pd.DataFrame({"touchpoint": ["Web checkout", "Home delivery"], "stage": ["Buy", "Receive"],
                                 "stage_order": [2, 3], "channel": ["web", "web"]}),
    "survey": pd.DataFrame({
        "response_id": ["R1", "R2", "R3", "R4", "R5", "R6"],
        "customer_id": ["C1", "C2", "C3", "C1", "C2", "C9"],
        "submitted_at": ["2025-01-10 09:00", "2025-01-15 09:00", "2025-01-20 09:00", "2025-02-05 09:00",
                         "2025-02-10 09:00", "2025-02-11 09:00"],
        "touchpoint": ["Home delivery", "Home delivery", "Web checkout", "Web checkout", "Home delivery",
                       "Web checkout"],
        "channel": ["web", "web", "app", "web", "web", "web"],
        "nps": [10, 3, 8, 9, 6, 0],
        "csat": [5, 1, 4, 4, None, None],
        "ces": [7, 2, None, 6, None, None],
        "comment": ["Great, quick delivery", "Awful, late and broken", None, None, None, None],
    }),
    "service": pd.DataFrame({
        "ticket_id": ["T1", "T2"], "customer_id": ["C1", "C2"],
        "opened_at": ["2025-01-01 09:00", "2025-01-10 00:00"],
        "resolved_at": ["2025-01-05 09:00", "2025-01-10 12:00"], "channel": ["phone", "chat"],
    }),
    "purchases": pd.DataFrame({
        "order_id": ["O1", "O2", "O3", "O4", "O5", "O6"],
        "customer_id": ["C1", "C1", "C1", "C2", "C2", "C3"],
        "ordered_at": ["2025-01-08 10:00", "2025-02-03 10:00", "2025-02-20 10:00", "2025-01-20 10:00",
                       "2025-03-05 10:00", "2025-02-14 10:00"],
        "amount": [100.0, 50.0, 30.0, 40.0, 60.0, 20.0],
        "channel": ["web", "app", "web", "store", "web", "store"],
        "points_earned": [150, 75, 45, 40, 60, 0],
        "points_redeemed": [0, 100, 0, 0, 0, 0],
    }),
}
JANUARY = Filters(date(2025, 1, 1), date(2025, 1, 31))
FEBRUARY = Filters(date(2025, 2, 1), date(2025, 2, 28))
DATA_END = datetime(2025, 12, 31)


@pytest.fixture(scope="module", params=BACKENDS)
def conn(request, tmp_path_factory):
    """The hand-made data set, loaded once per backend (the tests only read)."""
    with loaded_connection(request, tmp_path_factory, DATA, "queries") as connection:
        yield connection


def by(frame: pd.DataFrame, key: str) -> dict:
    return {row[key]: row for row in frame.to_dict("records")}


def test_survey_counts_for_a_period(conn):
    row = queries.survey_counts(conn, JANUARY).iloc[0]
    assert (row.responses, row.promoters, row.passives, row.detractors) == (3, 1, 1, 1)
    assert (row.csat_n, row.csat_top2, row.ces_n, row.ces_sum, row.sentiment_n) == (3, 2, 2, 9, 2)
    kpis = summarise(queries.survey_counts(conn, JANUARY)).iloc[0]
    assert kpis.nps == pytest.approx(0.0) and kpis.csat == pytest.approx(200 / 3) and kpis.ces == 4.5


def test_survey_counts_by_touchpoint_with_stage(conn):
    rows = by(queries.survey_counts(conn, Filters(), by=("stage_order", "stage", "touchpoint")), "touchpoint")
    delivery, checkout = rows["Home delivery"], rows["Web checkout"]
    assert (delivery["stage"], delivery["stage_order"]) == ("Receive", 3)
    assert (delivery["promoters"], delivery["passives"], delivery["detractors"]) == (1, 0, 2)
    assert (checkout["promoters"], checkout["passives"], checkout["detractors"]) == (1, 1, 1)


@pytest.mark.parametrize(
    ("filters", "responses"),
    [
        (Filters(tiers=("Gold",)), {"R1", "R4"}),
        (Filters(tiers=(NO_TIER,)), {"R3", "R6"}),  # non-members and responses of unknown customers
        (Filters(tiers=("Gold", "Bronze")), {"R1", "R2", "R4", "R5"}),
        (Filters(segments=("Premium",)), {"R1", "R3", "R4"}),
        (Filters(regions=("South",)), {"R2", "R5"}),
        (Filters(channels=("app",)), {"R3"}),
        (Filters(date(2025, 2, 10), date(2025, 2, 10)), {"R5"}),  # the end day is included
    ],
)
def test_each_filter_narrows_the_responses(conn, filters, responses):
    assert queries.survey_counts(conn, filters).iloc[0].responses == len(responses)


def test_survey_counts_by_tier_and_month(conn):
    tiers = by(queries.survey_counts(conn, Filters(), by=("tier",)), "tier")
    assert set(tiers) == {"Gold", "Bronze", NO_TIER}
    assert tiers["Gold"]["promoters"] == 2 and tiers["Bronze"]["detractors"] == 2
    months = queries.survey_counts(conn, Filters(), by=("month",))
    assert [pd.Timestamp(m).strftime("%Y-%m") for m in months["month"]] == ["2025-01", "2025-02"]
    assert months["responses"].tolist() == [3, 3]


def test_grouping_outside_the_allow_list_is_refused(conn):
    with pytest.raises(ValueError, match="cannot group survey results by comment"):
        queries.survey_counts(conn, Filters(), by=("comment",))


def test_loyalty_by_tier_for_february(conn):
    tiers = by(tier_kpis(queries.loyalty_by_tier(conn, FEBRUARY)), "tier")
    assert set(tiers) == {"Gold", "Bronze", NO_TIER}  # C4 joined after the period
    gold, bronze, none = tiers["Gold"], tiers["Bronze"], tiers[NO_TIER]
    assert (gold["customers"], gold["active_customers"], gold["orders"], gold["revenue"]) == (1, 1, 2, 80.0)
    assert (gold["repeat_buyers"], gold["previous_buyers"], gold["retained"]) == (1, 1, 1)
    assert (gold["points_earned"], gold["points_redeemed"], gold["points_unredeemed"]) == (120, 100, 0)
    assert gold["average_order_value"] == 40.0 and gold["retention"] == 100.0
    assert (bronze["active_customers"], bronze["previous_buyers"], bronze["retained"]) == (0, 1, 0)
    assert bronze["retention"] == 0.0
    assert (none["active_customers"], none["orders"], none["revenue"]) == (1, 1, 20.0)


def test_tier_migration_between_two_dates(conn):
    matrix = migration_matrix(queries.tier_migration(conn, date(2025, 1, 1), date(2025, 7, 1), Filters()),
                              ("Bronze", "Silver", "Gold", "Platinum", NO_TIER))
    assert matrix.loc["Silver", "Gold"] == 1  # C1 upgraded on 15 January
    assert matrix.loc["Bronze", "Bronze"] == 1
    assert matrix.loc[NO_TIER, NO_TIER] == 2  # C3 never joined the programme; C9 is known only from a survey
    assert matrix.loc[NO_TIER, "Gold"] == 1  # C4 joined straight into Gold in June
    assert matrix.to_numpy().sum() == 5


def test_ticket_outcomes_slow_against_fast(conn):
    rows = by(queries.ticket_outcomes(conn, Filters(), DATA_END), "speed")
    slow, fast = rows["slow"], rows["fast"]  # T1 took 96 h, T2 12 h
    assert (slow["tickets"], slow["spend"], slow["tickets_followed_by_order"]) == (1, 180.0, 1)
    assert (slow["promoters"], slow["detractors"]) == (2, 0)
    assert (fast["tickets"], fast["spend"]) == (1, 100.0)
    assert (fast["promoters"], fast["passives"], fast["detractors"]) == (0, 0, 2)


def test_spend_after_each_nps_group(conn):
    rows = {(r["tier"], r["nps_group"]): r for r in
            queries.nps_group_outcomes(conn, Filters(), DATA_END).to_dict("records")}
    assert (rows["Gold", "Promoter"]["responses"], rows["Gold", "Promoter"]["spend"]) == (2, 110.0)
    assert (rows["Bronze", "Detractor"]["responses"], rows["Bronze", "Detractor"]["spend"]) == (2, 160.0)
    assert rows[NO_TIER, "Detractor"]["responses_followed_by_order"] == 0
    assert rows[NO_TIER, "Passive"]["responses_followed_by_order"] == 1


def test_points_by_month(conn):
    rows = queries.points_by_month(conn, Filters())
    assert rows["points_earned"].tolist() == [190, 120, 60]
    assert rows["points_redeemed"].tolist() == [0, 100, 0]


def test_data_range_version_and_scorer(conn):
    assert queries.data_date_range(conn) == (date(2025, 1, 8), date(2025, 3, 5))
    assert queries.data_version(conn) == len(DATA)
    assert queries.sentiment_scorers(conn) == ["general"]


def test_an_empty_database_has_no_range(engine):
    with engine.connect() as conn:
        assert queries.data_date_range(conn) is None
        assert queries.data_version(conn) == 0
