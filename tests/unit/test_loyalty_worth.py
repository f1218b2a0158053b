"""What an answer is worth: detractors' spend against promoters' after answering, and the redemption share the
brief tests, on hand-made frames with every number worked out by hand."""

import math

import pandas as pd
import pytest

from analytics.loyalty import REDEEMING_SHARE, spend_gap, with_redeeming_share
from analytics.settings import MIN_N


def outcomes(rows):
    return pd.DataFrame(rows, columns=["touchpoint", "tier", "nps_group", "responses", "spend"])


def by_touchpoint(frame):
    return spend_gap(frame, "touchpoint").set_index("touchpoint")


def test_the_gap_is_detractors_spend_below_promoters_as_a_share():
    # Home delivery: promoters 100 answers, 12,000 spent → 120 each; detractors 50, 3,240 → 64.8 each;
    # (120 − 64.8) / 120 = 46%.
    gap = by_touchpoint(outcomes([("Home delivery", "Gold", "Promoter", 100, 12_000.0),
                                  ("Home delivery", "Gold", "Passive", 70, 6_000.0),
                                  ("Home delivery", "Gold", "Detractor", 50, 3_240.0)])).loc["Home delivery"]
    assert (gap["promoters"], gap["detractors"]) == (100, 50)
    assert (gap["promoter_spend"], gap["detractor_spend"]) == pytest.approx((120.0, 64.8))
    assert gap["gap_share"] == pytest.approx(46.0) and not gap["low_n"]


def test_other_keys_are_summed_over():
    # App checkout over two tiers: promoters (30 + 30) answers, (3,000 + 6,000) → 150 each; detractors 40, 2,400 → 60;
    # (150 − 60) / 150 = 60%. By tier, Gold has 30 promoters and no detractors: small.
    frame = outcomes([("App checkout", "Gold", "Promoter", 30, 3_000.0),
                      ("App checkout", "Silver", "Promoter", 30, 6_000.0),
                      ("App checkout", "Silver", "Detractor", 40, 2_400.0)])
    assert by_touchpoint(frame).loc["App checkout", "gap_share"] == pytest.approx(60.0)
    tiers = spend_gap(frame, "tier").set_index("tier")
    assert tiers.loc["Gold", "detractors"] == 0 and math.isnan(tiers.loc["Gold", "detractor_spend"])
    assert tiers.loc["Gold", "low_n"] and not tiers.loc["Silver", "low_n"]
    assert tiers.loc["Silver", "gap_share"] == pytest.approx(70.0)  # 6,000 / 30 = 200 against 60: (200 − 60) / 200


def test_detractors_who_spend_more_give_a_negative_gap():
    # Store pickup: promoters 40 × 50 = 2,000; detractors 40 answers, 2,400 → 60 each: (50 − 60) / 50 = −20%.
    gap = by_touchpoint(outcomes([("Store pickup", "Gold", "Promoter", 40, 2_000.0),
                                  ("Store pickup", "Gold", "Detractor", 40, 2_400.0)])).loc["Store pickup"]
    assert gap["gap_share"] == pytest.approx(-20.0) and not gap["low_n"]


@pytest.mark.parametrize(("promoters", "detractors", "low_n"), [
    (MIN_N, MIN_N, False), (MIN_N - 1, 500, True), (500, MIN_N - 1, True), (0, 500, True)])
def test_a_small_group_on_either_side_is_flagged(promoters, detractors, low_n):
    frame = outcomes([("Web", "Gold", "Promoter", promoters, 100.0 * promoters),
                      ("Web", "Gold", "Detractor", detractors, 50.0 * detractors)])
    assert bool(by_touchpoint(frame).loc["Web", "low_n"]) is low_n


def test_no_promoter_spend_leaves_the_gap_unknown_and_no_answers_no_rows():
    gap = by_touchpoint(outcomes([("Web", "Gold", "Promoter", 40, 0.0), ("Web", "Gold", "Detractor", 40, 80.0)]))
    assert math.isnan(gap.loc["Web", "gap_share"])
    empty = spend_gap(outcomes([]), "touchpoint")
    assert empty.empty and list(empty.columns) == ["touchpoint", "promoters", "detractors", "promoter_spend",
                                                   "detractor_spend", "gap_share", "low_n"]


def test_the_redemption_share_is_a_share_of_buyers_tested_as_two_proportions():
    # 300 of 1,000 buyers redeemed before, 120 of 1,000 now: 30% → 12%, −18 pts;
    # SE = √(.12·.88/1000 + .3·.7/1000) = √.0003156 = 0.01777 → margin 1.96 × 1.777 = 3.48 pts.
    now = with_redeeming_share(pd.Series({"active_customers": 1000.0, "redeeming_buyers": 120.0}))
    before = with_redeeming_share(pd.Series({"active_customers": 1000.0, "redeeming_buyers": 300.0}))
    assert (now[REDEEMING_SHARE.key], before[REDEEMING_SHARE.key]) == pytest.approx((12.0, 30.0))
    change = REDEEMING_SHARE.test(now, before)
    assert change.delta == pytest.approx(-18.0) and change.margin == pytest.approx(3.48, abs=0.01)
    assert change.significant
    assert math.isnan(with_redeeming_share(pd.Series({"active_customers": 0, "redeeming_buyers": 0}))[
        REDEEMING_SHARE.key])
