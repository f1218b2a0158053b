"""CSAT, CES, sentiment and the loyalty KPIs from the counts and sums the database returns."""

import math

import pandas as pd
import pytest

from analytics.loyalty import migration_matrix, tier_kpis
from analytics.ratios import ratio
from analytics.survey import summarise


def test_ratio_says_unknown_instead_of_dividing_by_zero():
    assert ratio(3, 4) == 0.75
    assert math.isnan(ratio(3, 0))
    assert math.isnan(ratio(None, 4))
    series = ratio(pd.Series([1, 2, 3]), pd.Series([2, 0, 3]))
    assert series.iloc[0] == 0.5 and math.isnan(series.iloc[1]) and series.iloc[2] == 1.0


def survey_row(**overrides):
    row = {"responses": 12, "promoters": 5, "passives": 3, "detractors": 2, "csat_n": 8, "csat_top2": 6,
           "ces_n": 4, "ces_sum": 22, "ces_squares": 122, "sentiment_n": 4, "sentiment_sum": 0.8,
           "sentiment_squares": 0.5, "sentiment_negative": 1}
    row.update(overrides)
    return pd.DataFrame([row])


def test_survey_kpis_by_hand():
    out = summarise(survey_row()).iloc[0]
    assert out["nps"] == pytest.approx(30.0)  # 5/10 − 2/10
    assert out["csat"] == pytest.approx(75.0)  # 6 of 8 answered 4-5
    assert out["ces"] == pytest.approx(5.5)  # 22 / 4
    assert out["sentiment"] == pytest.approx(0.2)  # 0.8 / 4
    assert out["negative_share"] == pytest.approx(25.0)  # 1 of 4
    assert out["low_n"]  # 10 NPS answers


def test_survey_kpis_without_answers_are_unknown():
    out = summarise(survey_row(csat_n=0, csat_top2=0, ces_n=0, ces_sum=0, sentiment_n=0, sentiment_sum=0.0,
                               sentiment_negative=0)).iloc[0]
    assert math.isnan(out["csat"]) and math.isnan(out["ces"]) and math.isnan(out["sentiment"])


def test_tier_kpis_by_hand():
    sums = pd.DataFrame([{"tier": "Gold", "customers": 10, "active_customers": 4, "orders": 10, "returns": 2,
                          "gross_sales": 600.0, "revenue": 500.0, "repeat_buyers": 3, "previous_buyers": 5,
                          "retained": 2, "points_earned": 1000, "points_redeemed": 250, "points_unredeemed": 400}])
    out = tier_kpis(sums).iloc[0]
    assert out["orders_per_customer"] == pytest.approx(2.5)
    assert out["average_order_value"] == pytest.approx(60.0)  # gross sales / purchase orders: returns do not count
    assert out["revenue_per_active"] == pytest.approx(125.0)
    assert out["repeat_rate"] == pytest.approx(75.0)
    assert out["retention"] == pytest.approx(40.0)
    assert out["redemption_rate"] == pytest.approx(25.0)
    assert out["breakage"] == pytest.approx(40.0)


def test_migration_matrix_orders_tiers_and_fills_gaps():
    moves = pd.DataFrame({"tier_from": ["Bronze", "Bronze", "Gold"], "tier_to": ["Bronze", "Gold", "Silver"],
                          "customers": [5, 2, 1]})
    matrix = migration_matrix(moves, ("Bronze", "Silver", "Gold", "Platinum"))
    assert list(matrix.index) == ["Bronze", "Silver", "Gold"]
    assert matrix.loc["Bronze", "Gold"] == 2
    assert matrix.loc["Gold", "Silver"] == 1
    assert matrix.loc["Silver", "Silver"] == 0
    assert matrix.to_numpy().sum() == 8


def test_value_after_by_hand():
    from analytics.loyalty import value_after

    out = value_after(pd.DataFrame({"tickets": [4, 0], "spend": [200.0, 0.0], "tickets_followed_by_order": [1, 0]}),
                      "tickets")
    assert out["spend_per_unit"].iloc[0] == 50.0 and out["ordered_again"].iloc[0] == 25.0
    assert math.isnan(out["spend_per_unit"].iloc[1])


def test_overall_loyalty_sums_before_dividing():
    from analytics.loyalty import overall

    sums = pd.DataFrame({"tier": ["A", "B"], "customers": [10, 30], "active_customers": [2, 8], "orders": [2, 18],
                         "gross_sales": [100.0, 320.0], "revenue": [100.0, 300.0], "repeat_buyers": [0, 4],
                         "previous_buyers": [2, 8],
                         "retained": [1, 6], "points_earned": [100, 300], "points_redeemed": [50, 50],
                         "points_unredeemed": [0, 100]})
    row = overall(sums)
    assert row["orders_per_customer"] == pytest.approx(2.0)  # 20 orders / 10 active, not the mean of 1 and 2.25
    assert row["average_order_value"] == pytest.approx(21.0)  # 420 gross sales / 20 orders
    assert row["repeat_rate"] == pytest.approx(40.0)
    assert row["retention"] == pytest.approx(70.0)
    assert row["redemption_rate"] == pytest.approx(25.0)


def test_overall_loyalty_of_no_customers_is_unknown_not_an_error():
    from analytics.loyalty import overall

    empty = pd.DataFrame(columns=["tier", "customers", "active_customers", "orders", "gross_sales", "revenue",
                                  "repeat_buyers",
                                  "previous_buyers", "retained", "points_earned", "points_redeemed",
                                  "points_unredeemed"])
    row = overall(empty)
    assert row["active_customers"] == 0 and math.isnan(row["repeat_rate"])


def test_csv_downloads_never_carry_a_spreadsheet_formula():
    from data_access.export import csv_bytes

    frame = pd.DataFrame({"comment": ["=HYPERLINK(\"http://x\")", "fine", "+1 great", "@SUM(A1)", None],
                          "nps": [-5, 1, 2, 3, 4]})
    text = csv_bytes(frame).decode()
    assert "'=HYPERLINK" in text and "'+1 great" in text and "'@SUM" in text and "\nfine," in text
    assert "\n-5" not in text and ",-5" in text  # numbers are left alone
    for hostile in ("-2+3", "\tcmd|' /C calc'!A0", "\r=1+1"):  # the hostile corpus's other formula starts
        assert f"'{hostile}" in csv_bytes(pd.DataFrame({"comment": [hostile]})).decode()
