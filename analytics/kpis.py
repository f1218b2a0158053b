"""The headline KPIs: a registry of what each means and how its change is tested, and the comparisons."""

from __future__ import annotations

import math
from collections.abc import Callable, Collection
from dataclasses import dataclass

import pandas as pd

from analytics import loyalty, survey
from analytics.metrics import METRICS
from analytics.nps import difference, nps
from analytics.significance import Difference, mean_difference, proportion_difference

Test = Callable[[pd.Series, pd.Series], Difference]


def _nps_test(a: pd.Series, b: pd.Series) -> Difference:
    return difference(*(nps(int(s.promoters), int(s.passives), int(s.detractors)) for s in (a, b)))


def _share_test(hits: str, n: str) -> Test:
    return lambda a, b: proportion_difference(int(a[hits]), int(a[n]), int(b[hits]), int(b[n]))


def _mean_test(total: str, squares: str, n: str) -> Test:
    return lambda a, b: mean_difference(a[total], a[squares], int(a[n]), b[total], b[squares], int(b[n]))


@dataclass(frozen=True)
class KpiSpec:
    """A headline KPI: where it comes from, how it reads, and how a change in it is tested."""

    key: str
    label: str
    source: str  # "survey" or "loyalty"
    number_format: str
    definition: str
    test: Test | None = None  # None: a complete count, not a sample, so there is nothing to test
    n_column: str | None = None


KPIS: tuple[KpiSpec, ...] = (
    KpiSpec("nps", "NPS", "survey", "{:+.0f}", survey.DEFINITIONS["nps"], _nps_test, "nps_n"),
    KpiSpec("csat", "CSAT", "survey", "{:.0f}%", survey.DEFINITIONS["csat"], _share_test("csat_top2", "csat_n"),
            "csat_n"),
    KpiSpec("ces", "Effort (CES)", "survey", "{:.2f}", survey.DEFINITIONS["ces"],
            _mean_test("ces_sum", "ces_squares", "ces_n"), "ces_n"),
    KpiSpec("sentiment", "Sentiment", "survey", "{:+.2f}", survey.DEFINITIONS["sentiment"],
            _mean_test("sentiment_sum", "sentiment_squares", "sentiment_n"), "sentiment_n"),
    KpiSpec("active_customers", "Active customers", "loyalty", "{:,.0f}", loyalty.DEFINITIONS["active_customers"]),
    KpiSpec("revenue", "Revenue", "loyalty", "{:,.0f}", loyalty.DEFINITIONS["revenue"]),
    KpiSpec("repeat_rate", "Repeat-purchase rate", "loyalty", "{:.1f}%", loyalty.DEFINITIONS["repeat_rate"],
            _share_test("repeat_buyers", "active_customers"), "active_customers"),
    KpiSpec("redemption_rate", "Points redemption", "loyalty", "{:.1f}%", loyalty.DEFINITIONS["redemption_rate"]),
)


@dataclass(frozen=True)
class KpiValue:
    """One KPI now and in the comparison period, with the tested change."""

    spec: KpiSpec
    value: float
    previous: float
    change: Difference | None
    n: int | None
    margin: float | None  # NPS only: its own 95% margin of error

    @property
    def delta(self) -> float:
        return self.value - self.previous


def compare(current: dict[str, pd.Series], previous: dict[str, pd.Series] | None,
            present: Collection[str] = tuple(METRICS)) -> list[KpiValue]:
    """Every headline KPI for the current and the comparison period, but survey metrics the data lacks.

    current/previous map "survey" to a summarised survey row and "loyalty" to an overall loyalty row;
    previous is None when the comparison period lies outside the data, so no change is claimed.
    """
    values = []
    for spec in KPIS:
        if spec.key in METRICS and spec.key not in present:
            continue
        now = current[spec.source]
        before = previous[spec.source] if previous else pd.Series({spec.key: float("nan")})
        change = spec.test(now, before) if spec.test and previous else None
        margin = float(now["nps_margin"]) if spec.key == "nps" else None
        n = int(now[spec.n_column]) if spec.n_column and not pd.isna(now[spec.n_column]) else None
        values.append(KpiValue(spec, float(now[spec.key]), float(before[spec.key]), change, n,
                               None if margin is None or math.isnan(margin) else margin))
    return values


CHANGE_COLUMNS = ["value", "value_margin", "n", "previous", "previous_margin", "previous_n", "delta", "margin",
                  "significant", "low_n"]


def changes(current: pd.DataFrame, previous: pd.DataFrame, key: str, metric: str = "nps") -> pd.DataFrame:
    """A survey metric per group in two periods (or two populations), the change, its margin and whether it is real.

    Both frames are survey counts per key; groups missing on one side are left out, and groups with a small
    sample on either side are flagged low_n (never called significant).
    """
    test, shown = next(spec.test for spec in KPIS if spec.key == metric), METRICS[metric]
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
    """The groups whose metric moved most, among those with enough answers in both; largest change first."""
    moved = changes(current, previous, key, metric)
    moved = moved.loc[~moved["low_n"].astype(bool)]
    return moved.reindex(moved["delta"].abs().sort_values(ascending=False).index).head(top).reset_index(drop=True)
