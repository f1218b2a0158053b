"""The "what changed" brief: a few ranked, plain-text statements, each backed by its numbers and a link.

Many comparisons are tested at once (KPIs × touchpoints × tiers), so a change is called only where the
Benjamini-Hochberg procedure rejects it across every comparison tested, never on its own p < 0.05.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import pandas as pd

from analytics.metrics import Metric
from analytics.settings import ALPHA, FOLLOWUP_DAYS, MIN_N
from analytics.significance import Z95, Difference, z_test

if TYPE_CHECKING:  # kpis may import this module (movers with the same correction): no cycle at run time
    from analytics.kpis import KpiValue

Link = dict[str, Any]  # the page and its query parameters, passed through untouched


@dataclass(frozen=True)
class Comparison:
    """One metric of one subject ("" for the whole business) now and before, with its tested difference."""

    subject: str
    metric: Metric  # usually a METRICS entry; the brief may test measures the cards do not show
    now: float
    before: float
    difference: Difference
    n: int  # answers (or customers) behind it: the smaller period where both are known
    link: Link = field(default_factory=dict)
    low_n: bool = False  # a small sample: never tested, ranked nor called a change
    spend_gap: float | None = None  # how much less its detractors spend than its promoters after answering, in %


@dataclass(frozen=True)
class Statement:
    """One called change as a sentence, with the comparison behind it, its rank score and better/worse."""

    text: str
    comparison: Comparison
    score: float
    direction: str  # "better", "worse" or "neither" (the metric's higher_is_better)

    @property
    def link(self) -> Link:
        return self.comparison.link


@dataclass(frozen=True)
class Brief:
    """The ranked statements, how many comparisons were tested and called, and the rule to state on the page."""

    statements: list[Statement]
    tested: int  # finite p-value and not a small sample: the m of Benjamini-Hochberg
    called: int  # changes found (may exceed the statements shown)
    untested: int  # small samples or no p-value
    rule: str
    q: float = ALPHA

    @property
    def stable(self) -> int:
        """Comparisons tested and not called a change (within noise)."""
        return self.tested - self.called

    @property
    def lines(self) -> list[str]:
        """The statements' texts, or the one line saying nothing moved beyond noise."""
        if self.statements:
            return [statement.text for statement in self.statements]
        if not self.tested:
            return ["No change to report: no comparison had enough answers in both periods to test."]
        return [f"No change beyond noise: {self.tested:,} comparison{'s' * (self.tested != 1)} tested, none "
                f"significant after controlling the false discovery rate (Benjamini-Hochberg, q = {self.q:g})."]


def benjamini_hochberg(p_values: Sequence[float], q: float = ALPHA) -> list[bool]:
    """Step-up BH: reject the k smallest p where k is the largest with p_(k) ≤ k/m·q; NaN is untested (not in m)."""
    tested = sorted((p, i) for i, p in enumerate(p_values) if not math.isnan(p))
    m = len(tested)
    k = max((rank for rank, (p, _) in enumerate(tested, 1) if p <= rank / m * q), default=0)
    rejected = [False] * len(p_values)
    for _, i in tested[:k]:
        rejected[i] = True
    return rejected


def from_kpis(kpis: Iterable[KpiValue], link: Link) -> list[Comparison]:
    """KPI cards as whole-business comparisons; complete counts (change None) have nothing tested and are skipped.

    KpiValue carries this period's n only, so n is that; low_n when n is under the metric's minimum or the test
    itself refused a small sample (p < ALPHA yet not significant).
    """
    out = []
    for kpi in kpis:
        if kpi.change is None:
            continue
        change, n = kpi.change, kpi.n or 0
        refused = change.p_value < ALPHA and not change.significant
        out.append(Comparison("", kpi.spec, kpi.value, kpi.previous, change, n, dict(link),
                              n < (kpi.spec.min_n or MIN_N) or refused))
    return out


def _difference(delta: float, margin: float, low_n: bool) -> Difference:
    """changes() gives delta and its 95% margin only: SE = margin / 1.96, so z and p are as the test had them."""
    return z_test(float(delta), float(margin) / Z95, low_n)


def _known(value: Any) -> float | None:
    """A spend gap from a frame cell: None where the column is missing or the gap unknown (NaN)."""
    return None if value is None or pd.isna(value) else float(value)


def from_changes(frame: pd.DataFrame, key_column: str, metric: Metric,
                 link_for: Callable[[str], Link]) -> list[Comparison]:
    """The per-group rows of analytics.kpis.changes() as comparisons (p-values recomputed from delta and margin),
    with each group's spend gap where the frame has a spend_gap column."""
    return [Comparison(str(row[key_column]), metric, float(row["value"]), float(row["previous"]),
                       _difference(row["delta"], row["margin"], bool(row["low_n"])),
                       int(min(row["n"], row["previous_n"])), link_for(str(row[key_column])), bool(row["low_n"]),
                       _known(row.get("spend_gap")))
            for _, row in frame.iterrows()]


