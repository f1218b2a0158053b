"""Weak labels from the customer's own scores, which comments the company scorer learns from, staleness, agreement."""

import numpy as np
import pandas as pd
import pytest

from analytics.weak_labels import LEFT_OUT, NEGATIVE, POSITIVE, StaleRule, agreement, is_stale, labelled, weak_labels

NA = np.nan

LABEL_TABLE = [
    # nps, csat, label
    (0, NA, NEGATIVE),
    (6, NA, NEGATIVE),
    (7, NA, LEFT_OUT),
    (8, NA, LEFT_OUT),
    (9, NA, POSITIVE),
    (10, NA, POSITIVE),
    (NA, 1, NEGATIVE),
    (NA, 2, NEGATIVE),
    (NA, 3, LEFT_OUT),
    (NA, 4, LEFT_OUT),
    (NA, 5, POSITIVE),
    (NA, NA, LEFT_OUT),
    (10, 1, LEFT_OUT),  # contradicting pair
    (3, 5, LEFT_OUT),  # contradicting pair
    (10, 4, POSITIVE),  # CSAT 4 does not contradict
    (0, 1, NEGATIVE),  # agreeing pair
    (10, 5, POSITIVE),
    (7, 5, LEFT_OUT),  # a passive stays out: CSAT only counts without an NPS
]


@pytest.mark.parametrize(("nps", "csat", "expected"), LABEL_TABLE)
def test_weak_label_of_one_comment(nps, csat, expected):
    assert weak_labels(pd.Series([nps], dtype=float), pd.Series([csat], dtype=float)).tolist() == [expected]


def test_weak_labels_for_a_whole_column_with_database_nones():
    nps = pd.Series([row[0] for row in LABEL_TABLE], dtype=object).where(lambda s: s.notna(), None)
    csat = pd.Series([row[1] for row in LABEL_TABLE], dtype=object).where(lambda s: s.notna(), None)
    assert weak_labels(nps, csat).tolist() == [row[2] for row in LABEL_TABLE]


def test_labelled_keeps_english_scored_comments_and_counts_what_it_left_out():
    comments = pd.Series([
        "  Great service, quick and friendly  ",  # NPS 10: positive
        "The parcel was late again",  # NPS 2: negative
        "Driver was rude and the box was damaged",  # CSAT 1: negative
        "Lovely staff, thank you",  # CSAT 5: positive
        "It was fine I guess",  # NPS 8: passive, left out for its score
        "Muy mala entrega, nunca llegó el pedido",  # NPS 0 but Spanish: left out, not English
        "Le colis est arrivé en retard, très déçu",  # NPS 7: left out for its score first
        "\t\n ",  # NPS 9 but nothing written: left out as blank
        None,  # no comment and no score
    ])
    nps = pd.Series([10, 2, NA, NA, 8, 0, 7, 9, NA])
    csat = pd.Series([NA, NA, 1, 5, NA, NA, NA, NA, NA])
    texts, labels, counts = labelled(comments, nps, csat)
    assert texts == ["Great service, quick and friendly", "The parcel was late again",
                     "Driver was rude and the box was damaged", "Lovely staff, thank you"]
    assert labels.tolist() == [POSITIVE, NEGATIVE, NEGATIVE, POSITIVE]
    assert counts == {"negative": 2, "positive": 2, "left_out_score": 3, "left_out_blank": 1, "left_out_not_english": 1}


def test_labelled_drops_blank_comments_even_with_a_score():
    texts, labels, counts = labelled(pd.Series(["", "   ", None, "Good"]), pd.Series([10, 0, 9, 10]),
                                     pd.Series([NA, NA, NA, NA]))
    assert texts == ["Good"]
    assert labels.tolist() == [POSITIVE]
    assert counts["positive"] == 1 and counts["negative"] == 0


def test_labelled_with_no_comments():
    texts, labels, counts = labelled(pd.Series([], dtype=object), pd.Series([], dtype=float),
                                     pd.Series([], dtype=float))
    assert texts == [] and len(labels) == 0
    assert counts == {"negative": 0, "positive": 0, "left_out_score": 0, "left_out_blank": 0,
                      "left_out_not_english": 0}


@pytest.mark.parametrize(("trained_on", "rated_now", "stale"), [
    (1_000, 1_000, False),
    (1_000, 1_250, False),  # exactly 25% more
    (1_000, 1_251, True),
    (1_000, 750, False),  # exactly 25% fewer
    (1_000, 749, True),
    (0, 0, True),  # never trained on anything
    (0, 500, True),
])
def test_is_stale_with_the_default_quarter_rule(trained_on, rated_now, stale):
    assert is_stale(trained_on, rated_now) is stale


def test_is_stale_follows_a_stricter_rule():
    assert is_stale(1_000, 1_100, StaleRule(max_change=0.05))
    assert not is_stale(1_000, 1_100)


def test_agreement_counts_a_neutral_band_as_a_miss():
    labels = np.array([NEGATIVE, NEGATIVE, POSITIVE, POSITIVE])
    assert agreement(["negative", "neutral", "positive", "neutral"], labels) == pytest.approx(0.5)
    assert agreement(["neutral"] * 4, labels) == 0.0
    assert agreement(["negative", "negative", "positive", "positive"], labels) == 1.0
    assert agreement(["positive", "positive", "negative", "negative"], labels) == 0.0
