"""The Overview's numbers in one place, so the page and the reports show the same KPIs, brief, movers and tiers.

The reads come in as functions (survey counts, loyalty sums per tier, service levels, spend after each NPS group;
each taking Filters): the page passes its cached reads, a report the same reads on its own connection. No SQL here.
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
Outcomes = Callable[[Filters], pd.DataFrame]  # responses and spend after them per touchpoint and NPS group
NO_LINKS: dict[str, Callable] = {"kpi": lambda _: {}, "touchpoint": lambda _: {}, "tier": lambda _: {}}
SERVICE_SPEED = METRICS["slow_share"]
PAGES = {"loyalty": "pages/3_Loyalty.py", "service": "pages/4_Service.py", "survey": "pages/1_Journey_map.py"}


@dataclass(frozen=True)
class Overview:
    kpis: list[KpiValue]
    brief: Brief | None  # None without a comparison period in the data
    movers: pd.DataFrame
    tiers: pd.DataFrame  # the headline metric per tier, summarised


def view_links(params: dict) -> dict[str, Callable[..., Link]]:
    """Where each kind of statement is shown, with the view's query parameters: KPIs on the page of their source,
    a touchpoint on Touchpoints, a tier on the Overview filtered to it (the page and the reports link alike)."""

    def kpi(metric: Metric) -> Link:
        return {"page": PAGES[metric.source], "params": params}

    return {"kpi": kpi, "touchpoint": lambda _: {"page": "pages/2_Touchpoints.py", "params": params},
            "tier": lambda tier: {"page": "app.py", "params": {**params, "tier": [tier]}}}


def _whole_business(metric: Metric, now: pd.Series, before: pd.Series, link: Link) -> list[Comparison]:
    """A tested share of all tickets or buyers now and before; nothing when there is no p-value (no tickets)."""
    change = metric.test(now, before) if metric.test else None
    if change is None or math.isnan(change.p_value) or metric.n_column is None:
        return []
    n = int(min(now[metric.n_column], before[metric.n_column]))
    return [Comparison("", metric, float(now[metric.key]), float(before[metric.key]), change, n, link, n < MIN_N)]


def _with_spend_gap(moved: pd.DataFrame, key: str, outcomes: pd.DataFrame | None) -> pd.DataFrame:
    """changes() rows with their group's spend gap where both NPS groups have enough answers, else NaN."""
    if outcomes is None:
        return moved
    gaps = loyalty.spend_gap(outcomes, key)
    return moved.assign(spend_gap=moved[key].map(gaps.loc[~gaps["low_n"]].set_index(key)["gap_share"]))


def overview(counts: SurveyCounts, by_tier: LoyaltyByTier, filters: Filters, comparison: Filters | None,
             metric: Metric, present: tuple[str, ...], links: dict[str, Callable[..., Link]] = NO_LINKS,
             service: ServiceLevels | None = None, outcomes: Outcomes | None = None) -> Overview:
    """KPIs with their tested changes, the brief over KPIs × touchpoints × tiers × service speed × redemption
    (touchpoints with their detractors' spend gap when outcomes are given), movers, tiers.

    No spend gap per tier: grouping the outcomes by tier joins every answer to its customer, which doubled the
    read's cost at scale 1m (0.14 s → 0.30 s) for the same clause on tier statements."""
    loyalty_now = loyalty.overall(by_tier(filters))
    now = {"survey": summarise(counts(filters)).iloc[0], "loyalty": loyalty_now}
    tiers_now = counts(filters, by=("tier",))
    touchpoints_now = counts(filters, by=("touchpoint",))
    if comparison is None:
        empty = changes(touchpoints_now.iloc[0:0], touchpoints_now.iloc[0:0], "touchpoint", metric.key)
        return Overview(compare(now, None, present), None, empty, summarise(tiers_now, metric=metric.key))
    loyalty_before = loyalty.overall(by_tier(comparison))
    kpis = compare(now, {"survey": summarise(counts(comparison)).iloc[0], "loyalty": loyalty_before}, present)
    touchpoints = changes(touchpoints_now, counts(comparison, by=("touchpoint",)), "touchpoint", metric.key)
    tiers = changes(tiers_now, counts(comparison, by=("tier",)), "tier", metric.key)
    redemption = loyalty.REDEEMING_SHARE
    whole = _whole_business(redemption, loyalty.with_redeeming_share(loyalty_now),
                            loyalty.with_redeeming_share(loyalty_before), links["kpi"](redemption))
    if service:
        service_now, service_before = (service_levels(service(f)).iloc[0] for f in (filters, comparison))
        whole += _whole_business(SERVICE_SPEED, service_now, service_before, links["kpi"](SERVICE_SPEED))
    found = brief(whole + gather(kpis, [
        (_with_spend_gap(touchpoints, "touchpoint", outcomes(filters) if outcomes else None), "touchpoint", metric,
         links["touchpoint"]),
        (tiers, "tier", metric, links["tier"])], links["kpi"]))
    return Overview(kpis, found, top_movers(touchpoints), summarise(tiers_now, metric=metric.key))
