"""Closed-loop reads: the view's unhappy answers and tickets, newest first, with who follows each up and how far.

An item is a detractor's answer (NPS 0-6) or a ticket rated LOW_CSAT_UP_TO or less on its 1-5 scale, in the
period and the global filters. Without a closed_loop row an item is new. The customer's spend in the SPEND_DAYS
before the item is summed for the listed rows only, after the LIMIT, so the list costs about the same on a
million answers as on the demo's forty thousand.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

import pandas as pd
import sqlalchemy as sa
from sqlalchemy.engine import Connection

from analytics.settings import DETRACTOR_UP_TO, LOW_CSAT_UP_TO
from data_access.closed_loop_store import NEW, STATUSES
from data_access.filters import (
    Filters,
    channel_conditions,
    customer_conditions,
    period_conditions,
    tier_label,
)
from data_access.reads.registry import cached_read
from data_access.schema import closed_loop, customers, purchases, service_tickets, survey_responses
from data_access.sql import count_if, frame, survey_source, survey_where, with_customers
from data_access.sql import stored as has_table

SPEND_DAYS = 365  # "spend in the last 12 months": net order amounts (returns included) before the item
LIMIT = 200
TICKET_TOUCHPOINT = "Service"  # a ticket's touchpoint when it has no category
SECONDS_PER_DAY = 86_400
_r, _t, _p = survey_responses.c, service_tickets.c, purchases.c


@dataclass(frozen=True)
class FollowUpSummary:
    """How many items of the view are at each status, and the median days from an item to its first contact."""

    counts: dict[str, int]  # every status in STATUSES order, zeros included
    median_days_to_contact: float | None  # None until an item was contacted

    @property
    def total(self) -> int:
        return sum(self.counts.values())


def _answers(filters: Filters) -> sa.Select:
    return (sa.select(sa.literal("answer").label("source"), _r.response_id.label("source_id"),
                      _r.submitted_at.label("at"), _r.customer_id, _r.touchpoint, sa.literal("NPS").label("measure"),
                      _r.nps.label("score"), _r.comment.label("text"))
            .select_from(survey_source(filters)).where(_r.nps <= DETRACTOR_UP_TO, *survey_where(filters)))


def _tickets(filters: Filters) -> sa.Select:
    return (sa.select(sa.literal("ticket"), _t.ticket_id, _t.opened_at, _t.customer_id,
                      sa.func.coalesce(_t.category, sa.literal(TICKET_TOUCHPOINT)), sa.literal("Ticket CSAT"),
                      _t.csat, _t.description)
            .select_from(with_customers(service_tickets, _t.customer_id, filters))
            .where(_t.csat <= LOW_CSAT_UP_TO, *period_conditions(_t.opened_at, filters),
                   *customer_conditions(filters), *channel_conditions(_t.channel, filters)))


def _follow_ups(conn: Connection) -> sa.FromClause:
    """closed_loop, or an empty stand-in where a read-only warehouse lacks it (every item is then new)."""
    if has_table(conn, closed_loop):
        return closed_loop
    return (sa.select(*(sa.cast(sa.null(), c.type).label(c.name) for c in closed_loop.columns))
            .where(sa.false()).subquery("closed_loop"))


def _items(conn: Connection, filters: Filters) -> tuple[sa.Join, sa.ColumnCollection, sa.ColumnElement]:
    """The view's items outer-joined to their follow-ups: (source, the items' columns, each item's status)."""
    items = sa.union_all(_answers(filters), _tickets(filters)).subquery("items")
    loop = _follow_ups(conn)
    source = items.outerjoin(loop, sa.and_(loop.c.source == items.c.source, loop.c.source_id == items.c.source_id))
    return source, items.c, sa.func.coalesce(loop.c.status, sa.literal(NEW))


def _status_is(status: str | None, state: sa.ColumnElement) -> list[sa.ColumnElement]:
    if status is None:
        return []
    if status not in STATUSES:
        raise ValueError(f"unknown status {status!r}; choose one of: {', '.join(STATUSES)}")
    return [state == status]


@cached_read
def listed(conn: Connection, filters: Filters, *, as_of: date, status: str | None = None,
           limit: int = LIMIT) -> pd.DataFrame:
    """The newest `limit` items of the view (of one status, if given) with their follow-up, the customer's tier,
    spend in the SPEND_DAYS before the item, and age in days on as_of (the data's last day)."""
    source, item, state = _items(conn, filters)
    loop = source.right.c
    page = (sa.select(*item, state.label("status"), loop.owner, loop.outcome, loop.first_contact_at)
            .select_from(source).where(*_status_is(status, state))
            .order_by(item.at.desc(), item.source, item.source_id).limit(limit).cte("listed"))
    key = (page.c.source, page.c.source_id)
    spend = (sa.select(*key, sa.func.sum(_p.amount).label("spend"))
             .select_from(page.join(purchases, sa.and_(
                 _p.customer_id == page.c.customer_id, _p.ordered_at >= page.c.at - timedelta(days=SPEND_DAYS),
                 _p.ordered_at < page.c.at)))
             .group_by(*key).subquery("spend"))
    data = frame(conn, sa.select(*page.c, tier_label(), sa.func.coalesce(spend.c.spend, 0.0).label("spend_12m"))
                 .select_from(page.outerjoin(customers, customers.c.customer_id == page.c.customer_id)
                              .outerjoin(spend, sa.and_(spend.c.source == page.c.source,
                                                        spend.c.source_id == page.c.source_id)))
                 .order_by(page.c.at.desc(), *key))
    data["at"] = pd.to_datetime(data["at"])
    data["age_days"] = (pd.Timestamp(as_of) - data["at"].dt.normalize()).dt.days
    return data


@cached_read
def summary(conn: Connection, filters: Filters) -> FollowUpSummary:
    """Items of the view per status, counted in the engine, and the median days from item to first contact, over
    the contacted items only (people contact a few): portable SQL, no interval arithmetic."""
    source, item, state = _items(conn, filters)
    counts = conn.execute(sa.select(*(count_if(state == s).label(s) for s in STATUSES)).select_from(source)).one()
    contact = source.right.c.first_contact_at
    contacted = frame(conn, sa.select(item.at, contact).select_from(source).where(contact.is_not(None)))
    days = (pd.to_datetime(contacted["first_contact_at"]) - pd.to_datetime(contacted["at"])).dt.total_seconds()
    middle = days.median() / SECONDS_PER_DAY
    return FollowUpSummary({s: int(counts._mapping[s]) for s in STATUSES}, None if pd.isna(middle) else float(middle))
