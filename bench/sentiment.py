"""Sentiment as a manager reads it, re-measured: each scorer's three classes on the held-out human-rated split
(accuracy, macro-F1, confusion matrix, with Pearson r beside them), its throughput on one core, and the company
scorer's training time, scoring speed and size on the benchmark's own rated comments.

The human-rated sets are the VADER paper's (../shared/data/sentiment/); analytics.sentiment_eval states the
three-class cut-offs and the split. Nothing here is tuned: bands and models come from analytics/models/.
"""

from __future__ import annotations

import time
from pathlib import Path

import numpy as np

from analytics.sentiment import FIXED_BANDS, SCORERS, SHARED_RATINGS, Scorer
from analytics.sentiment_eval import RatedSet, evaluate, held_out_figures, pooled, read_rated_sets, split


def _measure_scorer(chosen: Scorer, held: list[RatedSet]) -> dict:
    everything = pooled(held)
    start = time.perf_counter()
    scored = [chosen.score_batch(s.texts) for s in held]
    seconds = time.perf_counter() - start
    result = {**held_out_figures([(polarity, bands) for polarity, _, bands in scored], held),
              "texts_per_second_one_core": round(len(everything.texts) / seconds) if seconds else None}
    if chosen.kind == "lexicon":
        polarity = np.concatenate([np.asarray(p, dtype=float) for p, _, _ in scored])
        result["bands"] = chosen.bands
        result["held_out_fixed_bands"] = evaluate(polarity, everything.labels, FIXED_BANDS)
    return result


def measure(folder: Path = SHARED_RATINGS, limit: int | None = None) -> dict:
    """Every registered scorer on the held-out split; a note when the rated sets are not on this machine."""
    sets = read_rated_sets(folder)
    if not sets:
        return {"skipped": f"no human-rated sets in {folder}", "scorers": {}}
    held = [split(s)[1] for s in sets]
    if limit:
        held = [RatedSet(s.name, s.texts[:limit], s.ratings[:limit]) for s in held]
    result: dict = {"source": str(folder), "held_out": {s.name: len(s.texts) for s in held}, "scorers": {}}
    for name, chosen in SCORERS.items():
        chosen.score_batch(["warm up the analyzer"])  # lexicons and models load once per process
        result["scorers"][name] = _measure_scorer(chosen, held)
    vader = result["scorers"]["vader"]["held_out_fixed_bands"]["macro_f1"]
    result["general_gain_over_vader_fixed"] = round(result["scorers"]["general"]["held_out"]["macro_f1"] - vader, 4)
    return result


def company(url: str) -> dict:
    """Train the company scorer on the database's rated comments (at most 300,000) and time it, score 50,000 of
    them and time that, and weigh the stored model."""
    from data_access import sentiment_models
    from data_access.db import open_database

    engine = open_database(url)
    try:
        with engine.connect() as conn:
            rated = sentiment_models.rated_comments(conn)
        start = time.perf_counter()
        stored = sentiment_models.train_and_store(engine)
        trained = time.perf_counter() - start
        texts = rated["comment"].astype(str).tolist()[:50_000]
        start = time.perf_counter()
        stored.model.score(texts)
        scoring = time.perf_counter() - start
    finally:
        engine.dispose()
    figures = stored.figures
    return {"rated_comments_read": len(rated), "learned_from": figures["rated_comments"],
            "train_seconds": round(trained, 2), "scored": len(texts),
            "comments_per_second": round(len(texts) / scoring) if scoring else None,
            "model_mb": round(len(stored.model.to_bytes()) / 2**20, 2), "cv_accuracy": figures["cv_accuracy"],
            "agreement": figures["agreement"], "held_out": figures["held_out"]}
