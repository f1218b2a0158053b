"""The "what changed" brief: Benjamini-Hochberg by hand, the wording, the ranking rule and pure noise."""

import math
import random
from statistics import NormalDist

import pandas as pd
import pytest

from analytics.brief import Comparison, benjamini_hochberg, brief, from_changes, from_kpis, significant_after_fdr
from analytics.kpis import KpiValue, changes
from analytics.metrics import METRICS
from analytics.nps import difference, nps
from analytics.significance import Z95, z_test

TEXTBOOK = [0.001, 0.008, 0.039, 0.041, 0.042, 0.06, 0.074, 0.205, 0.212, 0.216]
NOISE = [(i + 0.5) / 20 for i in range(20)]  # uniform p-values; the first, 0.025, passes a naive p < 0.05


def with_p(p: float, sign: int = 1, margin: float = 9.0):
    """A Difference whose two-sided p-value is p, built by z_test so z, p and margin agree."""
    z = NormalDist().inv_cdf(1 - p / 2)
    se = margin / Z95
    return z_test(sign * z * se, se, False)


def comparison(subject="Home delivery", metric="nps", now=2.0, before=31.0, change=None, n=612, low_n=False):
    change = change or z_test(now - before, 9 / Z95, low_n)
    return Comparison(subject, METRICS[metric], now, before, change, n, {"page": "Touchpoints", "touchpoint": subject},
                      low_n)


def noise(count=20):
    return [comparison(f"Touchpoint {i:02d}", now=31.0 + (i % 3 - 1), before=31.0, change=with_p(p, (-1) ** i))
            for i, p in enumerate(NOISE[:count])]


# m = 10. q = 0.05: k/m·q = .005 .010 .015 .020 .025 .030 .035 .040 .045 .050; p(1)=.001 and p(2)=.008 are under,
# p(3)=.039 > .015 and no later p is under its bound, so k = 2.
# q = 0.10: bounds .01 .02 .03 .04 .05 .06 .07 .08 .09 .10; the largest k with p(k) ≤ bound is 6 (.06 ≤ .06;
# .042 ≤ .05 too), so the step-up rejects the first 6 although p(3) = .039 > .03 and p(4) = .041 > .04.
@pytest.mark.parametrize(("p_values", "q", "expected"), [
    (TEXTBOOK, 0.05, [True] * 2 + [False] * 8),
    (TEXTBOOK, 0.10, [True] * 6 + [False] * 4),
    (TEXTBOOK[::-1], 0.05, [False] * 8 + [True] * 2),  # order of the input does not matter
    ([0.04, math.nan, 0.01], 0.05, [True, False, True]),  # NaN is untested: m = 2, bounds .025 .05
    ([0.04, 0.5, 0.01], 0.05, [False, False, True]),  # the same with a third test: m = 3, .04 > 2/3·.05
    ([0.03, 0.03, 0.03], 0.05, [True, True, True]),  # ties: p(3) = .03 ≤ .05 rejects all three
    ([0.02, 0.02, 0.9], 0.05, [True, True, False]),  # ties: p(2) = .02 ≤ .0333
    ([math.nan, math.nan], 0.05, [False, False]),
    ([], 0.05, []),
    (NOISE, 0.05, [False] * 20),  # p(k) = .05k − .025 > .0025k for every k
])
def test_benjamini_hochberg_by_hand(p_values, q, expected):
    assert benjamini_hochberg(p_values, q) == expected


def test_a_significant_fall_is_called_with_its_numbers_and_link():
    result = brief([comparison()])
    (statement,) = result.statements
    assert statement.text == "Home delivery NPS fell from +31 to +2 (−29 ± 9 pts) — 612 answers."
    assert statement.direction == "worse"
    assert statement.link == {"page": "Touchpoints", "touchpoint": "Home delivery"}
    assert (result.tested, result.called, result.stable, result.untested) == (1, 1, 0, 0)
    assert result.lines == [statement.text]


@pytest.mark.parametrize(("case", "tested", "untested"), [
    (comparison(now=33.0, before=31.0, change=with_p(0.2)), 1, 0),  # a wobble: p = 0.2
    (comparison(now=-20.0, before=31.0, n=12, low_n=True), 0, 1),  # a small sample with a huge fall
    (comparison(change=z_test(math.nan, math.nan, False)), 0, 1),  # no p-value at all
])
def test_noise_and_small_samples_are_not_called(case, tested, untested):
    result = brief([case])
    assert result.statements == [] and (result.tested, result.untested, result.stable) == (tested, untested, tested)


def test_twenty_pure_noise_comparisons_call_nothing():
    assert sum(c.difference.significant for c in noise()) == 1  # a naive p < 0.05 rule would call one
    result = brief(noise())
    assert result.statements == [] and result.stable == 20
    assert result.lines == ["No change beyond noise: 20 comparisons tested, none significant after controlling the "
                            "false discovery rate (Benjamini-Hochberg, q = 0.05)."]
    assert "Benjamini-Hochberg" in result.rule and "q = 0.05" in result.rule


