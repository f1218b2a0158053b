"""Which survey metrics the data holds, which a page shows, what it says of the rest, and small samples judged on
the metric shown (issue 10, finding 6)."""

import math

import pandas as pd
import pytest

from analytics.drivers import unplaced_reason
from analytics.journey import journey_grid
from analytics.kpis import changes, compare
from analytics.metrics import empty_message, headline, metrics_present, missing_note, with_sentiment
from analytics.survey import summarise

NO_ANSWERS = {"responses": 0, "promoters": 0, "passives": 0, "detractors": 0, "csat_n": 0, "csat_top2": 0, "ces_n": 0,
              "ces_sum": 0, "ces_squares": 0, "sentiment_n": 0, "sentiment_sum": 0.0, "sentiment_squares": 0.0,
              "sentiment_negative": 0}


def counts(**answers) -> pd.DataFrame:
    return pd.DataFrame([NO_ANSWERS | answers])


CSAT_ONLY = {"csat_n": 2000, "csat_top2": 1500, "sentiment_n": 40, "sentiment_sum": 8.0, "sentiment_squares": 5.6}


@pytest.mark.parametrize(("answers", "present", "shown"), [
    ({"promoters": 5, "csat_n": 3, "ces_n": 2, "sentiment_n": 1}, ("nps", "csat", "ces", "sentiment"), "nps"),
    (CSAT_ONLY, ("csat", "sentiment"), "csat"),
    ({"sentiment_n": 7, "ces_n": 3}, ("ces", "sentiment"), "sentiment"),
    ({"detractors": 1}, ("nps",), "nps"),
    ({}, (), "nps"),  # nothing at all: NPS, whose charts then say there are no answers
])
def test_the_metrics_present_and_the_one_shown_first(answers, present, shown):
    held = metrics_present(summarise(counts(**answers)).iloc[0])
    assert held == present
    assert headline(held) == shown


@pytest.mark.parametrize(("present", "note"), [
    (("nps", "csat", "ces", "sentiment"), None),
    (("csat", "sentiment"), "This data has no NPS answers: showing CSAT. Also missing: effort (CES)."),
    (("csat",), "This data has no NPS answers: showing CSAT. Also missing: effort (CES), sentiment."),
    (("sentiment",), "This data has no NPS answers: showing sentiment. Also missing: CSAT, effort (CES)."),
    (("nps", "csat", "sentiment"), "This data has no effort (CES) answers."),
    (("nps",), "This data has no CSAT answers. Also missing: effort (CES), sentiment."),
    ((), "This data has no NPS answers. Also missing: CSAT, effort (CES), sentiment."),
])
def test_one_line_names_what_the_data_lacks(present, note):
    assert missing_note(present, headline(present)) == note


def test_an_empty_chart_says_whether_the_data_or_the_filters_lack_the_metric():
    assert empty_message("nps", ("csat",)) == "This data has no NPS answers."
    assert empty_message("nps", ("nps",)).startswith("No NPS answers for these filters.")


def test_sentiment_sits_beside_the_metric_shown_once():
    assert [m.key for m in with_sentiment("csat")] == ["csat", "sentiment"]
    assert [m.key for m in with_sentiment("sentiment")] == ["sentiment"]


def test_small_samples_follow_the_metric_shown():
    # 2,000 CSAT answers and no NPS answer: a small sample for NPS, not for CSAT
    assert summarise(counts(**CSAT_ONLY)).iloc[0]["low_n"]
    row = summarise(counts(**CSAT_ONLY), metric="csat").iloc[0]
    assert not row["low_n"]
    assert row["csat"] == pytest.approx(75.0)
    assert row["csat_margin"] == pytest.approx(100 * 1.959964 * math.sqrt(0.75 * 0.25 / 2000), rel=1e-5)  # 1.898
    # sentiment: mean 0.2, sample variance (5.6 − 40·0.04) / 39 = 0.10256
    assert row["sentiment_margin"] == pytest.approx(1.959964 * math.sqrt(4 / 39 / 40), rel=1e-5)
    assert math.isnan(row["nps"]) and math.isnan(row["nps_margin"])


def test_the_journey_grid_judges_small_samples_on_the_metric_shown():
    summary = pd.DataFrame({"stage_order": [1, 1], "stage": ["Arrive", "Arrive"], "touchpoint": ["A", "B"],
                            "responses": [2000, 20], "nps_n": [0, 0], "csat_n": [2000, 20], "nps": [None, None],
                            "csat": [75.0, 50.0]})
    assert journey_grid(summary, "csat")["low_n"].tolist() == [False, True]
    assert journey_grid(summary, "nps")["low_n"].tolist() == [True, True]


def test_csat_changes_by_group_by_hand():
    now = pd.DataFrame([NO_ANSWERS | {"touchpoint": "A", "csat_n": 100, "csat_top2": 60},
                        NO_ANSWERS | {"touchpoint": "B", "csat_n": 10, "csat_top2": 9}])
    before = pd.DataFrame([NO_ANSWERS | {"touchpoint": "A", "csat_n": 100, "csat_top2": 50},
                           NO_ANSWERS | {"touchpoint": "B", "csat_n": 10, "csat_top2": 1}])
    moved = changes(now, before, "touchpoint", "csat").set_index("touchpoint")
    # A: 60% vs 50%, SE = sqrt(.24/100 + .25/100) = .07, so the margin is 1.96 × 7 points
    assert moved.loc["A", "value"] == pytest.approx(60.0) and moved.loc["A", "previous"] == pytest.approx(50.0)
    assert moved.loc["A", "delta"] == pytest.approx(10.0)
    assert moved.loc["A", "margin"] == pytest.approx(1.959964 * 7, rel=1e-5)
    assert not moved.loc["A", "low_n"]
    assert moved.loc["B", "delta"] == pytest.approx(80.0)
    assert moved.loc["B", "low_n"] and not moved.loc["B", "significant"]  # 10 answers each side


def test_kpis_the_data_lacks_are_left_out():
    survey = summarise(counts(**CSAT_ONLY)).iloc[0]
    loyalty = pd.Series({"active_customers": 5.0, "revenue": 100.0, "repeat_buyers": 1, "repeat_rate": 20.0,
                         "redemption_rate": 10.0})
    keys = [kpi.spec.key for kpi in compare({"survey": survey, "loyalty": loyalty}, None, ("csat", "sentiment"))]
    assert keys == ["csat", "sentiment", "active_customers", "revenue", "repeat_rate", "redemption_rate"]


@pytest.mark.parametrize(("present", "several", "reason"), [
    (("csat", "sentiment"), 25_976, "This data has no NPS answers, which the impact on NPS is estimated from."),
    (("nps",), 500, "This data has no CSAT answers, which the impact on NPS is estimated from."),
    (("nps", "csat"), 0, "No customer rated two or more touchpoints here, so the impact on NPS cannot be estimated."),
    (("nps", "csat"), 25_976, "Of the 25,976 customers who rated two or more touchpoints, too few gave a CSAT answer "
                              "at one and an NPS answer at another (with answers that vary) to estimate the impact "
                              "on NPS."),
])
def test_an_empty_priority_matrix_says_why_truly(present, several, reason):
    assert unplaced_reason(present, several) == reason
