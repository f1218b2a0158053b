"""Survey reads: the answer counts behind NPS, CSAT, CES and sentiment, and what the driver analysis needs."""

from __future__ import annotations

import pandas as pd
import sqlalchemy as sa
from sqlalchemy.engine import Connection

from analytics.survey import summarise
from data_access.compat import month_start
from data_access.filters import Filters, tier_label
from data_access.reads.registry import cached_read
from data_access.schema import SURVEY_COUNTS, customers, survey_days, survey_responses, touchpoints
from data_access.sql import (
    JOURNEY_GROUPS,
    answered_at,
    customer_columns,
    frame,
    stored,
    survey_measures,
    survey_source,
    survey_where,
)

SURVEY_GROUPS = ("touchpoint", "stage", "stage_order", "tier", "segment", "region", "channel", "month")  # allow-list


def _survey_group(name: str, answers: sa.Table) -> sa.ColumnElement:
    """A dimension survey results may be grouped by, on the answers or on their per-day sums (survey_days)."""
    return {"touchpoint": answers.c.touchpoint, "stage": touchpoints.c.stage, "stage_order": touchpoints.c.stage_order,
            "tier": tier_label(customer_columns(answers)), "segment": customers.c.segment,
            "region": customers.c.region, "channel": answers.c.channel,
            "month": month_start(answered_at(answers))}[name]


@cached_read
def counts(conn: Connection, filters: Filters, by: tuple[str, ...] = (),
           touchpoint: str | None = None) -> pd.DataFrame:
    """Answer counts behind NPS, CSAT, CES and sentiment, grouped by allow-listed dimensions.

    From the per-day sums where they are stored and no segment or region filter or grouping needs the answers'
    customers.
    """
    unknown = set(by) - set(SURVEY_GROUPS)
    if unknown:
        raise ValueError(f"cannot group survey results by {', '.join(sorted(unknown))}")
    per_day = (not (filters.segments or filters.needs_regions or {"segment", "region"} & set(by))
               and stored(conn, survey_days))
    answers = survey_days if per_day else survey_responses
    groups = [_survey_group(name, answers).label(name) for name in by]
    where = survey_where(filters, answers)
    if touchpoint is not None:
        where.append(answers.c.touchpoint == touchpoint)
    source: sa.FromClause
    if per_day:
        source, measures = survey_days, _survey_day_sums()
        if JOURNEY_GROUPS & set(by):
            source = source.outerjoin(touchpoints, touchpoints.c.touchpoint == survey_days.c.touchpoint)
    else:
        source, measures = survey_source(filters, by), survey_measures()
    statement = (sa.select(*groups, *measures).select_from(source).where(*where).group_by(*groups)
                 .order_by(*groups))
    return frame(conn, statement)


@cached_read
def summary(conn: Connection, filters: Filters, by: tuple[str, ...] = (), touchpoint: str | None = None,
            metric: str = "nps") -> pd.DataFrame:
    """counts() summarised into KPIs with their margins (analytics.survey.summarise), cached whole: every rerun of
    a page asks for it, and summarising cost more than reading a cached result (bench/README.md, "A full room")."""
    return summarise(counts.on(conn, filters, by, touchpoint), metric=metric)


def _survey_day_sums() -> list[sa.ColumnElement]:
    """survey_measures over the per-day sums: the same columns, in the same order and types."""
    def total(name: str) -> sa.ColumnElement:
        summed = sa.func.coalesce(sa.func.sum(survey_days.c[name]), 0 if name in SURVEY_COUNTS else 0.0)
        return (sa.cast(summed, sa.BigInteger) if name in SURVEY_COUNTS else summed).label(name)
    return [total(measure.name) for measure in survey_measures()]


@cached_read
def touchpoint_drivers(conn: Connection, filters: Filters) -> pd.DataFrame:
    """Derived importance per touchpoint: correlation of a customer's CSAT there with their NPS elsewhere.

    Leave-one-out: the outcome is the customer's mean NPS over their *other* touchpoints, so a touchpoint's
    own answers never explain themselves. Only customers who rated at least two touchpoints count.
    """
    r = survey_responses.c
    per_touchpoint = (sa.select(r.customer_id, r.touchpoint, sa.func.avg(r.csat).label("csat"),
                                sa.func.sum(r.nps).label("nps_sum"), sa.func.count(r.nps).label("nps_n"))
                      .select_from(survey_source(filters)).where(*survey_where(filters))
                      .group_by(r.customer_id, r.touchpoint).subquery("per_touchpoint"))
    per_customer = (sa.select(per_touchpoint.c.customer_id, sa.func.sum(per_touchpoint.c.nps_sum).label("all_sum"),
                              sa.func.sum(per_touchpoint.c.nps_n).label("all_n"),
                              sa.func.count().label("touchpoints_rated"))
                    .group_by(per_touchpoint.c.customer_id).subquery("per_customer"))
    others_n = per_customer.c.all_n - per_touchpoint.c.nps_n
    elsewhere = (sa.cast(per_customer.c.all_sum - per_touchpoint.c.nps_sum, sa.Float)
                 / sa.cast(others_n, sa.Float))
    pairs = (sa.select(per_touchpoint.c.touchpoint, sa.cast(per_touchpoint.c.csat, sa.Float).label("x"),
                       elsewhere.label("y"))
             .join(per_customer, per_customer.c.customer_id == per_touchpoint.c.customer_id)
             .where(others_n > 0, per_touchpoint.c.csat.is_not(None)).subquery("pairs"))
    statement = (sa.select(pairs.c.touchpoint, sa.func.count().label("customers"),
                           sa.func.corr(pairs.c.x, pairs.c.y).label("correlation"))
                 .group_by(pairs.c.touchpoint).order_by(pairs.c.touchpoint))
    return frame(conn, statement)


@cached_read
def touchpoints_per_customer(conn: Connection, filters: Filters) -> pd.DataFrame:
    """How many touchpoints each respondent rated, as a distribution (to judge what a driver model can do)."""
    r = survey_responses.c
    rated = (sa.select(r.customer_id, sa.func.count(sa.distinct(r.touchpoint)).label("touchpoints"))
             .select_from(survey_source(filters)).where(*survey_where(filters)).group_by(r.customer_id).subquery())
    statement = (sa.select(rated.c.touchpoints, sa.func.count().label("customers"))
                 .group_by(rated.c.touchpoints).order_by(rated.c.touchpoints))
    return frame(conn, statement)
