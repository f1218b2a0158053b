"""Tokenising and distinguishing terms on hand-made corpora whose answer is known."""

from __future__ import annotations

import math
from collections import Counter

import pandas as pd
import pytest

from analytics.terms import COLUMNS, distinguishing_terms, log_odds_z, terms, terms_by_band, tokenise


@pytest.mark.parametrize(
    ("text", "words"),
    [
        ("Great, QUICK delivery!", ["great", "quick", "delivery"]),
        ("I won't be back; the customer's parcel didn't arrive",
         ["won't", "be", "back", "the", "customer's", "parcel", "didn't", "arrive"]),
        ("It’s ‘fine’ I guess", ["it's", "fine", "guess"]),  # curly quotes: apostrophe kept, quotes dropped
        ("'quoted' customers' view", ["quoted", "customers", "view"]),  # quotes around a word are not part of it
        ("Waited 30 days for 2 mp3 players, 24h later: 50% off", ["waited", "days", "for", "players", "later", "off"]),
        ("<b>bold</b> **x** <script>alert(1)</script> &amp; done", ["bold", "alert", "done"]),
        ("The e-mail came", ["the", "e-mail", "came"]),
        ("Café crème, naïve", ["café", "crème", "naïve"]),
        ("", []),
        ("42 !!! ...", []),
    ],
)
def test_tokenise(text, words):
    assert tokenise(text) == words


def test_terms_are_content_words_and_phrases_within_a_clause():
    assert terms("The new points rules are confusing. Points expire faster") == [
        "new", "points", "rules", "confusing", "new points", "points rules", "points", "expire", "faster",
        "points expire", "expire faster"]


def test_no_phrase_across_a_stop_word_a_number_or_markup():
    assert terms("late and broken") == ["late", "broken"]
    assert terms("waited 30 days") == ["waited", "days"]
    assert terms("late <br> parcel") == ["late", "parcel", "late parcel"]  # a tag is not punctuation


NEGATIVE = ["The parcel was late", "Late again, the parcel was damaged", "Late and damaged", "Courier lost it, late",
            "late late late", "damaged box"] * 3
POSITIVE = ["Quick delivery, lovely staff", "Lovely and quick", "Quick, friendly courier", "Lovely service",
            "quick and lovely"] * 3


def test_words_only_in_negative_comments_lead_the_negative_side():
    result = distinguishing_terms(NEGATIVE, POSITIVE, top=3)
    assert list(result.columns) == COLUMNS
    negative = result[result["side"] == "negative"]
    positive = result[result["side"] == "positive"]
    assert negative["term"].tolist()[:2] == ["late", "damaged"]
    assert set(positive["term"].tolist()[:2]) == {"quick", "lovely"}
    assert (negative["score"] < 0).all() and (positive["score"] > 0).all()
    assert negative["score"].is_monotonic_increasing and positive["score"].is_monotonic_decreasing
    late = negative.set_index("term").loc["late"]
    assert (late.negative_count, late.positive_count) == (21, 0)
    assert "courier" not in set(result["term"])  # in both corpora: distinguishes neither


def test_rare_terms_and_chance_differences_are_left_out():
    result = distinguishing_terms(["awful twice", "awful", "broken"] * 10 + ["unique"],
                                  ["great", "great", "broken"] * 10, top=15)
    assert "unique" not in set(result["term"])  # seen once
    assert "broken" not in set(result["term"])  # as common on both sides
    assert result["score"].abs().min() >= 1.96


def test_top_limits_each_side():
    many_neg = [f"bad{chr(97 + i)} " * 20 for i in range(10)]
    many_pos = [f"good{chr(97 + i)} " * 20 for i in range(10)]
    result = distinguishing_terms(many_neg, many_pos, top=4)
    assert result["side"].value_counts().to_dict() == {"negative": 4, "positive": 4}


@pytest.mark.parametrize(("negative", "positive"), [([], ["good good good"]), (["bad bad bad"], []),
                                                    ([None, float("nan"), "the and"], ["good good good"])])
def test_nothing_to_compare_gives_an_empty_frame(negative, positive):
    result = distinguishing_terms(negative, positive)
    assert result.empty and list(result.columns) == COLUMNS


def test_log_odds_z_by_hand():
    negative, positive = Counter({"late": 6, "ok": 4}), Counter({"ok": 4, "great": 6})
    row = log_odds_z(negative, positive).set_index("term").loc["late"]
    a0 = 10
    prior = a0 * (6 / 10 + 0 / 10) / 2  # 3
    delta = math.log((6 + prior) / (10 + a0 - 6 - prior)) - math.log((0 + prior) / (10 + a0 - 0 - prior))
    assert row.z == pytest.approx(delta / math.sqrt(1 / (6 + prior) + 1 / (0 + prior)))
    assert log_odds_z(negative, positive).set_index("term").loc["ok"].z == pytest.approx(0.0)
    assert log_odds_z(negative, positive).set_index("term").loc["great"].z == pytest.approx(-row.z)  # symmetric


def test_terms_by_band_splits_a_sample_frame():
    sample = pd.DataFrame({"comment": NEGATIVE + POSITIVE,
                           "band": ["negative"] * len(NEGATIVE) + ["positive"] * len(POSITIVE)})
    pd.testing.assert_frame_equal(terms_by_band(sample, top=3), distinguishing_terms(NEGATIVE, POSITIVE, top=3))
