"""The pre-aggregated tables: the SELECT that fills each, and the tables whose changes make it stale.

The loader rebuilds them in every import's transaction; reads use them where they exist and fit, else run the
same SELECT inline (data_access.sql.pre_aggregated).
"""

from __future__ import annotations

from collections.abc import Callable, Collection

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from analytics.settings import FOLLOWUP_DAYS
from data_access.filters import Filters
from data_access.schema import (
    JOURNEY_STEPS,
    SURVEY_COUNTS,
    SURVEY_SUMS,
    customers,
    journey_runs,
    order_days,
    order_sequence,
    purchases,
    response_followups,
    service_tickets,
    survey_days,
    survey_responses,
    ticket_followups,
)
from data_access.sql import (
    NPS_COUNTS,
    Window,
    after,
    count_if,
    events,
    is_purchase,
    nps_counts,
    survey_measures,
    survey_source,
)


def response_followups_select(days: int = FOLLOWUP_DAYS) -> sa.Select:
    """Per answer with an NPS: the same customer's orders and spend in the days after it."""
    r, p = survey_responses.c, purchases.c
    later_orders = sa.and_(p.customer_id == r.customer_id, after(r.submitted_at, p.ordered_at, days))
    return (sa.select(r.response_id, count_if(is_purchase(p.amount)).label("orders_after"),
                      sa.func.coalesce(sa.func.sum(p.amount), 0.0).label("spend_after"))
            .select_from(survey_responses.outerjoin(purchases, later_orders))
            .where(r.nps.is_not(None)).group_by(r.response_id))


def ticket_followups_select(days: int = FOLLOWUP_DAYS) -> sa.Select:
    """Per resolved ticket: the customer's orders and spend, and their answers by NPS group, in the days after."""
    t, p, r = service_tickets.c, purchases.c, survey_responses.c
    orders = (sa.select(t.ticket_id, count_if(is_purchase(p.amount)).label("orders_after"),
                        sa.func.coalesce(sa.func.sum(p.amount), 0.0).label("spend_after"))
              .select_from(service_tickets.outerjoin(purchases, sa.and_(
                  p.customer_id == t.customer_id, after(t.resolved_at, p.ordered_at, days))))
              .where(t.resolved_at.is_not(None)).group_by(t.ticket_id).subquery("orders_after"))
    answers = (sa.select(t.ticket_id, *nps_counts(r.nps))
               .select_from(service_tickets.join(survey_responses, sa.and_(
                   r.customer_id == t.customer_id, after(t.resolved_at, r.submitted_at, days))))
               .where(t.resolved_at.is_not(None)).group_by(t.ticket_id).subquery("answers_after"))
    return (sa.select(orders.c.ticket_id, orders.c.orders_after, orders.c.spend_after,
                      *(sa.func.coalesce(answers.c[group], 0).label(f"{group}_after")
                        for group in NPS_COUNTS))
            .select_from(orders.outerjoin(answers, answers.c.ticket_id == orders.c.ticket_id)))


def order_days_select() -> sa.Select:
    """Points per day, channel and customer attributes (tier, segment, region as the customer has them now)."""
    p, c = purchases.c, customers.c
    day = sa.cast(sa.cast(p.ordered_at, sa.Date), sa.DateTime).label("day")
    keys = [day, p.channel, c.tier, c.segment, c.region]
    return (sa.select(*keys, sa.func.coalesce(sa.func.sum(p.points_earned), 0).label("points_earned"),
                      sa.func.coalesce(sa.func.sum(p.points_redeemed), 0).label("points_redeemed"))
            .select_from(purchases.outerjoin(customers, c.customer_id == p.customer_id)).group_by(*keys))


def order_sequence_select() -> sa.Select:
    """Each order of a known customer, with the times of the customer's purchase orders before it (for a purchase
    order; for a return, their returns before it) and of the redeeming orders around it."""
    p, c = purchases.c, customers.c
    in_order = Window(partition_by=p.customer_id, order_by=(p.ordered_at, p.order_id))
    same_kind = Window(partition_by=(p.customer_id, is_purchase(p.amount)), order_by=(p.ordered_at, p.order_id))
    redeemed = sa.func.coalesce(p.points_redeemed, 0)
    redeeming_at = sa.case((redeemed > 0, p.ordered_at))
    return (sa.select(p.ordered_at, c.joined_at, c.tier, c.segment, c.region, p.amount,
                      sa.func.coalesce(p.points_earned, 0).label("points_earned"), redeemed.label("points_redeemed"),
                      sa.func.lag(p.ordered_at).over(**same_kind).label("previous_at"),
                      sa.func.lag(p.ordered_at, 2).over(**same_kind).label("second_previous_at"),
                      sa.func.max(redeeming_at).over(**in_order, rows=(None, 0)).label("last_redeemed_at"),
                      sa.func.min(redeeming_at).over(**in_order, rows=(1, None)).label("next_redeemed_at"))
            .select_from(purchases.join(customers, c.customer_id == p.customer_id)))


