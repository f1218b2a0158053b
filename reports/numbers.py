"""The report's numbers, read once for a period: overall, per touchpoint (with stage), per tier (with loyalty),
loyalty and service; the same dict `cli.py report --format json` prints and every other format renders.

No Streamlit: the CLI, a cron job and the app's download buttons all call it.
"""

from __future__ import annotations

import math
from datetime import date, datetime, time
from functools import partial
from typing import Any

import pandas as pd
from sqlalchemy.engine import Connection, Engine

from analytics import loyalty as loyalty_kpis
from analytics.loyalty import tier_kpis
from analytics.metrics import METRICS, Metric, headline, metrics_present
from analytics.overview import Overview, overview, view_links
from analytics.service import service_levels
from analytics.survey import summarise
from data_access import contracts, reads
from data_access.filters import Filters
from data_access.readers import ImportRejected
from reports.links import report_params

SURVEY_FIELDS = ["nps", "nps_margin", "nps_n", "low_n", "csat", "csat_n", "ces", "ces_n", "sentiment",
                 "sentiment_n", "negative_share", "responses"]
LOYALTY_FIELDS = ["customers", "active_customers", "orders", "returns", "gross_sales", "revenue",
                  "orders_per_customer", "average_order_value", "repeat_rate", "retention", "points_earned",
                  "points_redeemed", "redemption_rate", "breakage"]
OVERALL_LOYALTY = ["customers", "active_customers", "orders", "returns", "gross_sales", "revenue",
                   "average_order_value", "repeat_rate"]
SERVICE_FIELDS = ["tickets", "resolved", "median_first_response_hours", "median_resolution_hours", "csat", "csat_n"]


def _clean(value: Any) -> Any:
    if isinstance(value, float) and math.isnan(value):
        return None
    if isinstance(value, (pd.Timestamp, date)):
        return value.isoformat()
    return value.item() if hasattr(value, "item") else value


def _records(frame: pd.DataFrame, fields: list[str]) -> list[dict]:
    return [{k: _clean(v) for k, v in row.items()} for row in frame[fields].to_dict("records")]


def build_report(engine: Engine, filters: Filters) -> dict:
    """The numbers of the Overview: overall, per touchpoint (with stage) and per tier (with loyalty)."""
    with engine.connect() as conn:
        span = reads.status.data_date_range(conn)
        if span is None:
            raise ImportRejected("report", "the database holds no survey responses or orders yet; "
                                           "run `python cli.py demo` or import your data first.")
        filters = filters.within(*span)
        totals = reads.survey.counts.on(conn, filters)
        shown = headline(metrics_present(summarise(totals).iloc[0]))  # small samples judged on this metric
        overall = summarise(totals, metric=shown)
        touchpoints = summarise(reads.survey.counts.on(conn, filters, by=("stage_order", "stage", "touchpoint")),
                                metric=shown)
        tiers = summarise(reads.survey.counts.on(conn, filters, by=("tier",)), metric=shown)
        loyalty_sums = reads.loyalty.by_tier.on(conn, filters)
        service = service_levels(reads.service.service_levels.on(conn, filters, by=None)).to_dict("records")[0]
        scorers = reads.status.sentiment_scorers(conn)
    loyalty = tier_kpis(loyalty_sums)
    everyone = loyalty_kpis.overall(loyalty_sums)
    by_tier = tiers[["tier", *SURVEY_FIELDS]].merge(loyalty[["tier", *LOYALTY_FIELDS]], on="tier", how="outer")
    order = {t: i for i, t in enumerate(contracts.TIERS)}
    by_tier = by_tier.sort_values("tier", key=lambda s: s.map(order).fillna(len(order)))
    for frame in (overall, touchpoints, by_tier):
        frame["n"] = frame["nps_n"].fillna(0).astype(int)
    start, end = filters.period
    return {
        "period": {"from": start.isoformat(), "to": end.isoformat(),
                   "tiers": list(filters.tiers)},
        "sentiment_scorer": ", ".join(scorers) or None,
        "headline_metric": shown,
        "overall": _records(overall, ["n", *SURVEY_FIELDS])[0],
        "by_touchpoint": _records(touchpoints, ["stage_order", "stage", "touchpoint", "n", *SURVEY_FIELDS]),
        "by_tier": _records(by_tier, ["tier", "n", *SURVEY_FIELDS, *LOYALTY_FIELDS]),
        "loyalty": {field: _clean(everyone[field]) for field in OVERALL_LOYALTY},
        "service": {field: _clean(service[field]) for field in SERVICE_FIELDS},
    }


def report_overview(conn: Connection, filters: Filters, compare: str,
                    span: tuple[date, date]) -> tuple[Overview, Metric]:
    """The Overview of a closed period and its headline metric, read as the page reads it; statements link to the
    report's view (its dates, comparison and filters)."""
    counts = partial(reads.survey.counts.on, conn)
    present = metrics_present(summarise(counts(filters)).iloc[0])
    metric = METRICS[headline(present)]
    comparison = filters.compared_with(compare)
    data_end = datetime.combine(span[1], time.max)
    found = overview(counts, partial(reads.loyalty.by_tier.on, conn), filters,
                     comparison if comparison.period[1] >= span[0] else None, metric, present,
                     view_links(report_params(filters, compare)),
                     partial(reads.service.service_levels.on, conn, by=None),
                     partial(reads.loyalty.nps_group_outcomes.on, conn, data_end=data_end, by=("touchpoint",)))
    return found, metric
