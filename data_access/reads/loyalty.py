"""Loyalty reads: per-tier sums over orders, tier migration, points by month, and spend after each NPS group."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, datetime, timedelta

import pandas as pd
import sqlalchemy as sa
from sqlalchemy.engine import Connection

from analytics.settings import FOLLOWUP_DAYS
from data_access.compat import month_start
from data_access.filters import (
    NO_TIER,
    Filters,
    channel_conditions,
    closed_period_bounds,
    customer_conditions,
    period_conditions,
    tier_label,
)
from data_access.pre_aggregates import order_days_select, response_followups_select
from data_access.reads.registry import cached_read
from data_access.schema import (
    customers,
    order_days,
    order_sequence,
    purchases,
    response_followups,
    survey_responses,
    tier_history,
)
from data_access.sql import (
    count_if,
    frame,
    is_purchase,
    is_return,
    nps_groups,
    pre_aggregated,
    stored,
    survey_source,
    survey_where,
)


def _purchases_in(filters: Filters, name: str) -> sa.Subquery:
    """Each customer's purchase orders, returns, gross sales, net revenue and points in the period."""
    p = purchases.c
    return (sa.select(p.customer_id, count_if(is_purchase(p.amount)).label("orders"),
                      count_if(is_return(p.amount)).label("returns"),
                      sa.func.coalesce(sa.func.sum(sa.case((is_purchase(p.amount), p.amount))), 0.0)
                      .label("gross_sales"),
                      sa.func.sum(p.amount).label("revenue"),
                      sa.func.coalesce(sa.func.sum(p.points_earned), 0).label("earned"),
                      sa.func.coalesce(sa.func.sum(p.points_redeemed), 0).label("redeemed"))
            .where(*period_conditions(p.ordered_at, filters), *channel_conditions(p.channel, filters))
            .group_by(p.customer_id).subquery(name))


@cached_read
def by_tier(conn: Connection, filters: Filters) -> pd.DataFrame:
    """Per tier: customers, buyers, orders, returns, sales, repeat, retained and redeeming buyers, points (needs dates).

    From the orders in sequence where they are stored and fit (no channel filter), else per customer inline.
    """
    if filters.channels or not stored(conn, order_sequence):
        return frame(conn, per_customer_select(filters))
    return frame(conn, from_sequence_select(filters))


def per_customer_select(filters: Filters) -> sa.Select:
    """Each customer's orders in the period and the one before, grouped, then counted per tier."""
    current = _purchases_in(filters, "current_period")
    previous = _purchases_in(filters.previous_period(), "previous_period")
    tier = tier_label()
    joined_by_end = customers.c.joined_at <= filters.end
    bought_now, bought_before = current.c.orders > 0, previous.c.orders > 0
    return (
        sa.select(
            tier,
            sa.func.count().label("customers"),
            count_if(bought_now).label("active_customers"),
            sa.func.coalesce(sa.func.sum(current.c.orders), 0).label("orders"),
            sa.func.coalesce(sa.func.sum(current.c.returns), 0).label("returns"),
            sa.func.coalesce(sa.func.sum(current.c.gross_sales), 0.0).label("gross_sales"),
            sa.func.coalesce(sa.func.sum(current.c.revenue), 0.0).label("revenue"),
            count_if(current.c.orders >= 2).label("repeat_buyers"),
            count_if(bought_before).label("previous_buyers"),
            count_if(sa.and_(bought_before, bought_now)).label("retained"),
            count_if(sa.and_(bought_now, current.c.redeemed > 0)).label("redeeming_buyers"),
            sa.func.coalesce(sa.func.sum(current.c.earned), 0).label("points_earned"),
            sa.func.coalesce(sa.func.sum(current.c.redeemed), 0).label("points_redeemed"),
            sa.func.coalesce(sa.func.sum(sa.case((current.c.redeemed == 0, current.c.earned))), 0)
            .label("points_unredeemed"),
        )
        .select_from(customers.outerjoin(current, current.c.customer_id == customers.c.customer_id)
                     .outerjoin(previous, previous.c.customer_id == customers.c.customer_id))
        .where(joined_by_end, *customer_conditions(filters))
        .group_by(tier).order_by(tier)
    )


