"""Sentiment accuracy and speed: Pearson r of each scorer against human ratings, and texts per second on one core.

The ground truth is the VADER paper's human-rated sets in ../shared/data/sentiment/ (tab-separated: id, mean
human rating, [individual ratings...], text). The Amazon review snippets are the closest to customer comments,
so their r is the headline figure the app shows next to the active scorer.
"""

from __future__ import annotations

import time
from pathlib import Path

import numpy as np

from analytics.scorer_accuracy import HEADLINE_SET
from analytics.sentiment import SCORERS
from bench.common import ROOT

GROUND_TRUTH = ROOT.parent / "shared" / "data" / "sentiment"


def read_ratings(path: Path) -> tuple[list[str], np.ndarray]:
    """(texts, mean human ratings) of one ground-truth file."""
    texts, ratings = [], []
    for line in path.read_text(encoding="utf-8-sig").splitlines():
        fields = line.rstrip("\r").split("\t")
        if len(fields) < 3:
            continue
        texts.append(fields[-1])
        ratings.append(float(fields[1]))
    return texts, np.asarray(ratings)


def pearson(x: np.ndarray, y: np.ndarray) -> float:
    return float(np.corrcoef(x, y)[0, 1])


def measure(folder: Path = GROUND_TRUTH, limit: int | None = None) -> dict:
    """Per scorer: r per file and over all files pooled, and single-core throughput; a note when there is no data."""
    files = sorted(folder.glob("*_GroundTruth.txt")) if folder.is_dir() else []
    if not files:
        return {"skipped": f"no human-rated sets in {folder}", "scorers": {}}
    sets = {path.name.removesuffix("_GroundTruth.txt"): read_ratings(path) for path in files}
    if limit:
        sets = {name: (texts[:limit], ratings[:limit]) for name, (texts, ratings) in sets.items()}
    result: dict = {"source": str(folder), "headline_set": HEADLINE_SET,
                    "texts": {name: len(texts) for name, (texts, _) in sets.items()}, "scorers": {}}
    for name, scorer in SCORERS.items():
        scorer.score("warm up the analyzer")  # lexicons load once per process; not part of the throughput
        per_set, every_score, every_rating, seconds = {}, [], [], 0.0
        for set_name, (texts, ratings) in sets.items():
            start = time.perf_counter()
            scores = np.asarray([scorer.score(text)[0] for text in texts])
            seconds += time.perf_counter() - start
            per_set[set_name] = pearson(scores, ratings)
            every_score.append(scores)
            every_rating.append(ratings)
        total = sum(len(s) for s in every_score)
        result["scorers"][name] = {
            "pearson_r": {**per_set, "all": pearson(np.concatenate(every_score), np.concatenate(every_rating))},
            "headline_r": per_set.get(HEADLINE_SET),
            "texts_per_second_one_core": total / seconds if seconds else None}
    return result
