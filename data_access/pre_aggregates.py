"""The pre-aggregated tables: the SELECT that fills each, the tables whose changes make it stale, and how an import
refreshes only the part it touched.

The loader refreshes them in every import's transaction; reads use them where they exist and fit, else run the
same SELECT inline (data_access.sql.pre_aggregated). Each SELECT takes optional keys (a table of customer ids or of
days) and then covers only the rows of those keys: the same statement fills the whole table and refreshes a part.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Collection, Sequence
from dataclasses import dataclass
from datetime import timedelta
from typing import NamedTuple

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

Keys = sa.FromClause | None  # a table of customer ids (column customer_id) or of days (column day); None: every row


def day_of(moment: sa.ColumnElement) -> sa.ColumnElement:
    """The midnight that starts a moment's day: how the per-day tables key their rows."""
    return sa.cast(sa.cast(moment, sa.Date), sa.DateTime)


def of_customers(customer_id: sa.ColumnElement, keys: Keys) -> list[sa.ColumnElement]:
    """The condition that keeps the rows of the keyed customers (none without keys)."""
    return [] if keys is None else [customer_id.in_(sa.select(keys.c.customer_id))]


def on_days(moment: sa.ColumnElement, keys: Keys) -> list[sa.ColumnElement]:
    """The condition that keeps the moments on the keyed days (none without keys). The range around them lets an
    index on the moment (PostgreSQL) or the zone maps (DuckDB) skip the other days."""
    if keys is None:
        return []
    first, last = (sa.select(bound(keys.c.day)).scalar_subquery() for bound in (sa.func.min, sa.func.max))
    return [moment >= first, moment < last + timedelta(days=1), day_of(moment).in_(sa.select(keys.c.day))]


def response_followups_select(days: int = FOLLOWUP_DAYS, keys: Keys = None) -> sa.Select:
    """Per answer with an NPS: the same customer's orders and spend in the days after it."""
    r, p = survey_responses.c, purchases.c
    later_orders = sa.and_(p.customer_id == r.customer_id, after(r.submitted_at, p.ordered_at, days))
    return (sa.select(r.response_id, count_if(is_purchase(p.amount)).label("orders_after"),
                      sa.func.coalesce(sa.func.sum(p.amount), 0.0).label("spend_after"))
            .select_from(survey_responses.outerjoin(purchases, later_orders))
            .where(r.nps.is_not(None), *of_customers(r.customer_id, keys)).group_by(r.response_id))


def ticket_followups_select(days: int = FOLLOWUP_DAYS, keys: Keys = None) -> sa.Select:
    """Per resolved ticket: the customer's orders and spend, and their answers by NPS group, in the days after."""
    t, p, r = service_tickets.c, purchases.c, survey_responses.c
    resolved = [t.resolved_at.is_not(None), *of_customers(t.customer_id, keys)]
    orders = (sa.select(t.ticket_id, count_if(is_purchase(p.amount)).label("orders_after"),
                        sa.func.coalesce(sa.func.sum(p.amount), 0.0).label("spend_after"))
              .select_from(service_tickets.outerjoin(purchases, sa.and_(
                  p.customer_id == t.customer_id, after(t.resolved_at, p.ordered_at, days))))
              .where(*resolved).group_by(t.ticket_id).subquery("orders_after"))
    answers = (sa.select(t.ticket_id, *nps_counts(r.nps))
               .select_from(service_tickets.join(survey_responses, sa.and_(
                   r.customer_id == t.customer_id, after(t.resolved_at, r.submitted_at, days))))
               .where(*resolved).group_by(t.ticket_id).subquery("answers_after"))
    return (sa.select(orders.c.ticket_id, orders.c.orders_after, orders.c.spend_after,
                      *(sa.func.coalesce(answers.c[group], 0).label(f"{group}_after")
                        for group in NPS_COUNTS))
            .select_from(orders.outerjoin(answers, answers.c.ticket_id == orders.c.ticket_id)))


def order_days_select(keys: Keys = None) -> sa.Select:
    """Points per day, channel and customer attributes (tier, segment, region as the customer has them now)."""
    p, c = purchases.c, customers.c
    groups = [day_of(p.ordered_at).label("day"), p.channel, c.tier, c.segment, c.region]
    return (sa.select(*groups, sa.func.coalesce(sa.func.sum(p.points_earned), 0).label("points_earned"),
                      sa.func.coalesce(sa.func.sum(p.points_redeemed), 0).label("points_redeemed"))
            .select_from(purchases.outerjoin(customers, c.customer_id == p.customer_id))
            .where(*on_days(p.ordered_at, keys)).group_by(*groups))


