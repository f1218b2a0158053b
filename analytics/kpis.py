"""The headline KPIs (chosen from the metric registry) and the comparisons of a metric between periods or groups."""

from __future__ import annotations

import math
from collections.abc import Collection
from dataclasses import dataclass

import pandas as pd

from analytics import survey
from analytics.metrics import METRICS, SURVEY_METRICS, Metric
from analytics.significance import Difference

KPIS: tuple[Metric, ...] = tuple(METRICS[key] for key in (
    "nps", "csat", "ces", "sentiment", "active_customers", "revenue", "repeat_rate", "redemption_rate"))


@dataclass(frozen=True)
class KpiValue:
    """One KPI now and in the comparison period, with the tested change."""

    spec: Metric
    value: float
    previous: float
    change: Difference | None
    n: int | None
    margin: float | None  # a sampled metric's own 95% margin of error

    @property
    def delta(self) -> float:
        return self.value - self.previous

    @property
    def shown(self) -> str:
        """The value as cards and reports show it, with its own margin where it is sampled."""
        if math.isnan(self.value):
            return "–"
        text = self.spec.number_format.format(self.value)
        return text + (" ± " + self.spec.margin_format.format(self.margin) if self.margin is not None else "")

    @property
    def verdict(self) -> str:
        """Whether the change is more than noise, in the words the card and the report use."""
        if math.isnan(self.previous):
            return "no data to compare with"
        if self.change is None:
            return "complete count"
        if math.isnan(self.change.delta):
            return "too few answers"
        return "significant" if self.change.significant else "within noise"


def compare(current: dict[str, pd.Series], previous: dict[str, pd.Series] | None,
            present: Collection[str] = tuple(METRICS)) -> list[KpiValue]:
    """Every headline KPI for the current and the comparison period, but survey metrics the data lacks.

    current/previous map "survey" to a summarised survey row and "loyalty" to an overall loyalty row;
    previous is None when the comparison period lies outside the data, so no change is claimed.
    """
    values = []
    for spec in KPIS:
        if spec.key in SURVEY_METRICS and spec.key not in present:
            continue
        now = current[spec.source]
        before = previous[spec.source] if previous else pd.Series({spec.key: float("nan")})
        change = spec.test(now, before) if spec.test and previous else None
        margin = float(now.get(spec.margin_column, float("nan")))
        n = int(now[spec.n_column]) if spec.n_column and not pd.isna(now[spec.n_column]) else None
        values.append(KpiValue(spec, float(now[spec.key]), float(before[spec.key]), change, n,
                               None if math.isnan(margin) else margin))
    return values


CHANGE_COLUMNS = ["value", "value_margin", "n", "previous", "previous_margin", "previous_n", "delta", "margin",
                  "significant", "low_n"]


def changes(current: pd.DataFrame, previous: pd.DataFrame, key: str, metric: str = "nps") -> pd.DataFrame:
    """A survey metric per group in two periods (or two populations), the change, its margin and whether it is real.

    Both frames are survey counts per key; groups missing on one side are left out, and groups with a small
    sample on either side are flagged low_n (never called significant).
    """
    shown = METRICS[metric]
    test = shown.test
    if test is None:
        raise ValueError(f"{metric} is a complete count: there is no change to test")
    now, before = (survey.summarise(frame, metric=metric).set_index(key) for frame in (current, previous))
    rows = []
    for group in now.index.intersection(before.index, sort=False):
        a, b = now.loc[group], before.loc[group]
        change = test(a, b)
        rows.append({key: group, "value": a[shown.key], "value_margin": a[shown.margin_column],
                     "n": int(a[shown.n_column]), "previous": b[shown.key], "previous_margin": b[shown.margin_column],
                     "previous_n": int(b[shown.n_column]), "delta": change.delta, "margin": change.margin,
                     "significant": change.significant, "low_n": bool(a["low_n"] or b["low_n"])})
    return pd.DataFrame(rows, columns=[key, *CHANGE_COLUMNS])


def movers(current: pd.DataFrame, previous: pd.DataFrame, key: str, metric: str = "nps", top: int = 3) -> pd.DataFrame:
    """The groups whose metric moved most, among those with enough answers in both; largest change first.

    "significant" is the Benjamini-Hochberg verdict across every group compared (as in the brief), not each
    group's own p < 0.05: with 15 touchpoints, one would be called a change by chance every other month.
    """
    return top_movers(changes(current, previous, key, metric), top)


def top_movers(moved: pd.DataFrame, top: int = 3) -> pd.DataFrame:
    """movers() from changes() already computed (the Overview's brief uses the same frame)."""
    from analytics.brief import significant_after_fdr  # brief imports this module's types

    moved = moved.assign(significant=significant_after_fdr(moved))
    moved = moved.loc[~moved["low_n"].astype(bool)]
    return moved.reindex(moved["delta"].abs().sort_values(ascending=False).index).head(top).reset_index(drop=True)
