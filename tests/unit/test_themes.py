"""Theme seeding, naming and merging (analytics.themes): pure, on hand-made comments."""

from __future__ import annotations

import math

import pandas as pd
import pytest

from analytics.themes import (
    MAX_NAME,
    MIN_COMMENTS,
    SEPARATOR,
    Theme,
    clean_name,
    merge_themes,
    monthly,
    seed_themes,
    summarise,
    theme_count,
)

DELIVERY = [
    "The courier was late and the parcel was damaged.",
    "Parcel arrived late, the courier never rang.",
    "Courier left my parcel outside in the rain.",
    "Late again! The courier lost the parcel.",
    "The parcel came two days late.",
    "Courier was rude and the parcel was late.",
    "My parcel never arrived; courier says delivered.",
    "Late courier, damaged parcel, awful.",
    "Courier late by three days with my parcel.",
    "Parcel damaged, courier late.",
    "The courier threw the parcel over the fence.",
    "Parcel late and the courier did not call.",
]
LOYALTY = [
    "My loyalty points never showed up in the app.",
    "Points expired before I could use the rewards.",
    "The rewards catalogue needs more points options.",
    "Loyalty points vanished from my account.",
    "Love collecting points for rewards.",
    "The points balance in the app is wrong.",
    "Rewards are great, points add up quickly.",
    "Loyalty rewards feel stingy, too few points.",
    "Could not redeem my points for rewards.",
    "Points and rewards explained badly in the app.",
    "Double loyalty points week was brilliant.",
    "Rewards vouchers for my points came quickly.",
]
DELIVERY_WORDS = {"courier", "parcel", "late", "damaged", "arrived", "rain", "rude", "fence", "days", "never"}
LOYALTY_WORDS = {"points", "rewards", "loyalty", "app", "redeem", "account", "balance", "quickly", "vouchers"}


def test_two_clear_topics_come_out_as_two_themes_with_their_own_keywords():
    themes = seed_themes(DELIVERY + LOYALTY, k=2)
    assert len(themes) == 2
    by_topic = {("delivery" if "courier" in t.keywords else "loyalty"): t for t in themes}
    assert set(by_topic) == {"delivery", "loyalty"}
    assert {"courier", "parcel", "late"} <= set(by_topic["delivery"].keywords)
    assert {"points", "rewards"} <= set(by_topic["loyalty"].keywords)
    for topic, words in (("delivery", LOYALTY_WORDS), ("loyalty", DELIVERY_WORDS)):
        stray = {w for k in by_topic[topic].keywords for w in k.split()} & words
        assert not stray, (topic, stray)  # no keyword of the other topic


def test_seeding_is_deterministic_and_keywords_follow_the_rules():
    corpus = DELIVERY + LOYALTY
    first = seed_themes(corpus)
    assert first == seed_themes(corpus) == seed_themes(corpus[::-1])  # NNDSVD: no random start, no order effect
    assert len(first) == theme_count(len(corpus)) == 3
    keywords = [k for t in first for k in t.keywords]
    assert len(keywords) == len(set(keywords))  # no keyword in two themes
    assert all(len(k) >= 3 and len(k.split()) <= 2 for k in keywords)
    assert all(1 <= len(t.keywords) <= 6 for t in first)
    for theme in first:
        parts = theme.name.split(SEPARATOR)
        assert 1 <= len(parts) <= 3 and len(theme.name) <= MAX_NAME
        assert parts == [k for k in theme.keywords if k in parts]  # the strongest keywords, in their order
        assert parts[0] == theme.keywords[0]


def test_too_few_comments_or_no_shared_terms_give_no_themes():
    assert seed_themes(DELIVERY[: MIN_COMMENTS - 13] + LOYALTY[:12]) == []  # 19 comments
    assert seed_themes([None, float("nan"), "", "  "] * 10) == []
    assert seed_themes([f"word{i} alpha{i}" for i in range(30)]) == []  # words with digits are not terms


@pytest.mark.parametrize(("comments", "k"), [(20, 3), (59, 3), (60, 4), (199, 4), (200, 5), (999, 5), (1000, 6),
                                             (50_000, 6)])
def test_theme_count_grows_slowly_with_the_sample(comments, k):
    assert theme_count(comments) == k


@pytest.mark.parametrize(("typed", "stored"), [("  Late couriers ", "Late couriers"),
                                               ("Late\n\tcouriers", "Late couriers"),
                                               ("x" * MAX_NAME, "x" * MAX_NAME), ("<b>bold</b>", "<b>bold</b>")])
def test_a_rename_is_trimmed_to_one_line(typed, stored):
    assert clean_name(typed) == stored


@pytest.mark.parametrize(("typed", "message"), [("", "needs a name"), ("   \n", "needs a name"),
                                                ("x" * (MAX_NAME + 1), f"at most {MAX_NAME} characters")])
def test_an_empty_or_long_name_is_refused(typed, message):
    with pytest.raises(ValueError, match=message):
        clean_name(typed)


def test_merging_keeps_the_targets_name_and_joins_the_keywords():
    target = Theme("Late deliveries", ("late", "courier"), "t1", pinned=False)
    source = Theme("Damage", ("damaged", "late", "box"), "t2", pinned=True)
    merged = merge_themes(target, source)
    assert merged == Theme("Late deliveries", ("late", "courier", "damaged", "box"), "t1", pinned=True)
    assert merge_themes(target, Theme("x", ("courier",), "t3")).pinned is False
    with pytest.raises(ValueError, match="into itself"):
        merge_themes(target, target)


def test_monthly_counts_fill_the_months_without_comments():
    trend = pd.DataFrame({"theme_id": ["a", "a", "b"], "month": pd.to_datetime(["2026-01-01", "2026-03-01",
                                                                                "2026-04-01"]),
                          "comments": [2, 5, 1]})
    assert monthly(trend, "a").tolist() == [2, 0, 5, 0]
    assert monthly(trend, "b").tolist() == [0, 0, 0, 1]
    assert monthly(trend.iloc[:0], "a").empty


def test_summarise_adds_nps_and_its_margin():
    out = summarise(pd.DataFrame({"promoters": [1, 0], "passives": [0, 0], "detractors": [2, 0]}))
    assert out["nps"].iloc[0] == pytest.approx(100 * (1 - 2) / 3)
    # by hand: variance = (1/3 + 2/3) − (1/3 − 2/3)² = 8/9, margin = 1.96 · sqrt(8/9 / 3) · 100
    assert out["nps_margin"].iloc[0] == pytest.approx(1.959964 * math.sqrt(8 / 9 / 3) * 100, rel=1e-5)
    assert math.isnan(out["nps"].iloc[1]) and out["nps_n"].tolist() == [3, 0]
