"""Rebuild what the scorers ship with, reproducibly, from the human-rated sets (`python cli.py sentiment build`).

Writes to analytics/models/:
- rated_calibration.tsv.gz and rated_held_out.tsv.gz: the two splits (set, mean rating, text), so the company
  scorer can be trained and measured on a machine without the rated sets; nothing is trained or tuned on the
  held-out split.
- general.npz: the general learned scorer, trained on the calibration split.
- sentiment.json: each lexicon scorer's bands fitted on the calibration split, and every scorer's figures on the
  held-out split (with the fixed ±0.05 bands for comparison).
Same input, same output: the split is a hash of each text, the fits are deterministic.
"""

from __future__ import annotations

import gzip
import json
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

from analytics.sentiment_eval import (
    RATED_NEGATIVE_BELOW,
    RATED_POSITIVE_ABOVE,
    RatedSet,
    evaluate,
    fit_bands,
    held_out_figures,
    pooled,
    read_rated_sets,
    split,
    three_classes,
)
from analytics.sentiment_model import GENERAL, train

if TYPE_CHECKING:
    from analytics.sentiment import Scorer

CALIBRATION_TEXTS = "rated_calibration.tsv.gz"
HELD_OUT_TEXTS = "rated_held_out.tsv.gz"
Log = Callable[[str], None]


def write_rated_texts(sets: list[RatedSet], path: Path) -> None:
    lines = "".join(f"{rated.name}\t{rating:.4f}\t{text.replace(chr(9), ' ')}\n"
                    for rated in sets for rating, text in zip(rated.ratings, rated.texts, strict=True))
    path.write_bytes(gzip.compress(lines.encode("utf-8"), compresslevel=9, mtime=0))  # no date: same bytes each run


def read_rated_texts(path: Path) -> tuple[list[str], np.ndarray]:
    """(texts, class labels) of a shipped split."""
    texts, ratings = [], []
    with gzip.open(path, "rt", encoding="utf-8") as rows:
        for line in rows:
            _, rating, text = line.rstrip("\n").split("\t", 2)
            texts.append(text)
            ratings.append(float(rating))
    return texts, three_classes(np.asarray(ratings))


def _per_set(scores: dict[str, np.ndarray], held: list[RatedSet], bands: tuple[float, float]) -> dict:
    return {s.name: evaluate(scores[s.name], s.labels, bands, s.ratings) for s in held}


def _polarity(chosen: Scorer, texts: list[str]) -> np.ndarray:
    return np.asarray(chosen.score_batch(texts)[0], dtype=float)


def build(ratings: Path, out: Path, log: Log = print) -> dict:
    """Fit, train, measure and write; returns what went into sentiment.json."""
    from analytics.sentiment import FIXED_BANDS, SCORERS  # the registry reads what this writes

    sets = read_rated_sets(ratings)
    if not sets:
        raise FileNotFoundError(f"No *_GroundTruth.txt human-rated sets in {ratings}")
    parts = [split(s) for s in sets]
    calibration, held = pooled([c for c, _ in parts]), [h for _, h in parts]
    everything_held = pooled(held)
    out.mkdir(parents=True, exist_ok=True)
    write_rated_texts([c for c, _ in parts], out / CALIBRATION_TEXTS)
    write_rated_texts(held, out / HELD_OUT_TEXTS)
    result: dict = {
        "source": "Hutto & Gilbert (2014) VADER human-rated sets: " + ", ".join(s.name for s in sets),
        "classes": f"mean human rating (-4..+4) below {RATED_NEGATIVE_BELOW} negative, above "
                   f"{RATED_POSITIVE_ABOVE} positive, neutral between",
        "split": {"calibration": len(calibration.texts), "held_out": len(everything_held.texts),
                  "rule": "a text is held out when the first 4 bytes of its SHA-1 fall in the lowest 30%"},
        "scorers": {}}
    for name, chosen in SCORERS.items():
        if chosen.kind != "lexicon":
            continue
        log(f"Scoring with {name}…")
        bands = fit_bands(_polarity(chosen, calibration.texts), calibration.labels)
        held_scores = {s.name: _polarity(chosen, s.texts) for s in held}
        every = np.concatenate([held_scores[s.name] for s in held])
        result["scorers"][name] = {
            "bands": list(bands),
            "held_out": evaluate(every, everything_held.labels, bands, everything_held.ratings),
            "held_out_fixed_bands": evaluate(every, everything_held.labels, FIXED_BANDS, everything_held.ratings),
            "held_out_by_set": _per_set(held_scores, held, bands)}
    log("Training the general scorer…")
    model = train(calibration.texts, calibration.labels, GENERAL,
                  info={"trained_on": len(calibration.texts)})
    (out / "general.npz").write_bytes(model.to_bytes())
    result["scorers"]["general"] = {"bands": None, **held_out_figures([model.score(s.texts) for s in held], held)}
    (out / "sentiment.json").write_text(json.dumps(result, indent=1) + "\n", encoding="utf-8")
    return result
