"""The two lexicon analyzers the scorers build on, loaded once per process from what the packages ship
(no NLTK data, no downloads): TextBlob's pattern lexicon and VADER."""

from __future__ import annotations

from collections.abc import Sequence
from functools import cache
from typing import Any

import numpy as np


@cache
def _textblob() -> Any:  # textblob ships no types
    from textblob.en.sentiments import PatternAnalyzer
    return PatternAnalyzer()


@cache
def _vader() -> Any:  # nor does vaderSentiment
    from vaderSentiment.vaderSentiment import SentimentIntensityAnalyzer
    return SentimentIntensityAnalyzer()


def textblob(text: str) -> tuple[float, float]:
    """(polarity -1..1, subjectivity 0..1)."""
    result = _textblob().analyze(text)
    return float(result.polarity), float(result.subjectivity)


def vader(text: str) -> dict[str, float]:
    """VADER's compound score (-1..1) and the shares of negative, neutral and positive words."""
    return _vader().polarity_scores(text)


LEXICON_FEATURES = ("textblob_polarity", "vader_compound", "vader_negative", "vader_neutral", "vader_positive")


def lexicon_features(texts: Sequence[str]) -> np.ndarray:
    """One row per text, the columns of LEXICON_FEATURES: what the learned general scorer adds to its n-grams."""
    rows = []
    for text in texts:
        scores = vader(text)
        rows.append((textblob(text)[0], scores["compound"], scores["neg"], scores["neu"], scores["pos"]))
    return np.asarray(rows, dtype=float).reshape(len(rows), len(LEXICON_FEATURES))