def _before(moment: sa.ColumnElement, bound: datetime) -> sa.ColumnElement:
    """moment is earlier than bound, or there is no such moment (NULL)."""
    return sa.or_(moment.is_(None), moment < bound)


def from_sequence_select(filters: Filters) -> sa.Select:
    """The same numbers as per_customer_select, as counts of orders that meet a condition, in one pass.

    A customer bought in the period once: count their first order in it (the order before is earlier). Twice:
    their second. Retained: their first order in the period follows one in the previous period. Redeeming buyer:
    on their first order in the period, a redeeming order up to it or the next one after it is in the period.
    Redeemed nothing: the redeeming orders around the order fall outside the period.
    """
    o = order_sequence.c
    start, stop = closed_period_bounds(filters)
    previous_start, _ = closed_period_bounds(filters.previous_period())
    current = o.ordered_at >= start
    purchase = is_purchase(o.amount)  # previous_at and second_previous_at are the customer's purchase orders

    def current_count(*conditions: sa.ColumnElement) -> sa.ColumnElement:
        return count_if(sa.and_(current, *conditions))

    def current_sum(value: sa.ColumnElement, *conditions: sa.ColumnElement) -> sa.ColumnElement:
        return sa.func.sum(sa.case((sa.and_(current, *conditions), value)))

    tier = tier_label(o)
    bought = (sa.select(
        tier,
        current_count(purchase, _before(o.previous_at, start)).label("active_customers"),
        current_count(purchase).label("orders"),
        current_count(is_return(o.amount)).label("returns"),
        current_sum(o.amount, purchase).label("gross_sales"),
        current_sum(o.amount).label("revenue"),
        current_count(purchase, o.previous_at >= start, _before(o.second_previous_at, start)).label("repeat_buyers"),
        count_if(sa.and_(o.ordered_at < start, purchase, _before(o.previous_at, previous_start)))
        .label("previous_buyers"),
        current_count(purchase, o.previous_at >= previous_start, o.previous_at < start).label("retained"),
        current_count(purchase, _before(o.previous_at, start),
                      sa.or_(o.last_redeemed_at >= start, o.next_redeemed_at < stop)).label("redeeming_buyers"),
        current_sum(o.points_earned).label("points_earned"),
        current_sum(o.points_redeemed).label("points_redeemed"),
        current_sum(o.points_earned, _before(o.last_redeemed_at, start),
                    sa.or_(o.next_redeemed_at.is_(None), o.next_redeemed_at >= stop)).label("points_unredeemed"))
        .where(o.ordered_at >= previous_start, o.ordered_at < stop, o.joined_at <= filters.end,
               *customer_conditions(filters, o))
        .group_by(tier).subquery("bought"))
    customer_tier = tier_label()
    people = (sa.select(customer_tier, sa.func.count().label("customers")).select_from(customers)
              .where(customers.c.joined_at <= filters.end, *customer_conditions(filters))
              .group_by(customer_tier).subquery("people"))
    measures = [c for c in bought.c if c.name != "tier"]
    zero = {"revenue": 0.0, "gross_sales": 0.0}
    return (sa.select(people.c.tier, people.c.customers,
                      *(sa.func.coalesce(c, zero.get(c.name, 0)).label(c.name) for c in measures))
            .select_from(people.outerjoin(bought, bought.c.tier == people.c.tier))
            .order_by(people.c.tier))


