"""SQL building blocks every read shares: running a statement into a frame, the survey's sources, measures and
conditions, the NPS groups, purchases vs returns, and whether a pre-aggregated table is there to read."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal
from typing import Any, TypedDict

import pandas as pd
import sqlalchemy as sa
from sqlalchemy.engine import Connection

from analytics.settings import CSAT_TOP_FROM, DETRACTOR_UP_TO, PROMOTER_FROM
from data_access.filters import Filters, channel_conditions, customer_conditions, period_conditions
from data_access.schema import customers, purchases, service_tickets, survey_responses, touchpoints


def frame(conn: Connection, statement: sa.Executable) -> pd.DataFrame:
    """Run a statement; Decimal sums (PostgreSQL's bigint sums) become floats."""
    result = conn.execute(statement)
    data = pd.DataFrame(result.all(), columns=list(result.keys()))
    for column in data.columns:
        if data[column].map(lambda v: isinstance(v, Decimal)).any():
            data[column] = data[column].astype("float64")
    return data


class Window(TypedDict):
    """The PARTITION BY and ORDER BY that several window functions share: `fn().over(**window)`."""

    partition_by: Any  # a column or a tuple of them, as FunctionElement.over takes them
    order_by: Any


def count_if(condition: sa.ColumnElement) -> sa.ColumnElement:
    return sa.func.count(sa.case((condition, 1)))


def stored(conn: Connection, table: sa.Table) -> bool:
    """Whether a pre-aggregated table exists here (a warehouse may not have materialised it)."""
    return sa.inspect(conn).has_table(table.name)


def pre_aggregated(conn: Connection, table: sa.Table, inline: sa.Select, fits: bool = True) -> sa.FromClause:
    """The pre-aggregated table where it exists and fits the read, else the SELECT that fills it, inline.

    Inline covers a warehouse that has not materialised the table, and a window other than the stored one.
    """
    if fits and stored(conn, table):
        return table
    return inline.subquery(table.name)


def nps_groups(nps: sa.ColumnElement) -> dict[str, sa.ColumnElement]:
    """Promoter / Passive / Detractor as SQL conditions, from the one definition in analytics.nps."""
    return {"Promoter": nps >= PROMOTER_FROM, "Passive": nps.between(DETRACTOR_UP_TO + 1, PROMOTER_FROM - 1),
            "Detractor": nps <= DETRACTOR_UP_TO}


NPS_COUNTS = ("promoters", "passives", "detractors")  # the counts analytics.nps works from, as columns


def nps_counts(nps: sa.ColumnElement) -> list[sa.ColumnElement]:
    return [count_if(condition).label(name) for name, condition in zip(NPS_COUNTS, nps_groups(nps).values(),
                                                                         strict=True)]


def survey_measures() -> list[sa.ColumnElement]:
    r = survey_responses.c
    return [
        sa.func.count().label("responses"),
        *nps_counts(r.nps),
        sa.func.count(r.csat).label("csat_n"),
        count_if(r.csat >= CSAT_TOP_FROM).label("csat_top2"),
        sa.func.count(r.ces).label("ces_n"),
        sa.func.coalesce(sa.func.sum(r.ces), 0).label("ces_sum"),
        sa.func.coalesce(sa.func.sum(r.ces * r.ces), 0).label("ces_squares"),
        sa.func.count(r.sentiment).label("sentiment_n"),
        sa.func.coalesce(sa.func.sum(r.sentiment), 0.0).label("sentiment_sum"),
        sa.func.coalesce(sa.func.sum(r.sentiment * r.sentiment), 0.0).label("sentiment_squares"),
        count_if(r.sentiment_band == "negative").label("sentiment_negative"),
    ]


def with_customers(table: sa.Table, customer_id: sa.ColumnElement, filters: Filters) -> sa.FromClause:
    """The table, outer-joined to customers only when a customer filter needs them.

    The join is on the customers' key, so it never changes the rows: leaving it out changes no number and
    saves a hash join over every row read (bench/README.md, fixes 1 and 2).
    """
    if not customer_conditions(filters):
        return table
    return table.outerjoin(customers, customers.c.customer_id == customer_id)


CUSTOMER_GROUPS = frozenset({"tier", "segment", "region"})
JOURNEY_GROUPS = frozenset({"stage", "stage_order"})


def survey_source(filters: Filters, by: tuple[str, ...] = ()) -> sa.FromClause:
    """survey_responses joined to customers and touchpoints only when a filter or a grouping needs them.

    Both are outer joins on the other table's key, so they never change the rows; leaving them out changes
    no number and saves most of the read at scale (bench/README.md, fix 1).
    """
    source: sa.FromClause = survey_responses
    if customer_conditions(filters) or CUSTOMER_GROUPS & set(by):
        source = source.outerjoin(customers, customers.c.customer_id == survey_responses.c.customer_id)
    if JOURNEY_GROUPS & set(by):
        source = source.outerjoin(touchpoints, touchpoints.c.touchpoint == survey_responses.c.touchpoint)
    return source


def survey_from() -> sa.FromClause:
    """survey_responses with both joins, for reads that select customer or journey columns."""
    return survey_source(Filters(), (*CUSTOMER_GROUPS, *JOURNEY_GROUPS))


def answered_at(answers: sa.Table) -> sa.ColumnElement:
    """When the answers were given: each answer's moment, or the day its sums cover."""
    return answers.c.submitted_at if answers is survey_responses else answers.c.day


def customer_columns(answers: sa.Table) -> sa.ColumnCollection:
    """Where the answers' customer attributes are: the joined customers, or the copies in survey_days."""
    return customers.c if answers is survey_responses else answers.c


def survey_where(filters: Filters, answers: sa.Table = survey_responses) -> list[sa.ColumnElement]:
    return (period_conditions(answered_at(answers), filters)
            + customer_conditions(filters, customer_columns(answers))
            + channel_conditions(answers.c.channel, filters))


def is_purchase(amount: sa.ColumnElement) -> sa.ColumnElement:
    """A purchase order: a positive amount. Negative amounts are returns and cancellations (docs/metrics.md)."""
    return amount > 0


def is_return(amount: sa.ColumnElement) -> sa.ColumnElement:
    return amount < 0


def after(moment: sa.ColumnElement, later: sa.ColumnElement, days: int) -> sa.ColumnElement:
    return sa.and_(later > moment, later <= moment + timedelta(days=days))


def events(filters: Filters, of_customers: sa.Select | None = None) -> sa.Subquery:
    """Every customer event in the view: survey answers (named by journey stage), tickets and orders; with
    of_customers (a SELECT of customer ids), only those customers' events, restricted in each branch so each table's
    customer index can serve it."""
    r, t, p = survey_responses.c, service_tickets.c, purchases.c

    def named(customer: sa.ColumnElement) -> list[sa.ColumnElement]:
        return [] if of_customers is None else [customer.in_(of_customers)]

    def of(table: sa.Table, customer: sa.ColumnElement, moment: sa.ColumnElement, label: sa.ColumnElement,
           channel: sa.ColumnElement) -> sa.Select:
        return (sa.select(customer.label("customer_id"), moment.label("at"), label.label("event"))
                .select_from(with_customers(table, customer, filters))
                .where(*period_conditions(moment, filters), *customer_conditions(filters),
                       *channel_conditions(channel, filters), *named(customer)))

    surveys = (sa.select(r.customer_id, r.submitted_at.label("at"),
                         sa.func.coalesce(touchpoints.c.stage, sa.literal("Other feedback")).label("event"))
               .select_from(survey_source(filters, ("stage",))).where(*survey_where(filters), *named(r.customer_id)))
    return sa.union_all(surveys, of(service_tickets, t.customer_id, t.opened_at, sa.literal("Support ticket"),
                                    t.channel),
                        of(purchases, p.customer_id, p.ordered_at, sa.literal("Order"), p.channel)).subquery("events")
