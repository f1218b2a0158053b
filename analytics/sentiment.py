"""Sentiment scorers, chosen from a registry, run once per distinct text at import.

Measured on the VADER paper's 3,708 human-rated Amazon review snippets (Pearson r with the mean
human rating): TextBlob 0.51, VADER 0.59, ensemble 0.63 (see bench/ for the re-measurement).
"""

from __future__ import annotations

import math
import multiprocessing
import sys
import types
from collections.abc import Callable, Iterable, Iterator, Sequence
from concurrent.futures import ProcessPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass
from functools import cache
from typing import Any

import pandas as pd

Score = tuple[float, float | None]  # (polarity -1..1, subjectivity 0..1 or None)
Progress = Callable[[int, int], None]

BATCH = 2_000
PARALLEL_FROM = 40_000  # distinct texts; below this, starting worker processes costs more than it saves


@cache
def _textblob() -> Any:  # textblob ships no types
    from textblob.en.sentiments import PatternAnalyzer  # the lexicon ships in the package: no NLTK data
    return PatternAnalyzer()


@cache
def _vader() -> Any:  # nor does vaderSentiment
    from vaderSentiment.vaderSentiment import SentimentIntensityAnalyzer
    return SentimentIntensityAnalyzer()


def _score_textblob(text: str) -> Score:
    result = _textblob().analyze(text)
    return float(result.polarity), float(result.subjectivity)


def _score_vader(text: str) -> Score:
    return float(_vader().polarity_scores(text)["compound"]), None


def _score_ensemble(text: str) -> Score:
    polarity, subjectivity = _score_textblob(text)
    return (polarity + _score_vader(text)[0]) / 2, subjectivity


@dataclass(frozen=True)
class Scorer:
    """A named sentiment scorer and what it was measured to be worth."""

    name: str
    score: Callable[[str], Score]
    description: str


SCORERS: dict[str, Scorer] = {
    s.name: s
    for s in (
        Scorer("textblob", _score_textblob, "TextBlob pattern lexicon: polarity and subjectivity (default)."),
        Scorer("vader", _score_vader, "VADER compound score: tuned to short, informal text; no subjectivity."),
        Scorer("ensemble", _score_ensemble, "Mean of TextBlob polarity and VADER compound; TextBlob subjectivity."),
    )
}


def scorer(name: str) -> Scorer:
    """Look a scorer up, naming the valid ones when the name is wrong."""
    try:
        return SCORERS[name]
    except KeyError:
        raise ValueError(f"Unknown sentiment scorer {name!r}; choose one of: {', '.join(SCORERS)}") from None


def _score_batch(args: tuple[str, Sequence[str]]) -> list[Score]:
    name, texts = args
    score = SCORERS[name].score
    return [score(text) for text in texts]


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


def score_texts(texts: pd.Series, scorer_name: str = "textblob", progress: Progress | None = None,
                workers: int | None = None, batch: int = BATCH) -> pd.DataFrame:
    """Polarity and subjectivity for each text (NaN where there is no text).

    Each distinct text is scored once; large sets are spread over the cores in worker processes.
    """
    chosen = scorer(scorer_name)
    present = texts.dropna().astype(str).str.strip()
    present = present[present != ""]
    unique = list(dict.fromkeys(present.tolist()))
    total = len(unique)
    workers = workers or (multiprocessing.cpu_count() if total >= PARALLEL_FROM else 1)
    size = batch if workers == 1 else max(batch, math.ceil(total / (workers * 8)))
    jobs = [(chosen.name, batch) for batch in _batches(unique, size)]
    scores: list[Score] = []

    def collect(batch_scores: list[Score]) -> None:
        scores.extend(batch_scores)
        if progress:
            progress(len(scores), total)

    if workers > 1 and len(jobs) > 1:
        with ProcessPoolExecutor(workers, mp_context=multiprocessing.get_context("spawn")) as pool:
            with _workers_skip_main_module():
                results = pool.map(_score_batch, jobs)  # submits every job, so every worker starts here
            for batch_scores in results:
                collect(batch_scores)
    else:
        for job in jobs:
            collect(_score_batch(job))
    if progress and not jobs:
        progress(0, 0)
    lookup = dict(zip(unique, scores, strict=True))
    result = pd.DataFrame({"sentiment": float("nan"), "subjectivity": float("nan")}, index=texts.index)
    if total:
        pairs = present.map(lookup)
        result.loc[pairs.index, "sentiment"] = [p for p, _ in pairs]
        result.loc[pairs.index, "subjectivity"] = [float("nan") if s is None else s for _, s in pairs]
    return result
