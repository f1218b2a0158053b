"""Sentiment scorers, chosen from a registry, run once per distinct text at import.

Every scorer gives a polarity (−1..+1) and a band: negative, neutral or positive, or "not scored" for a comment
not in English (analytics.language), which no scorer here can read. A lexicon scorer's band comes from its
cut-offs, fitted on the calibration split of the human-rated sets (analytics/models/sentiment.json, written by
`python cli.py sentiment build`); a learned scorer's band is the class its model finds most likely.
The same file holds how well each scorer did on the held-out split, which the Voices page shows.
"""

from __future__ import annotations

import json
import math
import multiprocessing
import sys
import types
from collections.abc import Callable, Iterable, Iterator, Sequence
from concurrent.futures import ProcessPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

import numpy as np
import pandas as pd

from analytics import lexicons
from analytics.language import english_mask
from analytics.sentiment_eval import CLASSES
from analytics.sentiment_model import TextModel

BANDS = CLASSES
NOT_SCORED = "not scored"
MODELS = Path(__file__).resolve().parent / "models"
MEASURED = MODELS / "sentiment.json"  # bands and held-out figures per scorer
GENERAL_MODEL = MODELS / "general.npz"
SHARED_RATINGS = Path(__file__).resolve().parents[2] / "shared" / "data" / "sentiment"  # the build's input
FIXED_BANDS = (-0.05, 0.05)  # what every lexicon used before calibration; kept to compare against

Scored = tuple[list[float], list[float], list[str]]  # polarity, subjectivity (NaN when none), band
Progress = Callable[[int, int], None]
BATCH = 2_000
PARALLEL_FROM = 40_000  # distinct texts; below this, starting worker processes costs more than it saves
SCORED_CHARS = 5_000  # a text's first characters decide its score: the lexicons' cost grows with length squared


@cache
def measured() -> dict:
    """The fitted bands and held-out figures of the shipped scorers ({} when the file is missing)."""
    try:
        return json.loads(MEASURED.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}


def band_of(polarity: float, bands: tuple[float, float]) -> str:
    negative_below, positive_above = bands
    return "negative" if polarity < negative_below else "positive" if polarity > positive_above else "neutral"


@dataclass(frozen=True)
class Scorer:
    """A named sentiment scorer: how it scores a batch of English texts, and what it was measured to be worth."""

    name: str
    description: str
    kind: str  # "lexicon" or "learned"
    score_batch: Callable[[Sequence[str]], Scored] = field(repr=False)

    @property
    def figures(self) -> dict:
        """Bands (lexicons) and held-out figures from the calibration file; {} when never measured."""
        return measured().get("scorers", {}).get(self.name, {})

    @property
    def bands(self) -> tuple[float, float] | None:
        stored = self.figures.get("bands")
        return (float(stored[0]), float(stored[1])) if stored else None


def _lexicon(polarity_of: Callable[[str], tuple[float, float]], name: str) -> Callable[[Sequence[str]], Scored]:
    def score_batch(texts: Sequence[str]) -> Scored:
        pairs = [polarity_of(text) for text in texts]
        bands = SCORERS[name].bands or FIXED_BANDS
        return [p for p, _ in pairs], [s for _, s in pairs], [band_of(p, bands) for p, _ in pairs]
    return score_batch


def _vader(text: str) -> tuple[float, float]:
    return lexicons.vader(text)["compound"], math.nan


def _ensemble(text: str) -> tuple[float, float]:
    polarity, subjectivity = lexicons.textblob(text)
    return (polarity + _vader(text)[0]) / 2, subjectivity


def learned(model: TextModel) -> Callable[[Sequence[str]], Scored]:
    def score_batch(texts: Sequence[str]) -> Scored:
        polarity, bands = model.score(texts)
        return polarity.tolist(), [math.nan] * len(texts), bands
    return score_batch


@cache
def general_model() -> TextModel:
    return TextModel.from_bytes(GENERAL_MODEL.read_bytes())


def _general(texts: Sequence[str]) -> Scored:
    return learned(general_model())(texts)


