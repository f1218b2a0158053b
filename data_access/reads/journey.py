"""Journey reads: customers' paths from one event to the next, and the journey's stages and touchpoints."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime

import pandas as pd
import sqlalchemy as sa
from sqlalchemy.engine import Connection

from data_access.filters import Filters, customer_conditions, period_bounds, period_conditions
from data_access.reads.registry import cached_read
from data_access.schema import JOURNEY_STEPS, journey_runs, purchases, service_tickets, survey_responses, touchpoints
from data_access.sql import Window, events, frame, stored, with_customers

LEFT_JOURNEY = "Left the journey"


@cached_read
def paths(conn: Connection, filters: Filters, steps: int = JOURNEY_STEPS) -> pd.DataFrame:
    """Customers moving from one event to the next over their first steps (repeats collapsed), with drop-off.

    From the stored runs where they exist and fit (the stored number of steps, no channel filter), else from
    every event, sorted per customer.
    """
    if steps == JOURNEY_STEPS and not filters.channels and stored(conn, journey_runs):
        return frame(conn, from_runs_select(filters))
    return frame(conn, from_events_select(filters, steps))


def from_events_select(filters: Filters, steps: int) -> sa.Select:
    every = events(filters)
    by_customer = Window(partition_by=every.c.customer_id, order_by=(every.c.at, every.c.event))
    marked = sa.select(every.c.customer_id, every.c.at, every.c.event,
                       sa.func.lag(every.c.event).over(**by_customer).label("previous")).subquery("marked")
    changes = (sa.select(marked.c.customer_id, marked.c.at, marked.c.event)
               .where(sa.or_(marked.c.previous.is_(None), marked.c.previous != marked.c.event)).subquery("changes"))
    order = Window(partition_by=changes.c.customer_id, order_by=(changes.c.at, changes.c.event))
    numbered = sa.select(changes.c.event, sa.func.row_number().over(**order).label("step"),
                         sa.func.lead(changes.c.event).over(**order).label("next_event")).subquery("numbered")
    target = sa.func.coalesce(numbered.c.next_event, sa.literal(LEFT_JOURNEY)).label("target")
    return (sa.select(numbered.c.step, numbered.c.event.label("source"), target, sa.func.count().label("customers"))
            .where(numbered.c.step < steps)
            .group_by(numbered.c.step, numbered.c.event, target)
            .order_by(numbered.c.step, numbered.c.event, target))


def _has_event_between(customer_id: sa.ColumnElement, start: datetime, stop: datetime) -> sa.ColumnElement:
    r, t, p = survey_responses.c, service_tickets.c, purchases.c
    return sa.or_(*(sa.exists().where(customer == customer_id, moment >= start, moment < stop)
                    for customer, moment in ((p.customer_id, p.ordered_at), (r.customer_id, r.submitted_at),
                                             (t.customer_id, t.opened_at))))


def from_runs_select(filters: Filters) -> sa.Select:
    """The same paths as from_events_select, from the runs that overlap the period; no sort.

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
    found = (sa.select(step.label("step"), j.event.label("source"), target.label("target")).select_from(runs)
             .where(*overlapping, sa.not_(in_period(earlier[-1]))))
    path_rows: sa.Select | sa.CompoundSelect = found
    if start and stop:  # checked on their own, so the many other runs need no per-row look-up
        spans = [j.first_at < start, j.last_at >= stop]
        path_rows = sa.union_all(
            found.where(sa.not_(sa.and_(*spans))),
            sa.select(sa.literal(1).label("step"), j.event.label("source"), sa.literal(LEFT_JOURNEY).label("target"))
            .select_from(runs).where(*overlapping, *spans, _has_event_between(j.customer_id, start, stop)))
    counted = path_rows.subquery("paths")
    keys = (counted.c.step, counted.c.source, counted.c.target)
    return sa.select(*keys, sa.func.count().label("customers")).group_by(*keys).order_by(*keys)


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
