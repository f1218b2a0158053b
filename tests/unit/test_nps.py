"""NPS, its margin of error and the group comparison against values worked out by hand."""

import math

import pandas as pd
import pytest

from analytics.nps import add_nps, difference, nps, nps_group


@pytest.mark.parametrize(("score", "group"), [(0, "Detractor"), (6, "Detractor"), (7, "Passive"), (8, "Passive"),
                                              (9, "Promoter"), (10, "Promoter")])
def test_nps_group_boundaries(score, group):
    assert nps_group(score) == group


@pytest.mark.parametrize("score", [-1, 11])
def test_nps_group_rejects_scores_outside_0_to_10(score):
    with pytest.raises(ValueError, match="0 to 10"):
        nps_group(score)


@pytest.mark.parametrize(
    ("promoters", "passives", "detractors", "score", "margin", "low_n"),
    [
        # pP = .5, pD = .2: NPS 30; variance .7 − .09 = .61; SE = sqrt(.61/100) = .0781025; ×1.96 ×100
        (50, 30, 20, 30.0, 15.3078, False),
        # all promoters: NPS 100 and no sampling spread; 10 answers is a small sample
        (10, 0, 0, 100.0, 0.0, True),
        # pP = pD = .25: NPS 0; variance .5; SE = sqrt(.5/40) = .1118034 → 21.913
        (10, 20, 10, 0.0, 21.9131, False),
        # 29 answers is still small, 30 is not
        (10, 10, 9, 100 * (10 - 9) / 29, None, True),
        (10, 10, 10, 0.0, None, False),
    ],
)
def test_nps_and_margin_by_hand(promoters, passives, detractors, score, margin, low_n):
    result = nps(promoters, passives, detractors)
    assert result.score == pytest.approx(score)
    if margin is not None:
        assert result.margin == pytest.approx(margin, abs=1e-3)
    assert result.n == promoters + passives + detractors
    assert result.low_n is low_n


def test_nps_of_nobody_is_unknown_not_zero():
    result = nps(0, 0, 0)
    assert math.isnan(result.score) and math.isnan(result.margin) and result.low_n


def test_difference_of_two_groups_by_hand():
    a, b = nps(50, 30, 20), nps(20, 30, 50)  # +30 and −30, each SE 7.81025
    d = difference(a, b)
    assert d.delta == pytest.approx(60.0)
    assert d.z == pytest.approx(60 / math.hypot(7.81025, 7.81025), rel=1e-4)  # 5.432
    assert d.p_value < 1e-6
    assert d.significant


def test_small_difference_is_not_significant():
    d = difference(nps(50, 30, 20), nps(48, 30, 22))  # 30 vs 26: z ≈ 0.36
    assert d.delta == pytest.approx(4.0)
    assert 0.5 < d.p_value < 0.9
    assert not d.significant


def test_a_large_difference_on_a_small_group_is_never_called_significant():
    d = difference(nps(10, 0, 0), nps(0, 0, 100))  # +100 (n=10) vs −100
    assert d.delta == pytest.approx(200.0)
    assert not d.significant


def test_add_nps_by_hand_per_row():
    counts = pd.DataFrame({"promoters": [50, 10, 0], "passives": [30, 20, 0], "detractors": [20, 10, 0]})
    out = add_nps(counts)
    # Row 0: pP .5, pD .2 -> NPS 30; variance .7 - .09 = .61; margin 1.96 * sqrt(.61 / 100) * 100 = 15.31.
    # Row 1: pP .25, pD .25 -> NPS 0; variance .5; margin 1.96 * sqrt(.5 / 40) * 100 = 21.91.
    assert out.loc[0, "nps"] == pytest.approx(30.0) and out.loc[0, "nps_margin"] == pytest.approx(15.308, abs=1e-3)
    assert out.loc[1, "nps"] == pytest.approx(0.0) and out.loc[1, "nps_margin"] == pytest.approx(21.913, abs=1e-3)
    assert math.isnan(out.loc[2, "nps"]) and out.loc[2, "nps_n"] == 0
    assert out["low_n"].tolist() == [False, False, True]  # 100 and 40 answers reach the minimum of 30, 0 does not


def test_proportion_and_mean_differences_by_hand():
    from analytics.significance import mean_difference, proportion_difference

    # 60% of 100 vs 50% of 100: SE = sqrt(.24/100 + .25/100) = .07 → z = 10/7
    share = proportion_difference(60, 100, 50, 100)
    assert share.delta == pytest.approx(10.0)
    assert share.z == pytest.approx(10 / 7)
    assert not share.significant  # p ≈ 0.15
    # means 5 and 4 from sums/squares: var_a = (2600 − 100·25)/99, var_b = (1700 − 100·16)/99
    means = mean_difference(500, 2600, 100, 400, 1700, 100)
    assert means.delta == pytest.approx(1.0)
    assert means.margin == pytest.approx(1.959964 * math.sqrt((100 / 99 + 100 / 99) / 100), rel=1e-5)
    assert means.significant
    assert math.isnan(mean_difference(5, 25, 1, 4, 16, 1).delta)  # one answer has no variance


ONLY_NPS = {"csat_n": 0, "csat_top2": 0, "ces_n": 0, "ces_sum": 0, "ces_squares": 0, "sentiment_n": 0,
            "sentiment_sum": 0.0, "sentiment_squares": 0.0, "sentiment_negative": 0}  # the other metrics' counts


def test_nps_changes_and_movers():
    from analytics.kpis import changes, movers

    now = pd.DataFrame({"touchpoint": ["A", "B", "C", "D"], "promoters": [60, 30, 50, 5],
                        "passives": [20, 30, 30, 0], "detractors": [20, 40, 20, 0]}).assign(**ONLY_NPS)
    before = pd.DataFrame({"touchpoint": ["A", "B", "C", "E"], "promoters": [20, 30, 48, 9],
                           "passives": [30, 30, 30, 9], "detractors": [50, 40, 22, 9]}).assign(**ONLY_NPS)
    moved = changes(now, before, "touchpoint").set_index("touchpoint")
    assert list(moved.index) == ["A", "B", "C"]  # D and E are on one side only
    assert moved.loc["A", "delta"] == pytest.approx(70.0)  # +40 vs −30
    assert moved.loc["A", "significant"] and not moved.loc["B", "significant"]
    assert moved.loc["B", "delta"] == pytest.approx(0.0)
    top = movers(now, before, "touchpoint", top=2)
    assert top["touchpoint"].tolist() == ["A", "C"]  # C moved +4, B not at all


def test_movers_of_periods_without_answers_is_an_empty_frame():
    from analytics.kpis import movers

    empty = pd.DataFrame(columns=["touchpoint", "promoters", "passives", "detractors"]).assign(**ONLY_NPS)
    result = movers(empty, empty, "touchpoint")
    assert result.empty and "delta" in result.columns