def test_nothing_testable_says_so():
    assert brief([]).lines == ["No change to report: no comparison had enough answers in both periods to test."]


def test_one_real_change_among_noise_is_the_only_one_called():
    # m = 21: p = 1e-6 ≤ .05/21; next p(2) = .025 > 2·.05/21 = .0048, and p(k) = (k − 1.5)/20 stays above k·.05/21.
    real = comparison("Store pickup", change=with_p(1e-6, -1))
    cases = noise()
    cases.insert(7, real)
    result = brief(cases)
    assert [s.comparison for s in result.statements] == [real] and result.stable == 20


def test_small_samples_do_not_count_in_m():
    # two p = 0.04 alone (m = 2): p(2) = .04 ≤ .05, both called; twenty low-n comparisons beside them change nothing
    pair = [comparison(s, change=with_p(0.04, -1)) for s in ("A", "B")]
    small = [comparison(f"Tiny {i}", n=10, low_n=True, change=with_p(1e-9)) for i in range(20)]
    result = brief(pair + small)
    assert [s.comparison.subject for s in result.statements] == ["A", "B"]
    assert (result.tested, result.untested) == (2, 20)


def test_ranking_follows_the_stated_rule_and_limit_caps_it():
    # largest n among the changes = 900. score = |z| × √(n / 900):
    # A: 6 × √(100/900) = 2;  B: 4 × √(900/900) = 4;  C: 5 × √(400/900) = 3.33  →  B, C, A
    se = 9 / Z95
    cases = [comparison("A", change=z_test(-6 * se, se, False), n=100),
             comparison("B", change=z_test(4 * se, se, False), n=900),
             comparison("C", change=z_test(5 * se, se, False), n=400)]
    result = brief(cases)
    assert [s.comparison.subject for s in result.statements] == ["B", "C", "A"]
    assert [s.score for s in result.statements] == pytest.approx([4, 10 / 3, 2])
    capped = brief(cases, limit=2)
    assert [s.comparison.subject for s in capped.statements] == ["B", "C"]
    assert (capped.called, capped.stable) == (3, 0)
    assert "|z| × √(n / largest n among them)" in result.rule


def test_ties_are_ordered_by_subject_then_metric():
    cases = [comparison("Store"), comparison("App", "nps"), comparison("App", "csat")]
    for order in (cases, cases[::-1], [cases[1], cases[2], cases[0]]):
        result = brief(order)
        assert [(s.comparison.subject, s.comparison.metric.key) for s in result.statements] == [
            ("App", "csat"), ("App", "nps"), ("Store", "nps")]


@pytest.mark.parametrize(("metric", "now", "before", "direction", "text"), [
    ("nps", 37.0, 20.0, "better", "Home delivery NPS rose from +20 to +37 (+17 ± 9 pts) — 612 answers."),
    ("csat", 70.0, 80.0, "worse", "Home delivery CSAT fell from 80% to 70% (−10 ± 9 pts) — 612 answers."),
    ("negative_share", 30.0, 10.0, "worse", "Home delivery Negative comments rose from 10% to 30% (+20 ± 9) — "
                                            "612 answers."),
    ("negative_share", 10.0, 30.0, "better", "Home delivery Negative comments fell from 30% to 10% (−20 ± 9) — "
                                             "612 answers."),
])
def test_direction_follows_higher_is_better(metric, now, before, direction, text):
    (statement,) = brief([comparison(metric=metric, now=now, before=before)]).statements
    assert statement.direction == direction
    assert statement.text == text  # negative_share has no in-sentence name in the registry: its label


def test_subjects_with_markdown_characters_stay_as_given():
    subject = "**Store** _#1_ [x](y) <b>"
    (statement,) = brief([comparison(subject)]).statements
    assert statement.text.startswith(subject + " NPS fell")


def test_from_kpis_skips_complete_counts_and_words_the_whole_business():
    se = 3 / Z95
    kpis = [KpiValue(METRICS["nps"], 27.0, 20.0, z_test(7.0, se, False), 10512, 1.0),
            KpiValue(METRICS["ces"], 5.3, 5.1, z_test(0.2, 0.08 / Z95, False), 4000, 0.05),
            KpiValue(METRICS["revenue"], 1e6, 9e5, None, None, None),  # a complete count: nothing tested
            KpiValue(METRICS["csat"], 90.0, 40.0, z_test(50.0, 20 / Z95, True), 12, 9.0)]  # refused: small sample
    link = {"page": "Overview"}
    comparisons = from_kpis(kpis, link)
    assert [c.metric.key for c in comparisons] == ["nps", "ces", "csat"]
    assert [c.low_n for c in comparisons] == [False, False, True]
    result = brief(comparisons)
    assert result.lines == ["NPS rose from +20 to +27 (+7 ± 3 pts) — 10,512 answers.",
                            "Effort (CES) rose from 5.10 to 5.30 (+0.20 ± 0.08) — 4,000 answers."]
    assert result.statements[0].link == link and result.statements[0].link is not link


