"""The company scorer: the general model's training sentences plus the company's own comments, labelled by the
score the customer gave beside them.

A comment written with an NPS of 0-6 is evidence of negative tone, one with 9-10 of positive; without an NPS,
CSAT 1-2 is negative and 5 positive. Passives (7-8), CSAT 3-4, a contradicting pair (NPS 9-10 with CSAT 1-2, or
0-6 with 5), and comments not in English are left out: they are weak evidence either way. The human-rated
calibration sentences keep the neutral class and general English in the model; the company's comments teach
it the company's own words ("courier", "points", "checkout").
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import cache

import numpy as np
import pandas as pd

from analytics.language import english_mask
from analytics.sentiment_eval import CLASSES, evaluate_classes
from analytics.sentiment_model import COMPANY, TextModel, cross_validated_accuracy, train
from analytics.settings import DETRACTOR_UP_TO, PROMOTER_FROM

NEGATIVE, POSITIVE, LEFT_OUT = 0, 2, -1
CSAT_NEGATIVE_UP_TO, CSAT_POSITIVE_FROM = 2, 5  # on the 1-5 scale
CV_ROWS = 5_000  # comments cross-validated and compared with the other scorers (fixed seed): ±1.4 points at most
CV_FOLDS = 5
MIN_PER_CLASS = 20  # fewer negative or positive comments than this and there is nothing to learn from
Progress = Callable[[str, float], None]


def weak_labels(nps: pd.Series, csat: pd.Series) -> np.ndarray:
    """NEGATIVE, POSITIVE or LEFT_OUT per comment, from the customer's own answers beside it."""
    nps, csat = (pd.to_numeric(s, errors="coerce").astype(float) for s in (nps, csat))  # nullable ints too
    by_nps = np.select([nps <= DETRACTOR_UP_TO, nps >= PROMOTER_FROM], [NEGATIVE, POSITIVE], LEFT_OUT)
    by_csat = np.select([csat <= CSAT_NEGATIVE_UP_TO, csat >= CSAT_POSITIVE_FROM], [NEGATIVE, POSITIVE], LEFT_OUT)
    label = np.where(nps.notna(), by_nps, by_csat)
    contradicts = nps.notna().to_numpy() & (by_csat != LEFT_OUT) & (by_csat != by_nps)
    return np.where(contradicts, LEFT_OUT, label)


@dataclass(frozen=True)
class StaleRule:
    """A company scorer is stale once the rated comments grew or shrank by more than this share since training."""

    max_change: float = 0.25


def is_stale(trained_on: int, rated_now: int, rule: StaleRule = StaleRule()) -> bool:
    return trained_on == 0 or abs(rated_now - trained_on) / trained_on > rule.max_change


@cache
def _shipped(name: str) -> tuple[list[str], np.ndarray]:
    from analytics.sentiment import MODELS
    from analytics.sentiment_build import read_rated_texts
    return read_rated_texts(MODELS / name)


def base_sentences() -> tuple[list[str], np.ndarray]:
    """The human-rated calibration sentences the general scorer learned from (shipped in analytics/models/)."""
    from analytics.sentiment_build import CALIBRATION_TEXTS
    return _shipped(CALIBRATION_TEXTS)


def held_out_sentences() -> tuple[list[str], np.ndarray]:
    """The held-out human-rated sentences: measured on, never trained or tuned on."""
    from analytics.sentiment_build import HELD_OUT_TEXTS
    return _shipped(HELD_OUT_TEXTS)


def labelled(comments: pd.Series, nps: pd.Series, csat: pd.Series) -> tuple[list[str], np.ndarray, dict]:
    """The English comments with a label, their labels, and how many were used and left out, and why."""
    labels = weak_labels(nps, csat)
    texts = comments.fillna("").astype(str).str.strip().tolist()
    english = np.asarray(english_mask(texts), dtype=bool) if texts else np.zeros(0, dtype=bool)
    written = np.asarray([bool(t) for t in texts], dtype=bool)
    keep = english & (labels != LEFT_OUT) & written
    counts = {"negative": int((labels[keep] == NEGATIVE).sum()), "positive": int((labels[keep] == POSITIVE).sum()),
              "left_out_score": int((labels == LEFT_OUT).sum()),
              "left_out_blank": int(((labels != LEFT_OUT) & ~written).sum()),
              "left_out_not_english": int(((labels != LEFT_OUT) & written & ~english).sum())}
    return [t for t, k in zip(texts, keep, strict=True) if k], labels[keep], counts


def agreement(bands: list[str], labels: np.ndarray) -> float:
    """Share of comments whose band matches the customer's score (a neutral band is a miss)."""
    if (labels == LEFT_OUT).any():
        raise ValueError("agreement is measured on labelled comments only")
    return float(np.mean([CLASSES[label] == band for label, band in zip(labels, bands, strict=True)]))


def train_company(comments: pd.Series, nps: pd.Series, csat: pd.Series,
                  progress: Progress | None = None) -> tuple[TextModel, dict]:
    """Train on base sentences + weak-labelled comments; measure by cross-validation and on held-out sentences."""
    from analytics.sentiment import SCORERS  # the registry loads models; import late to keep this module light

    def step(what: str, share: float) -> None:
        if progress:
            progress(what, share)

    texts, labels, counts = labelled(comments, nps, csat)
    if min(counts["negative"], counts["positive"]) < MIN_PER_CLASS:
        raise ValueError(f"Too few rated comments to learn from: {counts['negative']} negative and "
                         f"{counts['positive']} positive (at least {MIN_PER_CLASS} of each are needed).")
    base_texts, base_labels = base_sentences()
    rows = np.random.default_rng(0).permutation(len(texts))[:CV_ROWS]
    sample, sample_labels = [texts[i] for i in rows], labels[rows]
    step("Cross-validating on your rated comments", 0.1)
    figures: dict = {"rated_comments": len(texts), **counts, "cv_rows": len(sample), "cv_folds": CV_FOLDS,
                     "cv_accuracy": round(cross_validated_accuracy(sample, sample_labels, COMPANY,
                                                                   (base_texts, base_labels), CV_FOLDS), 4)}
    step("Comparing with the other scorers", 0.5)
    figures["agreement"] = {name: round(agreement(s.score_batch(sample)[2], sample_labels), 4)
                            for name, s in SCORERS.items()}
    step("Training on every rated comment", 0.6)
    model = train([*base_texts, *texts], np.concatenate([base_labels, labels]), COMPANY)
    held_texts, held_labels = held_out_sentences()
    _, bands = model.score(held_texts)
    figures["held_out"] = evaluate_classes(bands, held_labels)
    model.info = figures
    step("Trained", 1.0)
    return model, figures