def order_sequence_select(keys: Keys = None) -> sa.Select:
    """Each order of a known customer, with the times of the customer's purchase orders before it (for a purchase
    order; for a return, their returns before it) and of the redeeming orders around it."""
    p, c = purchases.c, customers.c
    in_order = Window(partition_by=p.customer_id, order_by=(p.ordered_at, p.order_id))
    # the orders after this one, as the orders before it in reverse: a frame that starts at the partition's first row
    # grows row by row, where one starting after the current row makes PostgreSQL aggregate it again for every row
    reverse = Window(partition_by=p.customer_id, order_by=(p.ordered_at.desc(), p.order_id.desc()))
    same_kind = Window(partition_by=(p.customer_id, is_purchase(p.amount)), order_by=(p.ordered_at, p.order_id))
    redeemed = sa.func.coalesce(p.points_redeemed, 0)
    redeeming_at = sa.case((redeemed > 0, p.ordered_at))
    return (sa.select(p.customer_id, p.ordered_at, c.joined_at, c.tier, c.segment, c.region, p.amount,
                      sa.func.coalesce(p.points_earned, 0).label("points_earned"), redeemed.label("points_redeemed"),
                      sa.func.lag(p.ordered_at).over(**same_kind).label("previous_at"),
                      sa.func.lag(p.ordered_at, 2).over(**same_kind).label("second_previous_at"),
                      sa.func.max(redeeming_at).over(**in_order, rows=(None, 0)).label("last_redeemed_at"),
                      sa.func.min(redeeming_at).over(**reverse, rows=(None, -1)).label("next_redeemed_at"))
            .select_from(purchases.join(customers, c.customer_id == p.customer_id))
            .where(*of_customers(p.customer_id, keys)))


def survey_days_select(keys: Keys = None) -> sa.Select:
    """Answer counts and sums per day (midnight), touchpoint, channel and the customer's tier."""
    r = survey_responses.c
    groups = [day_of(r.submitted_at).label("day"), r.touchpoint, r.channel, customers.c.tier]
    measures = {measure.name: measure for measure in survey_measures()}
    return (sa.select(*groups, *(measures[name] for name in (*SURVEY_COUNTS, *SURVEY_SUMS)))
            .select_from(survey_source(Filters(), ("tier",))).where(*on_days(r.submitted_at, keys))
            .group_by(*groups))


def journey_runs_select(keys: Keys = None) -> sa.Select:
    """Every customer's events cut into runs of one kind, in the journey map's order, with the runs around each.

    A run starts where the event differs from the one before. The running count of starts numbers the runs;
    its default frame takes in every event tied on (time, event), so ties always share a run.
    """
    every = events(Filters(), None if keys is None else sa.select(keys.c.customer_id))
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


class PreAggregate(NamedTuple):
    """A pre-aggregated table, the SELECT that fills it (select(keys=…) for a part), the tables it reads."""

    table: sa.Table
    select: Callable[..., sa.Select]
    sources: frozenset[str]