def significant_after_fdr(frame: pd.DataFrame, q: float = ALPHA) -> pd.Series:
    """BH verdicts for a whole changes() frame (every group compared, not only the top movers), aligned to its index;
    small samples are untested and never significant."""
    rows = zip(frame["delta"], frame["margin"], frame["low_n"].astype(bool), strict=True)
    p_values = [math.nan if low else _difference(delta, margin, False).p_value for delta, margin, low in rows]
    return pd.Series(benjamini_hochberg(p_values, q), index=frame.index, dtype=bool)


def _number(template: str, value: float) -> str:
    return template.format(value).replace("-", "−")


def _change(metric: Metric, difference: Difference) -> str:
    """'−29 ± 9 pts': the registry's change format with the margin put before its unit."""
    number, unit = metric.change_format.rsplit("}", 1)
    return f"{_number(number + '}', difference.delta)} ± {_number(metric.margin_format, difference.margin)}{unit}"


def _direction(metric: Metric, delta: float) -> str:
    if metric.higher_is_better is None:
        return "neither"
    return "better" if (delta > 0) == metric.higher_is_better else "worse"


def _worth(spend_gap: float | None) -> str:
    """'; detractors there spend 46% less in the next FOLLOWUP_DAYS days', or nothing when the gap is unknown."""
    if spend_gap is None:
        return ""
    size = f"{abs(spend_gap):.0f}"
    how = "about as much as promoters" if size == "0" else f"{size}% {'less' if spend_gap > 0 else 'more'}"
    return f"; detractors there spend {how} in the next {FOLLOWUP_DAYS} days"


def sentence(comparison: Comparison) -> str:
    """'Home delivery NPS fell from +31 to +2 (−29 ± 9 pts) — 612 answers; detractors there spend 46% less in the
    next FOLLOWUP_DAYS days.' Plain text; the subject as given; the spend clause where the gap is known."""
    metric = comparison.metric
    name = metric.name or metric.label
    head = f"{comparison.subject} {name}" if comparison.subject else name[:1].upper() + name[1:]
    verb = "rose" if comparison.difference.delta > 0 else "fell"
    counted = {"survey": "answer", "loyalty": "customer", "service": "ticket"}[metric.source]
    return (f"{head} {verb} from {_number(metric.number_format, comparison.before)} to "
            f"{_number(metric.number_format, comparison.now)} ({_change(metric, comparison.difference)}) — "
            f"{comparison.n:,} {counted}{'s' * (comparison.n != 1)}{_worth(comparison.spend_gap)}.")


def gather(kpis: Iterable[KpiValue], groups: Iterable[tuple[pd.DataFrame, str, Metric, Callable[[str], Link]]],
           kpi_link: Callable[[Metric], Link]) -> list[Comparison]:
    """Everything a brief ranks: the KPI cards, and each (changes() frame, key column, metric, link) group set."""
    found = [c for kpi in kpis for c in from_kpis([kpi], kpi_link(kpi.spec))]
    for frame, key_column, metric, link_for in groups:
        found += from_changes(frame, key_column, metric, link_for)
    return found


def rule(q: float = ALPHA) -> str:
    """The ranking and the false-discovery rule, as the page states them."""
    return (f"A change is called only where the Benjamini-Hochberg procedure keeps the false discovery rate at "
            f"q = {q:g} across all comparisons tested (groups under {MIN_N} answers are not tested). Changes are "
            "ranked by |z| × √(n / largest n among them): the change over its standard error, weighted by the "
            "answers (or customers, or tickets) behind it.")


def brief(comparisons: Sequence[Comparison], limit: int = 6, q: float = ALPHA) -> Brief:
    """The called changes, largest score first (ties: subject, then metric key), at most limit of them."""
    p_values = [math.nan if c.low_n else c.difference.p_value for c in comparisons]
    called = [c for c, rejected in zip(comparisons, benjamini_hochberg(p_values, q), strict=True) if rejected]
    largest = max((c.n for c in called), default=1) or 1
    scored = sorted(((abs(c.difference.z) * math.sqrt(c.n / largest), c) for c in called),
                    key=lambda pair: (-pair[0], pair[1].subject, pair[1].metric.key))
    statements = [Statement(sentence(c), c, score, _direction(c.metric, c.difference.delta))
                  for score, c in scored[:limit]]
    tested = sum(not math.isnan(p) for p in p_values)
    return Brief(statements, tested, len(called), len(comparisons) - tested, rule(q), q)