def counts(rows):
    return pd.DataFrame(rows, columns=["touchpoint", "promoters", "passives", "detractors"]).assign(
        csat_n=0, csat_top2=0, ces_n=0, ces_sum=0, ces_squares=0, sentiment_n=0, sentiment_sum=0.0,
        sentiment_squares=0.0, sentiment_negative=0)


def test_from_changes_recomputes_the_tests_p_value():
    now = counts([("A", 60, 20, 20), ("B", 30, 30, 40), ("C", 5, 0, 0)])
    before = counts([("A", 20, 30, 50), ("B", 30, 30, 40), ("C", 9, 9, 9)])
    frame = changes(now, before, "touchpoint")
    found = from_changes(frame, "touchpoint", METRICS["nps"], lambda tp: {"page": "Touchpoints", "touchpoint": tp})
    expected = difference(nps(60, 20, 20), nps(20, 30, 50))
    a = found[0]
    assert (a.subject, a.n, a.low_n) == ("A", 100, False)
    assert a.difference.p_value == pytest.approx(expected.p_value, rel=1e-9)
    assert a.difference.z == pytest.approx(expected.z) and a.difference.significant
    assert found[2].low_n and found[2].n == 5 and found[2].link == {"page": "Touchpoints", "touchpoint": "C"}
    assert [s.comparison.subject for s in brief(found).statements] == ["A"]


def test_significant_after_fdr_corrects_a_whole_changes_frame():
    rng = random.Random(13)
    rows = [{"delta": d.delta, "margin": d.margin, "low_n": False} for d in (with_p(p) for p in NOISE)]
    rows += [{"delta": -30.0, "margin": 9.0, "low_n": False},  # real: z = 6.5
             {"delta": -80.0, "margin": 9.0, "low_n": True}]  # a small sample: never significant
    frame = pd.DataFrame(rows).sample(frac=1, random_state=rng.randrange(1000))
    verdict = significant_after_fdr(frame)
    assert verdict.index.equals(frame.index) and verdict.dtype == bool
    assert verdict[verdict].index.tolist() == [20]
    assert significant_after_fdr(frame.iloc[0:0]).empty


def test_service_speed_is_worded_in_tickets_and_points_and_a_rise_is_worse():
    from analytics.metrics import METRICS

    now = pd.Series({"slow": 60, "resolved": 400, "slow_share": 15.0})
    before = pd.Series({"slow": 40, "resolved": 400, "slow_share": 10.0})
    change = METRICS["slow_share"].test(now, before)
    assert change.significant  # 15% vs 10% of 400: z ≈ 2.14
    found = brief([Comparison("", METRICS["slow_share"], 15.0, 10.0, change, 400)])
    (statement,) = found.statements
    assert statement.text == (f"Share of tickets resolved in over 72 h rose from 10.0% to 15.0% "
                              f"(+5.0 ± {change.margin:.1f} pts) — 400 tickets.")
    assert statement.direction == "worse"


@pytest.mark.parametrize(("gap", "clause"), [
    (46.2, "; detractors there spend 46% less in the next 90 days."),
    (-20.0, "; detractors there spend 20% more in the next 90 days."),
    (0.3, "; detractors there spend about as much as promoters in the next 90 days."),
    (None, "."),  # unknown or a small group on either side: no clause
])
def test_the_spend_gap_says_what_the_change_is_worth(gap, clause):
    case = Comparison("Home delivery", METRICS["nps"], 2.0, 31.0, z_test(-29.0, 9 / Z95, False), 612, spend_gap=gap)
    (statement,) = brief([case]).statements
    assert statement.text == "Home delivery NPS fell from +31 to +2 (−29 ± 9 pts) — 612 answers" + clause


def test_from_changes_carries_a_spend_gap_column_where_known():
    now = counts([("A", 60, 20, 20), ("B", 30, 30, 40)])
    before = counts([("A", 20, 30, 50), ("B", 60, 20, 20)])
    frame = changes(now, before, "touchpoint").assign(spend_gap=[46.0, float("nan")])
    found = from_changes(frame, "touchpoint", METRICS["nps"], lambda _: {})
    assert [c.spend_gap for c in found] == [46.0, None]
    assert [c.spend_gap for c in from_changes(frame.drop(columns="spend_gap"), "touchpoint", METRICS["nps"],
                                              lambda _: {})] == [None, None]


def test_a_fall_in_redemption_is_worded_in_customers_and_is_worse():
    from analytics.loyalty import REDEEMING_SHARE

    now = pd.Series({"redeeming_buyers": 120, "active_customers": 1000, "redeeming_share": 12.0})
    before = pd.Series({"redeeming_buyers": 300, "active_customers": 1000, "redeeming_share": 30.0})
    change = REDEEMING_SHARE.test(now, before)
    (statement,) = brief([Comparison("", REDEEMING_SHARE, 12.0, 30.0, change, 1000)]).statements
    assert statement.text == ("Share of buyers who redeemed points fell from 30.0% to 12.0% (−18.0 ± 3.5 pts) — "
                              "1,000 customers.")
    assert statement.direction == "worse"
