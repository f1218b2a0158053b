"""Service reads: tickets by month, service levels, the open backlog, and what followed slow and fast tickets."""

from __future__ import annotations

from datetime import datetime, timedelta

import pandas as pd
import sqlalchemy as sa
from sqlalchemy.engine import Connection

from analytics.settings import CSAT_TOP_FROM, FOLLOWUP_DAYS, SLOW_TICKET_HOURS
from data_access.compat import median, month_start
from data_access.filters import Filters, channel_conditions, customer_conditions, period_conditions
from data_access.pre_aggregates import ticket_followups_select
from data_access.reads.registry import cached_read
from data_access.schema import service_tickets, ticket_followups
from data_access.sql import NPS_COUNTS, count_if, frame, pre_aggregated, with_customers

TICKET_GROUPS = {"channel": service_tickets.c.channel, "category": service_tickets.c.category,
                 "priority": service_tickets.c.priority}


def _ticket_group(by: str) -> sa.ColumnElement:
    if by not in TICKET_GROUPS:
        raise ValueError(f"cannot group tickets by {by}")
    return sa.func.coalesce(TICKET_GROUPS[by], sa.literal("(none)")).label(by)


def _tickets_where(filters: Filters) -> list[sa.ColumnElement]:
    t = service_tickets.c
    return [*period_conditions(t.opened_at, filters), *customer_conditions(filters),
            *channel_conditions(t.channel, filters)]


def _tickets_from(filters: Filters) -> sa.FromClause:
    return with_customers(service_tickets, service_tickets.c.customer_id, filters)


@cached_read
def tickets_by_month(conn: Connection, filters: Filters, by: str = "channel") -> pd.DataFrame:
    """Tickets opened per month and group (channel, category or priority)."""
    month = month_start(service_tickets.c.opened_at).label("month")
    group = _ticket_group(by)
    statement = (sa.select(month, group, sa.func.count().label("tickets")).select_from(_tickets_from(filters))
                 .where(*_tickets_where(filters)).group_by(month, group).order_by(month, group))
    return frame(conn, statement)


@cached_read
def service_levels(conn: Connection, filters: Filters, by: str | None = "channel",
                   slow_hours: float = SLOW_TICKET_HOURS) -> pd.DataFrame:
    """Per group (or over all tickets, by=None): tickets, median hours to first response and to resolution,
    tickets over the slow limit, CSAT."""
    t = service_tickets.c
    group = [_ticket_group(by)] if by else []
    statement = (sa.select(*group, sa.func.count().label("tickets"), sa.func.count(t.resolved_at).label("resolved"),
                           median(t.first_response_hours).label("median_first_response_hours"),
                           median(t.resolution_hours).label("median_resolution_hours"),
                           count_if(t.resolution_hours > slow_hours).label("slow"),
                           sa.func.count(t.csat).label("csat_n"), count_if(t.csat >= CSAT_TOP_FROM).label("csat_top2"))
                 .select_from(_tickets_from(filters)).where(*_tickets_where(filters)).group_by(*group)
                 .order_by(*group))
    return frame(conn, statement)


@cached_read
def backlog_by_month(conn: Connection, filters: Filters, month_ends: list[datetime]) -> pd.DataFrame:
    """Tickets open at each month end: opened by then and not yet resolved (customer filters apply)."""
    t = service_tickets.c
    ends = sa.values(sa.column("month_end", sa.DateTime), name="month_ends").data([(end,) for end in month_ends])
    open_then = sa.and_(t.opened_at <= ends.c.month_end,
                        sa.or_(t.resolved_at.is_(None), t.resolved_at > ends.c.month_end))
    statement = (sa.select(ends.c.month_end, sa.func.count(t.ticket_id).label("open_tickets"))
                 .select_from(ends.outerjoin(_tickets_from(filters), sa.and_(
                     open_then, *customer_conditions(filters), *channel_conditions(t.channel, filters))))
                 .group_by(ends.c.month_end).order_by(ends.c.month_end))
    return frame(conn, statement)


@cached_read
def ticket_outcomes(conn: Connection, filters: Filters, data_end: datetime, slow_hours: float = SLOW_TICKET_HOURS,
                    horizon_days: int = FOLLOWUP_DAYS) -> pd.DataFrame:
    """Slow vs fast resolution: NPS of later responses and spend in the days after, per ticket.

    Only tickets resolved at least horizon_days before the data ends count, so every ticket has a full window.
    """
    t = service_tickets.c
    followups = pre_aggregated(conn, ticket_followups, ticket_followups_select(horizon_days),
                               fits=horizon_days == FOLLOWUP_DAYS)
    f = followups.c
    speed = sa.case((t.resolution_hours > slow_hours, "slow"), else_="fast").label("speed")
    statement = (sa.select(speed, sa.func.count().label("tickets"),
                           sa.func.coalesce(sa.func.sum(f.spend_after), 0.0).label("spend"),
                           count_if(f.orders_after > 0).label("tickets_followed_by_order"),
                           *(sa.func.coalesce(sa.func.sum(f[f"{group}_after"]), 0).label(group)
                             for group in NPS_COUNTS))
                 .select_from(_tickets_from(filters).join(followups, f.ticket_id == t.ticket_id))
                 .where(t.resolved_at <= data_end - timedelta(days=horizon_days),
                        *period_conditions(t.resolved_at, filters), *customer_conditions(filters),
                        *channel_conditions(t.channel, filters))
                 .group_by(speed).order_by(speed))
    return frame(conn, statement)
