"""The Overview's numbers in one place, so the page and the reports show the same KPIs, brief, movers and tiers.

The reads come in as two functions (survey counts and loyalty sums per tier, each taking Filters and grouping
columns): the page passes its cached reads, a report the same reads on its own connection. No SQL here.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass

import pandas as pd

from analytics import loyalty
from analytics.brief import Brief, Comparison, Link, brief, gather
from analytics.kpis import KpiValue, changes, compare, top_movers
from analytics.metrics import METRICS, Metric
from analytics.service import service_levels
from analytics.settings import MIN_N
from analytics.survey import summarise
from data_access.filters import Filters

SurveyCounts = Callable[..., pd.DataFrame]  # (filters, by=(...)) -> survey counts
LoyaltyByTier = Callable[[Filters], pd.DataFrame]
ServiceLevels = Callable[[Filters], pd.DataFrame]  # service levels over all tickets (one row)
NO_LINKS: dict[str, Callable] = {"kpi": lambda _: {}, "touchpoint": lambda _: {}, "tier": lambda _: {}}
SERVICE_SPEED = METRICS["slow_share"]


@dataclass(frozen=True)
class Overview:
    kpis: list[KpiValue]
    brief: Brief | None  # None without a comparison period in the data
    movers: pd.DataFrame
    tiers: pd.DataFrame  # the headline metric per tier, summarised


def _service_speed(levels: ServiceLevels, filters: Filters, comparison: Filters, link: Link) -> list[Comparison]:
    """The share of slow tickets now and before, tested as a share of resolved tickets."""
    now, before = (service_levels(levels(f)).iloc[0] for f in (filters, comparison))
    change = SERVICE_SPEED.test(now, before) if SERVICE_SPEED.test else None
    if change is None or math.isnan(change.p_value):
        return []
    n = int(min(now["resolved"], before["resolved"]))
    return [Comparison("", SERVICE_SPEED.key, float(now["slow_share"]), float(before["slow_share"]), change, n, link,
                       n < MIN_N)]


def overview(counts: SurveyCounts, by_tier: LoyaltyByTier, filters: Filters, comparison: Filters | None,
             metric: Metric, present: tuple[str, ...], links: dict[str, Callable[..., Link]] = NO_LINKS,
             service: ServiceLevels | None = None) -> Overview:
    """KPIs with their tested changes, the brief over KPIs × touchpoints × tiers × service speed, movers, tiers."""
    now = {"survey": summarise(counts(filters)).iloc[0], "loyalty": loyalty.overall(by_tier(filters))}
    before = {"survey": summarise(counts(comparison)).iloc[0], "loyalty": loyalty.overall(by_tier(comparison))} \
        if comparison else None
    kpis = compare(now, before, present)
    tiers_now = counts(filters, by=("tier",))
    touchpoints_now = counts(filters, by=("touchpoint",))
    if comparison is None:
        empty = changes(touchpoints_now.iloc[0:0], touchpoints_now.iloc[0:0], "touchpoint", metric.key)
        return Overview(kpis, None, empty, summarise(tiers_now, metric=metric.key))
    touchpoints = changes(touchpoints_now, counts(comparison, by=("touchpoint",)), "touchpoint", metric.key)
    speed = _service_speed(service, filters, comparison, links["kpi"](SERVICE_SPEED)) if service else []
    found = brief(speed + gather(kpis, [
        (touchpoints, "touchpoint", metric.key, links["touchpoint"]),
        (changes(tiers_now, counts(comparison, by=("tier",)), "tier", metric.key), "tier", metric.key,
         links["tier"])], links["kpi"]))
    return Overview(kpis, found, top_movers(touchpoints),
                    summarise(tiers_now, metric=metric.key))
