"""Customers the data names but no customers file holds: they count as customers (no tier, unknown segment and
region) from their first event on, until a customers file fills them in.

Real companies often have transactions and surveys but no customer master; without these rows their orders
would count for no one (issue 10, finding 3).
"""

from __future__ import annotations

import uuid

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from data_access.schema import customers, purchases, service_tickets, survey_responses, tier_history

FROM_TRANSACTIONS = "transactions"  # customers.origin of a customer known only from surveys, tickets or orders
REFERENCES = ((survey_responses.c.customer_id, survey_responses.c.submitted_at),
              (service_tickets.c.customer_id, service_tickets.c.opened_at),
              (purchases.c.customer_id, purchases.c.ordered_at),
              (tier_history.c.customer_id, tier_history.c.effective_from))


def _first_seen(only: sa.Select | None = None) -> sa.Subquery:
    """Every customer id the data names (or only those of a SELECT of ids), with the day of their first event."""
    events = sa.union_all(*(sa.select(customer.label("customer_id"), sa.cast(moment, sa.Date).label("day"))
                            .where(*([] if only is None else [customer.in_(only)]))
                            for customer, moment in REFERENCES)).subquery("events")
    return (sa.select(events.c.customer_id, sa.func.min(events.c.day).label("first_day"))
            .group_by(events.c.customer_id).subquery("first_seen"))


def from_transactions() -> sa.ColumnElement:
    """The condition on customers that marks a customer known only from transactions."""
    return customers.c.origin == FROM_TRANSACTIONS


def from_file() -> sa.ColumnElement:
    """The condition on customers that marks a customer a customers file holds."""
    return customers.c.origin.is_(None)


def sync(conn: Connection, only: sa.Select | None = None) -> bool:
    """Add the customers the data names and customers lacks, date them by their first event, drop the ones
    nothing names any more. Returns whether customers changed (so what reads it is rebuilt).

    With only (a SELECT of customer ids: those an import's new and overwritten rows name, the only ones whose
    first event or existence it can change), it looks at those customers alone instead of every event.
    """
    c = customers.c
    seen: sa.FromClause = _first_seen(only)
    if only is not None:  # a few customers: their first events found once, not again in each statement below
        seen = _kept(conn, seen)
    orphan = sa.and_(from_transactions(), *([] if only is None else [c.customer_id.in_(only)]),
                     ~sa.exists().where(seen.c.customer_id == c.customer_id))
    redated = sa.and_(from_transactions(), seen.c.customer_id == c.customer_id, seen.c.first_day != c.joined_at)
    missing = ~sa.exists().where(c.customer_id == seen.c.customer_id)

    def count(statement: sa.Select) -> int:  # counted first: drivers disagree on rowcount for INSERT … SELECT
        return conn.execute(sa.select(sa.func.count()).select_from(statement.subquery())).scalar_one()

    orphans = count(sa.select(c.customer_id).where(orphan))
    stale = count(sa.select(c.customer_id).select_from(customers.join(seen, seen.c.customer_id == c.customer_id))
                  .where(redated))
    new = count(sa.select(seen.c.customer_id).where(missing))
    if orphans:
        conn.execute(sa.delete(customers).where(orphan))
    if stale:
        conn.execute(sa.update(customers).where(redated).values(joined_at=seen.c.first_day))
    if new:
        conn.execute(sa.insert(customers).from_select(
            ["customer_id", "joined_at", "origin"],
            sa.select(seen.c.customer_id, seen.c.first_day, sa.literal(FROM_TRANSACTIONS)).where(missing)))
    if isinstance(seen, sa.Table):
        seen.drop(conn)
    return bool(orphans or stale or new)


def _kept(conn: Connection, seen: sa.FromClause) -> sa.Table:
    """The rows of a small first_seen in a temporary table, for the caller to drop."""
    kept = sa.Table(f"first_seen_{uuid.uuid4().hex[:8]}", sa.MetaData(), sa.Column("customer_id", sa.String),
                    sa.Column("first_day", sa.Date), prefixes=["TEMPORARY"])
    kept.create(conn)
    conn.execute(sa.insert(kept).from_select(["customer_id", "first_day"], sa.select(seen.c.customer_id,
                                                                                      seen.c.first_day)))
    return kept


def mark_from_file(conn: Connection, ids: sa.Select) -> None:
    """Customers a customers file now holds are no longer known only from transactions."""
    conn.execute(sa.update(customers).where(from_transactions(), customers.c.customer_id.in_(ids))
                 .values(origin=None))
