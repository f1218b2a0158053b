"""The survey metrics a page can show: which of them the data holds, which to show first, and what to say of the rest.

Real surveys often ask only some questions (a CSAT-only survey has no NPS), so pages show what the data has
instead of empty NPS charts.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
from dataclasses import dataclass


@dataclass(frozen=True)
class Metric:
    """A survey metric as charts show it: its columns in a summarised frame, its words, formats and scale."""

    key: str  # the value column; its margin of error is in f"{key}_margin"
    label: str  # on axes and in tables
    name: str  # inside a sentence
    answers: str  # what the data lacks when it lacks this metric
    n_column: str
    number_format: str
    margin_format: str
    change_format: str
    bounds: tuple[float, float]  # the ends of the scale

    @property
    def margin_column(self) -> str:
        return f"{self.key}_margin"


METRICS: dict[str, Metric] = {metric.key: metric for metric in (
    Metric("nps", "NPS", "NPS", "NPS answers", "nps_n", "{:+.0f}", "{:.0f}", "{:+.0f} pts", (-100, 100)),
    Metric("csat", "CSAT %", "CSAT", "CSAT answers", "csat_n", "{:.0f}%", "{:.0f}", "{:+.0f} pts", (0, 100)),
    Metric("ces", "Effort (CES)", "effort (CES)", "effort (CES) answers", "ces_n", "{:.2f}", "{:.2f}", "{:+.2f}",
           (1, 7)),
    Metric("sentiment", "Sentiment", "sentiment", "comments to score sentiment from", "sentiment_n", "{:+.2f}",
           "{:.2f}", "{:+.2f}", (-1, 1)),
)}
HEADLINE = ("nps", "csat", "sentiment")  # a page shows the first of these the data holds


def metrics_present(totals: Mapping[str, float]) -> tuple[str, ...]:
    """The metrics with at least one answer in survey totals (a summarised row), in registry order."""
    return tuple(key for key, metric in METRICS.items() if (totals.get(metric.n_column) or 0) > 0)


def headline(present: Collection[str]) -> str:
    """NPS, else CSAT, else sentiment: the first the data holds (NPS when it holds none, so empty states say so)."""
    return next((key for key in HEADLINE if key in present), HEADLINE[0])


def with_sentiment(shown: str) -> tuple[Metric, ...]:
    """The metric shown and comment sentiment beside it, each once (sentiment may be the metric shown)."""
    return tuple(METRICS[key] for key in dict.fromkeys((shown, "sentiment")))


def missing_note(present: Collection[str], shown: str) -> str | None:
    """One line naming the metrics the data lacks, so an absent metric is not taken for a fault; None if none."""
    missing = [metric for key, metric in METRICS.items() if key not in present]
    if not missing:
        return None
    first, *rest = missing
    note = f"This data has no {first.answers}" + (f": showing {METRICS[shown].name}" if shown != HEADLINE[0] else "")
    return note + "." + (f" Also missing: {', '.join(metric.name for metric in rest)}." if rest else "")


def empty_message(metric: str, present: Collection[str]) -> str:
    """Why a chart of one metric is empty: the data lacks the metric, or the filters leave none of its answers."""
    if metric not in present:
        return f"This data has no {METRICS[metric].answers}."
    return f"No {METRICS[metric].name} answers for these filters. Widen the period or clear a filter."