def _tiers_on(first: date, second: date) -> sa.Subquery:
    """Each customer's tier in force on two days, from one ordered pass over the tier history.

    A tier holds from its effective date until the customer's next one; the tier on a day is the one whose
    span holds it. One window in key order, where a latest-date-per-customer join per day took two scans and
    two hash joins each (bench/README.md, fix 15).
    """
    h = tier_history.c
    until = sa.func.lead(h.effective_from).over(partition_by=h.customer_id, order_by=h.effective_from)
    spans = sa.select(h.customer_id, h.tier, h.effective_from, until.label("until")).subquery("spans")

    def tier_on(day: date, name: str) -> sa.ColumnElement:
        holds = sa.and_(spans.c.effective_from <= day, sa.or_(spans.c.until.is_(None), spans.c.until > day))
        return sa.func.max(sa.case((holds, spans.c.tier))).label(name)

    return (sa.select(spans.c.customer_id, tier_on(first, "tier_before"), tier_on(second, "tier_after"))
            .group_by(spans.c.customer_id).subquery("tiers"))


@cached_read
def tier_migration(conn: Connection, first: date, second: date, filters: Filters) -> pd.DataFrame:
    """Customers counted by their tier on the first date and on the second.

    Segment and region filters apply; the tier filter does not, since tiers are what the matrix compares.
    """
    tiers = _tiers_on(first, second)
    no_tier = sa.literal(NO_TIER)
    tier_from = sa.func.coalesce(tiers.c.tier_before, no_tier).label("tier_from")
    tier_to = sa.func.coalesce(tiers.c.tier_after, no_tier).label("tier_to")
    statement = (sa.select(tier_from, tier_to, sa.func.count().label("customers"))
                 .select_from(customers.outerjoin(tiers, tiers.c.customer_id == customers.c.customer_id))
                 .where(customers.c.joined_at <= second, *customer_conditions(replace(filters, tiers=())))
                 .group_by(tier_from, tier_to))
    return frame(conn, statement)


OUTCOME_GROUPS = ("tier", "touchpoint")  # what nps_group_outcomes may group by besides the NPS group (allow-list)


@cached_read
def nps_group_outcomes(conn: Connection, filters: Filters, data_end: datetime, horizon_days: int = FOLLOWUP_DAYS,
                       by: tuple[str, ...] = ("tier",)) -> pd.DataFrame:
    """Per NPS group (and tier and/or touchpoint): responses, spend in the days after, responses followed by an
    order. Only answers whose window has closed by data_end count, so a recent answer never reads as no spend."""
    unknown = set(by) - set(OUTCOME_GROUPS)
    if unknown:
        raise ValueError(f"cannot group NPS outcomes by {', '.join(sorted(unknown))}")
    r = survey_responses.c
    followups = pre_aggregated(conn, response_followups, response_followups_select(horizon_days),
                               fits=horizon_days == FOLLOWUP_DAYS)
    f = followups.c
    group = sa.case(*((condition, name) for name, condition in nps_groups(r.nps).items())).label("nps_group")
    columns = {"tier": tier_label(), "touchpoint": r.touchpoint}
    keys = [*(columns[name].label(name) for name in by), group]
    statement = (sa.select(*keys, sa.func.count().label("responses"),
                           sa.func.coalesce(sa.func.sum(f.spend_after), 0.0).label("spend"),
                           count_if(f.orders_after > 0).label("responses_followed_by_order"))
                 .select_from(survey_source(filters, by).join(followups, f.response_id == r.response_id))
                 .where(r.nps.is_not(None), r.submitted_at <= data_end - timedelta(days=horizon_days),
                        *survey_where(filters))
                 .group_by(*keys).order_by(*keys))
    return frame(conn, statement)


@cached_read
def points_by_month(conn: Connection, filters: Filters) -> pd.DataFrame:
    """Points earned and redeemed per month (from the points per day pre-aggregated at import)."""
    days = pre_aggregated(conn, order_days, order_days_select())
    d = days.c
    month = month_start(d.day).label("month")
    statement = (sa.select(month, sa.func.coalesce(sa.func.sum(d.points_earned), 0).label("points_earned"),
                           sa.func.coalesce(sa.func.sum(d.points_redeemed), 0).label("points_redeemed"))
                 .where(*period_conditions(d.day, filters), *customer_conditions(filters, d),
                        *channel_conditions(d.channel, filters))
                 .group_by(month).order_by(month))
    return frame(conn, statement)
