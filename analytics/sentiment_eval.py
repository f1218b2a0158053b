"""Sentiment measured as a manager reads it: three classes (negative, neutral, positive), not a correlation.

Human-rated sets (the VADER paper's, ../shared/data/sentiment/) give each text the mean of its raters on
-4..+4; below RATED_NEGATIVE_BELOW it is negative, above RATED_POSITIVE_ABOVE positive, neutral in between.
Every text falls in the calibration split or the held-out split by a hash of its text, so the split never
moves between runs or machines, and nothing is tuned on the held-out split. Bands are fitted on calibration
scores by maximising macro-F1 (each class counts the same, so "call everything negative" cannot win).
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

CLASSES = ("negative", "neutral", "positive")
RATED_NEGATIVE_BELOW = -0.5  # mean human rating on -4..+4
RATED_POSITIVE_ABOVE = 0.5
HELD_OUT_SHARE = 0.3
BAND_GRID = 81  # candidate cut-offs per side: quantiles of the calibration scores


@dataclass(frozen=True)
class RatedSet:
    name: str
    texts: list[str]
    ratings: np.ndarray

    @property
    def labels(self) -> np.ndarray:
        return three_classes(self.ratings)


def read_rated_set(path: Path) -> RatedSet:
    """One ground-truth file: tab-separated id, mean rating, [individual ratings...], text."""
    texts, ratings = [], []
    for line in path.read_text(encoding="utf-8-sig").splitlines():
        fields = line.rstrip("\r").split("\t")
        if len(fields) >= 3:
            texts.append(fields[-1])
            ratings.append(float(fields[1]))
    return RatedSet(path.name.removesuffix("_GroundTruth.txt"), texts, np.asarray(ratings))


def read_rated_sets(folder: Path) -> list[RatedSet]:
    return [read_rated_set(path) for path in sorted(folder.glob("*_GroundTruth.txt"))] if folder.is_dir() else []


def three_classes(ratings: np.ndarray) -> np.ndarray:
    """0 negative, 1 neutral, 2 positive, from mean human ratings."""
    return np.where(ratings < RATED_NEGATIVE_BELOW, 0, np.where(ratings > RATED_POSITIVE_ABOVE, 2, 1))


def is_held_out(text: str) -> bool:
    """Stable across runs and machines: the first 4 bytes of the text's SHA-1, as a share of 2**32."""
    digest = int.from_bytes(hashlib.sha1(text.encode("utf-8")).digest()[:4], "big")
    return digest / 2**32 < HELD_OUT_SHARE


def split(rated: RatedSet) -> tuple[RatedSet, RatedSet]:
    """(calibration, held-out) parts of a rated set."""
    held = np.asarray([is_held_out(t) for t in rated.texts], dtype=bool)
    return _subset(rated, ~held), _subset(rated, held)


def _subset(rated: RatedSet, mask: np.ndarray) -> RatedSet:
    return RatedSet(rated.name, [t for t, m in zip(rated.texts, mask, strict=True) if m], rated.ratings[mask])


def pooled(sets: Sequence[RatedSet], name: str = "all") -> RatedSet:
    return RatedSet(name, [t for s in sets for t in s.texts],
                    np.concatenate([s.ratings for s in sets]) if sets else np.zeros(0))


def confusion(truth: np.ndarray, predicted: np.ndarray) -> np.ndarray:
    """3×3 counts: rows are the human class, columns the scorer's."""
    matrix = np.zeros((3, 3), dtype=int)
    np.add.at(matrix, (truth, predicted), 1)
    return matrix


def macro_f1(matrix: np.ndarray) -> float:
    """Mean of the three classes' F1 (a class nobody predicted and nobody has scores 0)."""
    hits = np.diag(matrix).astype(float)
    denominators = matrix.sum(axis=0) + matrix.sum(axis=1)
    f1 = np.divide(2 * hits, denominators, out=np.zeros(3), where=denominators > 0)
    return float(f1.mean())


def accuracy(matrix: np.ndarray) -> float:
    total = matrix.sum()
    return float(np.trace(matrix) / total) if total else float("nan")


def classify(scores: np.ndarray, negative_below: float, positive_above: float) -> np.ndarray:
    """Scores to classes with a scorer's bands; NaN scores (not scored) count as neutral."""
    return np.where(scores < negative_below, 0, np.where(scores > positive_above, 2, 1))


def fit_bands(scores: np.ndarray, truth: np.ndarray) -> tuple[float, float]:
    """The (negative_below, positive_above) pair with the best macro-F1 on these scores.

    Candidates are midpoints between quantiles of the scores, so a cut-off never sits exactly on a common
    value (a lexicon gives many texts 0.0). Ties go to the narrower neutral band nearest zero, so the fit
    is deterministic.
    """
    values = np.unique(np.quantile(scores, np.linspace(0, 1, BAND_GRID)))
    cuts = np.unique(np.concatenate([(values[:-1] + values[1:]) / 2, [0.0]]))
    best_key: tuple[float, float, float] | None = None
    best = (0.0, 0.0)
    for low in cuts:
        for high in cuts[cuts >= low]:
            key = (macro_f1(confusion(truth, classify(scores, low, high))), float(low - high), -abs(low) - abs(high))
            if best_key is None or key > best_key:
                best_key, best = key, (float(low), float(high))
    return round(best[0], 4), round(best[1], 4)


def evaluate(scores: np.ndarray, truth: np.ndarray, bands: tuple[float, float],
             ratings: np.ndarray | None = None) -> dict:
    """Accuracy, macro-F1, the confusion matrix and (given ratings) Pearson r of one scorer on one set."""
    matrix = confusion(truth, classify(scores, *bands))
    result = {"n": len(truth), "accuracy": round(accuracy(matrix), 4), "macro_f1": round(macro_f1(matrix), 4),
              "confusion": matrix.tolist()}
    if ratings is not None and len(ratings) > 1:
        result["pearson_r"] = round(float(np.corrcoef(scores, ratings)[0, 1]), 4)
    return result


def evaluate_classes(bands: Sequence[str], truth: np.ndarray, polarity: np.ndarray | None = None,
                     ratings: np.ndarray | None = None) -> dict:
    """evaluate() for a scorer that names each text's class (a learned scorer's band) instead of a score to cut;
    Pearson r of its polarity with the ratings when both are given."""
    result = evaluate(np.asarray([CLASSES.index(b) for b in bands], dtype=float) - 1.0, truth, (-0.5, 0.5))
    if polarity is not None and ratings is not None and len(ratings) > 1:
        result["pearson_r"] = round(float(np.corrcoef(polarity, ratings)[0, 1]), 4)
    return result


def held_out_figures(scored: Sequence[tuple[Sequence[float] | np.ndarray, Sequence[str]]],
                     held: Sequence[RatedSet]) -> dict:
    """Pooled and per-set figures of a class-naming scorer, from its (polarity, bands) on each held-out set."""
    everything = pooled(held)
    polarity = np.concatenate([np.asarray(p, dtype=float) for p, _ in scored])
    return {"held_out": evaluate_classes([b for _, bands in scored for b in bands], everything.labels, polarity,
                                         everything.ratings),
            "held_out_by_set": {s.name: evaluate_classes(bands, s.labels)
                                for s, (_, bands) in zip(held, scored, strict=True)}}