SCORERS: dict[str, Scorer] = {
    s.name: s
    for s in (
        Scorer("textblob", "TextBlob pattern lexicon: polarity and subjectivity.", "lexicon",
               _lexicon(lexicons.textblob, "textblob")),
        Scorer("vader", "VADER compound score: tuned to short, informal text; no subjectivity.", "lexicon",
               _lexicon(_vader, "vader")),
        Scorer("ensemble", "Mean of TextBlob polarity and VADER compound; TextBlob subjectivity.", "lexicon",
               _lexicon(_ensemble, "ensemble")),
        Scorer("general", "Learned from 16,500 human-rated sentences (reviews, tweets, editorials): word and "
               "letter patterns plus the lexicon scores.", "learned", _general),
    )
}
DEFAULT_SCORER = "general"
COMPANY = "company"  # the learned scorer adapted to the company's own rated comments (data_access.sentiment_models)


def scorer(name: str) -> Scorer:
    """Look a scorer up, naming the valid ones when the name is wrong."""
    try:
        return SCORERS[name]
    except KeyError:
        raise ValueError(f"Unknown sentiment scorer {name!r}; choose one of: {', '.join(SCORERS)}") from None


def _score_batch(args: tuple[str, Sequence[str]]) -> Scored:
    name, texts = args
    return SCORERS[name].score_batch(texts)


def _batches(texts: Sequence[str], size: int) -> Iterable[Sequence[str]]:
    for start in range(0, len(texts), size):
        yield texts[start:start + size]


@contextmanager
def _workers_skip_main_module() -> Iterator[None]:
    """Spawned workers re-run the parent's __main__ file; under Streamlit (or AppTest) that is a page script.

    The workers only need this module, so while they start __main__ is a bare module with no file.
    """
    main = sys.modules["__main__"]
    sys.modules["__main__"] = types.ModuleType("__main__")
    try:
        yield
    finally:
        sys.modules["__main__"] = main


def _score_unique(chosen: Scorer, unique: list[str], progress: Progress | None, workers: int | None,
                  batch: int) -> Scored:
    total = len(unique)
    shipped = SCORERS.get(chosen.name) is chosen  # only registered scorers can be rebuilt in a worker
    workers = workers or (multiprocessing.cpu_count() if total >= PARALLEL_FROM and shipped else 1)
    size = batch if workers == 1 else max(batch, math.ceil(total / (workers * 8)))
    jobs = list(_batches(unique, size))
    scored: Scored = ([], [], [])

    def collect(part: Scored) -> None:
        for whole, piece in zip(scored, part, strict=True):
            whole.extend(piece)  # type: ignore[attr-defined]
        if progress:
            progress(len(scored[0]), total)

    if workers > 1 and len(jobs) > 1 and shipped:
        with ProcessPoolExecutor(workers, mp_context=multiprocessing.get_context("spawn")) as pool:
            with _workers_skip_main_module():
                results = pool.map(_score_batch, [(chosen.name, job) for job in jobs])  # every worker starts here
            for part in results:
                collect(part)
    else:
        for job in jobs:
            collect(chosen.score_batch(job))
    return scored


def score_texts(texts: pd.Series, scorer_name: str | Scorer = DEFAULT_SCORER, progress: Progress | None = None,
                workers: int | None = None, batch: int = BATCH) -> pd.DataFrame:
    """Polarity, subjectivity and band for each text: NaN and no band where there is no text, NaN and
    NOT_SCORED where the text is not English. Each distinct text is scored once; large sets are spread over
    the cores in worker processes."""
    chosen = scorer_name if isinstance(scorer_name, Scorer) else scorer(scorer_name)
    present = texts.dropna().astype(str).str.strip()
    present = present[present != ""].str.slice(0, SCORED_CHARS)
    unique = list(dict.fromkeys(present.tolist()))
    english = [text for text, ok in zip(unique, english_mask(unique), strict=True) if ok]
    polarity, subjectivity, bands = _score_unique(chosen, english, progress, workers, batch)
    if progress and not english:
        progress(0, 0)
    lookup = dict(zip(english, zip(polarity, subjectivity, bands, strict=True), strict=True))
    unscored = (math.nan, math.nan, NOT_SCORED)
    result = pd.DataFrame({"sentiment": np.nan, "subjectivity": np.nan, "band": pd.Series(None, dtype="object")},
                          index=texts.index)
    if unique:
        rows = [lookup.get(text, unscored) for text in present]
        result.loc[present.index, "sentiment"] = [r[0] for r in rows]
        result.loc[present.index, "subjectivity"] = [r[1] for r in rows]
        result.loc[present.index, "band"] = [r[2] for r in rows]
    return result