PRE_AGGREGATES = (
    PreAggregate(response_followups, response_followups_select, frozenset({"survey_responses", "purchases"})),
    PreAggregate(ticket_followups, ticket_followups_select,
                 frozenset({"service_tickets", "purchases", "survey_responses"})),
    PreAggregate(order_days, order_days_select, frozenset({"purchases", "customers"})),
    PreAggregate(order_sequence, order_sequence_select, frozenset({"purchases", "customers"})),
    PreAggregate(survey_days, survey_days_select, frozenset({"survey_responses", "customers"})),
    PreAggregate(journey_runs, journey_runs_select,
                 frozenset({"survey_responses", "service_tickets", "purchases", "touchpoints"})),
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
            _fill(conn, table, select, None)


def _fill(conn: Connection, table: sa.Table, select: Callable[..., sa.Select], keys: Keys) -> None:
    """Delete the rows of the keys (every row without keys) and insert them again from the SELECT."""
    conn.execute(sa.delete(table).where(*([] if keys is None else [_stored(table, keys)])))
    conn.execute(sa.insert(table).from_select([c.name for c in table.columns], select(keys=keys)))


# Refreshing part of a table -----------------------------------------------------------------------------------

# An import that touches more than this share of the customers (or of the days a per-day table holds) rebuilds
# that table whole: past it, deleting and re-inserting part of it costs more (bench/README.md, "Imports that add
# a day").
FULL_REBUILD_SHARE = 0.2

# The moments whose days key the per-day tables, by the table that holds them; each per-day table's source.
DAY_MOMENTS = {"purchases": purchases.c.ordered_at, "survey_responses": survey_responses.c.submitted_at}
PER_DAY = {"order_days": "purchases", "survey_days": "survey_responses"}
NOTHING = False  # _part: no row of the table changes


def _stored(table: sa.Table, keys: sa.FromClause) -> sa.ColumnElement:
    """The condition on a pre-aggregated table that finds the stored rows of the keys.

    The follow-ups are per answer and per ticket: their rows are those of the keyed customers' answers and tickets
    as stored now (an import that moved one to another customer touched both customers).
    """
    if table.name in PER_DAY:
        return table.c.day.in_(sa.select(keys.c.day))
    if table is response_followups:
        r = survey_responses.c
        return table.c.response_id.in_(sa.select(r.response_id).where(*of_customers(r.customer_id, keys)))
    if table is ticket_followups:
        t = service_tickets.c
        return table.c.ticket_id.in_(sa.select(t.ticket_id).where(*of_customers(t.customer_id, keys)))
    return table.c.customer_id.in_(sa.select(keys.c.customer_id))


@dataclass(frozen=True)
class Touched:
    """What one import changes, recorded before its upsert so rows it overwrites count with their old values too:
    the customers its new and overwritten rows name, and (answers and orders) the days those rows fall on."""

    table: str
    customers: sa.Table
    days: sa.Table | None


def _keys_from(conn: Connection, column: sa.Column, values: sa.Select, *more: sa.Column) -> sa.Table:
    """A temporary table of the distinct keys a SELECT gives (dropped by forget(), or by the caller)."""
    keys = sa.Table(f"touched_{column.name}_{uuid.uuid4().hex[:8]}", sa.MetaData(), column, *more,
                    prefixes=["TEMPORARY"])
    keys.create(conn)
    conn.execute(sa.insert(keys).from_select([c.name for c in keys.columns], values.distinct()))
    return keys


def touch_columns(table: sa.Table) -> tuple[str, ...]:
    """The columns of an imported table's rows that say what a change to them touches: the customer, and for
    answers and orders the moment whose day the per-day tables sum them under. Empty: nothing keyed by them."""
    if "customer_id" not in table.c:
        return ()
    return ("customer_id", *((DAY_MOMENTS[table.name].name,) if table.name in DAY_MOMENTS else ()))


def record_touched(conn: Connection, table: sa.Table, rows: Sequence[sa.Select]) -> Touched:
    """Keep what the rows name (each SELECT gives touch_columns(table), such as the staged rows that are new or
    changed and the stored rows they replace) in temporary tables, in the import's transaction."""
    moment = DAY_MOMENTS.get(table.name)
    named = sa.union_all(*rows).subquery("touching")
    if moment is None:
        return Touched(table.name, _keys_from(conn, sa.Column("customer_id", sa.String),
                                              sa.select(named.c.customer_id)), None)
    both = _keys_from(conn, sa.Column("customer_id", sa.String), sa.select(  # one pass over the changed rows
        named.c.customer_id, day_of(named.c[moment.name]).label("day")), sa.Column("day", sa.DateTime))
    found = _keys_from(conn, sa.Column("customer_id", sa.String), sa.select(both.c.customer_id))
    days = _keys_from(conn, sa.Column("day", sa.DateTime), sa.select(both.c.day))
    both.drop(conn)
    return Touched(table.name, found, days)


def forget(conn: Connection, touched: Touched | None) -> None:
    """Drop the touched keys' temporary tables (they would outlive the transaction on a pooled connection)."""
    for keys in (touched.customers, touched.days) if touched else ():
        if keys is not None:
            keys.drop(conn)


def _count(conn: Connection, source: sa.FromClause, column: sa.ColumnElement | None = None) -> int:
    counted = sa.func.count() if column is None else sa.func.count(sa.distinct(column))
    return conn.execute(sa.select(counted).select_from(source)).scalar_one()


def _part(conn: Connection, table: sa.Table, reasons: Collection[str], touched: Touched | None,
          made: list[sa.Table]) -> Keys | bool:
    """The keys of the rows to refresh: None for the whole table, NOTHING for none of it.

    Per customer (follow-ups, journey runs, order sequence): the touched customers, whatever the change; customer
    rows that known_customers.sync adds, redates or drops are always touched customers (only their rows name them).
    Per day: the days of the touched answers or orders; after a customers file, every day on which a touched
    customer has answers or orders. A customer known only from transactions has no tier, segment or region, so
    sync's changes alone change no per-day row. A new touchpoint can change the stage of any customer's answers.
    """
    if touched is None or "touchpoints" in reasons:
        return None
    named = _count(conn, touched.customers)
    if not named:
        return NOTHING  # the rows were stored already, as they are
    source = PER_DAY.get(table.name)
    if source is None:
        return touched.customers if named / max(_count(conn, customers), 1) <= FULL_REBUILD_SHARE else None
    if touched.table == source:
        days = touched.days
    elif touched.table == "customers":
        moment = DAY_MOMENTS[source]
        days = _keys_from(conn, sa.Column("day", sa.DateTime), sa.select(day_of(moment)).where(
            *of_customers(moment.table.c.customer_id, touched.customers)))
        made.append(days)
    else:
        return NOTHING
    assert days is not None
    share = _count(conn, days) / max(_count(conn, table, table.c.day), 1)
    return days if share <= FULL_REBUILD_SHARE else None


def refresh_pre_aggregates(conn: Connection, changed: Collection[str], touched: Touched | None = None) -> list[str]:
    """Bring every pre-aggregate that reads a changed table up to date, in the caller's transaction: only the rows
    of what the import touched where it recorded that and it is a small share, else the whole table.

    Returns the tables rebuilt whole.
    """
    whole: list[str] = []
    made: list[sa.Table] = []
    for table, select, sources in PRE_AGGREGATES:
        reasons = sources & set(changed)
        if not reasons:
            continue
        keys = _part(conn, table, reasons, touched, made)
        if keys is NOTHING:
            continue
        if keys is None:
            whole.append(table.name)
        _fill(conn, table, select, keys if isinstance(keys, sa.FromClause) else None)
    for keys in made:
        keys.drop(conn)
    return whole