def survey_days_select() -> sa.Select:
    """Answer counts and sums per day (midnight), touchpoint, channel and the customer's tier."""
    r = survey_responses.c
    day = sa.cast(sa.cast(r.submitted_at, sa.Date), sa.DateTime).label("day")
    keys = [day, r.touchpoint, r.channel, customers.c.tier]
    measures = {measure.name: measure for measure in survey_measures()}
    return (sa.select(*keys, *(measures[name] for name in (*SURVEY_COUNTS, *SURVEY_SUMS)))
            .select_from(survey_source(Filters(), ("tier",))).group_by(*keys))


def journey_runs_select() -> sa.Select:
    """Every customer's events cut into runs of one kind, in the journey map's order, with the runs around each.

    A run starts where the event differs from the one before. The running count of starts numbers the runs;
    its default frame takes in every event tied on (time, event), so ties always share a run.
    """
    every = events(Filters())
    in_order = Window(partition_by=every.c.customer_id, order_by=(every.c.at, every.c.event))
    starts = sa.case((sa.func.lag(every.c.event).over(**in_order) == every.c.event, 0), else_=1)
    marked = sa.select(every.c.customer_id, every.c.at, every.c.event, starts.label("starts")).subquery("marked")
    run = sa.func.sum(marked.c.starts).over(partition_by=marked.c.customer_id, order_by=(marked.c.at, marked.c.event))
    numbered = sa.select(marked.c.customer_id, marked.c.at, marked.c.event, run.label("run")).subquery("numbered")
    runs = (sa.select(numbered.c.customer_id, numbered.c.run, numbered.c.event,
                      sa.func.min(numbered.c.at).label("first_at"), sa.func.max(numbered.c.at).label("last_at"))
            .group_by(numbered.c.customer_id, numbered.c.run, numbered.c.event).subquery("runs"))
    in_runs = Window(partition_by=runs.c.customer_id, order_by=runs.c.run)
    return sa.select(runs.c.customer_id, runs.c.event, runs.c.first_at, runs.c.last_at,
                     *(sa.func.lag(runs.c.last_at, k).over(**in_runs).label(f"last_at_{k}_before")
                       for k in range(1, JOURNEY_STEPS)),
                     sa.func.lead(runs.c.event).over(**in_runs).label("next_event"),
                     sa.func.lead(runs.c.first_at).over(**in_runs).label("next_first_at"))


PRE_AGGREGATES = (  # table, the SELECT that fills it, and the tables whose changes make it stale
    (response_followups, response_followups_select, frozenset({"survey_responses", "purchases"})),
    (ticket_followups, ticket_followups_select, frozenset({"service_tickets", "purchases", "survey_responses"})),
    (order_days, order_days_select, frozenset({"purchases", "customers"})),
    (order_sequence, order_sequence_select, frozenset({"purchases", "customers"})),
    (survey_days, survey_days_select, frozenset({"survey_responses", "customers"})),
    (journey_runs, journey_runs_select, frozenset({"survey_responses", "service_tickets", "purchases", "touchpoints"})),
)


def stale_after(table_name: str) -> list[tuple[sa.Table, Callable[[], sa.Select]]]:
    """The pre-aggregated tables that read a table, with the SELECT that fills each."""
    return [(table, select) for table, select, sources in PRE_AGGREGATES if table_name in sources]


def fill_pre_aggregates(conn: Connection, names: Collection[str]) -> None:
    """Empty and refill the named pre-aggregated tables (a migration fills the ones it creates).

    A full rebuild, one INSERT…SELECT each, so they can never disagree with the rows they summarise.
    """
    for table, select, _ in PRE_AGGREGATES:
        if table.name in names:
            conn.execute(sa.delete(table))
            conn.execute(sa.insert(table).from_select([c.name for c in table.columns], select()))
