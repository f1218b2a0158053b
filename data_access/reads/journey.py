"""Journey reads: customers' paths over their first events, and the journey's stages and touchpoints."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime

import pandas as pd
import sqlalchemy as sa
from sqlalchemy.engine import Connection

from analytics.journey import LEFT_JOURNEY
from data_access.filters import Filters, customer_conditions, period_bounds, period_conditions
from data_access.reads.registry import cached_read
from data_access.schema import JOURNEY_STEPS, journey_runs, purchases, service_tickets, survey_responses, touchpoints
from data_access.sql import Window, events, frame, stored, with_customers


def _moves(conn: Connection, filters: Filters) -> sa.Select | sa.CompoundSelect:
    """Each customer's moves: from the stored runs where they exist and fit (no channel filter), else from every
    event, sorted per customer."""
    if not filters.channels and stored(conn, journey_runs):
        return moves_from_runs(filters)
    return moves_from_events(filters)


@cached_read
def path_prefixes(conn: Connection, filters: Filters) -> pd.DataFrame:
    """Customers per path of their first steps (step1..step4), every starting event at once: the path explorer
    lists the starting events from it and switches between them without another read."""
    return frame(conn, prefixes_select(_moves(conn, filters)))


def prefixes_select(moves: sa.Select | sa.CompoundSelect) -> sa.Select:
    """Customers per path: step1 is the first event, each later step the target of the move before it
    (LEFT_JOURNEY where the path ended, NULL after that)."""
    m = moves.subquery("moves")

    def at(step: int, column: sa.ColumnElement) -> sa.ColumnElement:
        return sa.func.max(sa.case((m.c.step == step, column)))

    journeys = (sa.select(at(1, m.c.source).label("step1"),
                          *(at(k, m.c.target).label(f"step{k + 1}") for k in range(1, JOURNEY_STEPS)))
                .group_by(m.c.customer_id).subquery("journeys"))
    keys = list(journeys.c)
    return sa.select(*keys, sa.func.count().label("customers")).group_by(*keys).order_by(*keys)


def moves_from_events(filters: Filters) -> sa.Select:
    """Each customer's moves from one event to the next over the first steps, from every event sorted per customer."""
    every = events(filters)
    by_customer = Window(partition_by=every.c.customer_id, order_by=(every.c.at, every.c.event))
    marked = sa.select(every.c.customer_id, every.c.at, every.c.event,
                       sa.func.lag(every.c.event).over(**by_customer).label("previous")).subquery("marked")
    changes = (sa.select(marked.c.customer_id, marked.c.at, marked.c.event)
               .where(sa.or_(marked.c.previous.is_(None), marked.c.previous != marked.c.event)).subquery("changes"))
    order = Window(partition_by=changes.c.customer_id, order_by=(changes.c.at, changes.c.event))
    numbered = sa.select(changes.c.customer_id, changes.c.event, sa.func.row_number().over(**order).label("step"),
                         sa.func.lead(changes.c.event).over(**order).label("next_event")).subquery("numbered")
    target = sa.func.coalesce(numbered.c.next_event, sa.literal(LEFT_JOURNEY)).label("target")
    return (sa.select(numbered.c.customer_id, numbered.c.step, numbered.c.event.label("source"), target)
            .where(numbered.c.step < JOURNEY_STEPS))


def _has_event_between(customer_id: sa.ColumnElement, start: datetime, stop: datetime) -> sa.ColumnElement:
    r, t, p = survey_responses.c, service_tickets.c, purchases.c
    return sa.or_(*(sa.exists().where(customer == customer_id, moment >= start, moment < stop)
                    for customer, moment in ((p.customer_id, p.ordered_at), (r.customer_id, r.submitted_at),
                                             (t.customer_id, t.opened_at))))


def moves_from_runs(filters: Filters) -> sa.Select | sa.CompoundSelect:
    """The same moves as moves_from_events, from the runs that overlap the period.

    Cutting a customer's runs to a period keeps a contiguous stretch of them, so neighbours still differ and
    nothing needs collapsing again. A run's step is one more than the earlier runs still in the period, and its
    target is the next run if that starts in the period. A run that spans the whole period may hold no event
    inside it; it counts only if the customer has one there.
    """
    j = journey_runs.c
    start, stop = period_bounds(filters)

    def in_period(earlier_end: sa.ColumnElement) -> sa.ColumnElement:  # an earlier run ends inside the period
        return sa.and_(earlier_end.is_not(None), earlier_end >= start) if start else earlier_end.is_not(None)

    earlier = [j[f"last_at_{k}_before"] for k in range(1, JOURNEY_STEPS)]
    step = sum((sa.case((in_period(end), 1), else_=0) for end in earlier[:-1]), sa.literal(1))
    goes_on = j.next_first_at < stop if stop else j.next_first_at.is_not(None)
    target = sa.case((goes_on, j.next_event), else_=sa.literal(LEFT_JOURNEY))
    runs = with_customers(journey_runs, j.customer_id, filters)
    overlapping = [*customer_conditions(filters), *period_conditions(j.first_at, replace(filters, start=None)),
                   *period_conditions(j.last_at, replace(filters, end=None))]
    found = (sa.select(j.customer_id, step.label("step"), j.event.label("source"), target.label("target"))
             .select_from(runs).where(*overlapping, sa.not_(in_period(earlier[-1]))))
    if not (start and stop):
        return found
    spans = [j.first_at < start, j.last_at >= stop]  # checked on their own, so the many other runs need no look-up
    return sa.union_all(
        found.where(sa.not_(sa.and_(*spans))),
        sa.select(j.customer_id, sa.literal(1).label("step"), j.event.label("source"),
                  sa.literal(LEFT_JOURNEY).label("target"))
        .select_from(runs).where(*overlapping, *spans, _has_event_between(j.customer_id, start, stop)))


@cached_read
def stages(conn: Connection) -> list[str]:
    """The journey's stages in order (for placing new touchpoints)."""
    order = sa.func.min(touchpoints.c.stage_order)
    rows = conn.execute(sa.select(touchpoints.c.stage).group_by(touchpoints.c.stage).order_by(order))
    return [stage for (stage,) in rows]


@cached_read
def touchpoint_stages(conn: Connection) -> pd.DataFrame:
    """The journey's touchpoints with their stage, in journey order (the Voices page's filter options)."""
    t = touchpoints.c
    return frame(conn, sa.select(t.touchpoint, t.stage, t.stage_order).order_by(t.stage_order, t.touchpoint))
