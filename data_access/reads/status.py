"""Status reads: what the page frame and the data health panel show (date range, filter options, data version,
last import, scorers, rows per dataset). Plain functions on a connection: data_access.cache composes and caches
them (status, health, data_version), so they are not registered as page reads."""

from __future__ import annotations

import json
from datetime import date, datetime, time, timedelta
from typing import Any

import pandas as pd
import sqlalchemy as sa
from sqlalchemy.engine import Connection

from analytics.sentiment import COMPANY
from analytics.settings import EARLIEST_DATE, FUTURE_DAYS
from analytics.weak_labels import is_stale
from data_access import known_customers
from data_access.contracts import DATASETS
from data_access.schema import (
    TABLES,
    app_meta,
    customers,
    import_log,
    order_days,
    purchases,
    sentiment_models,
    service_tickets,
    survey_days,
    survey_responses,
    tier_history,
)
from data_access.sql import count_if, stored


def _bounds(conn: Connection, column: sa.Column, window: tuple[datetime, datetime]) -> tuple:
    """First and last value inside the window, and overall, in one scan."""
    inside = sa.and_(column >= window[0], column < window[1])
    return conn.execute(sa.select(sa.func.min(sa.case((inside, column))), sa.func.max(sa.case((inside, column))),
                                  sa.func.min(column), sa.func.max(column))).one()


def data_date_range(conn: Connection, today: date | None = None) -> tuple[date, date] | None:
    """First and last day with survey responses or orders; None when there is no data yet.

    Dates outside EARLIEST_DATE to FUTURE_DAYS after today (stored with allow_any_date, or before that rule) do
    not stretch the span every page's period hangs on, unless no data lies inside it.
    """
    today = today or date.today()
    window = (datetime.combine(EARLIEST_DATE, time()),
              datetime.combine(today + timedelta(days=FUTURE_DAYS + 1), time()))
    bounds = [_bounds(conn, column, window) for column in (survey_responses.c.submitted_at, purchases.c.ordered_at)]
    chosen = [b[:2] for b in bounds if b[0] is not None] or [b[2:] for b in bounds if b[2] is not None]
    if not chosen:
        return None
    return min(first for first, _ in chosen).date(), max(last for _, last in chosen).date()


def data_version(conn: Connection) -> int:
    """Changes on every import; caches include it in their key."""
    value = conn.execute(sa.select(app_meta.c.value).where(app_meta.c.key == "data_version")).scalar()
    return int(value or 0)


def sentiment_scorers(conn: Connection) -> list[str]:
    """The scorers behind the stored sentiment, so pages can say which one they show."""
    column = survey_responses.c.sentiment_scorer
    rows = conn.execute(sa.select(column).where(column.is_not(None)).distinct().order_by(column))
    return [row[0] for row in rows]


def rated_comment() -> list[sa.ColumnElement]:
    """A survey comment with an NPS or CSAT answer beside it: what the company scorer learns from."""
    r = survey_responses.c
    return [r.comment.is_not(None), sa.func.trim(r.comment) != "", sa.or_(r.nps.is_not(None), r.csat.is_not(None))]


def count_rated(conn: Connection) -> int:
    return conn.execute(sa.select(sa.func.count()).where(*rated_comment())).scalar_one()


def latest_company_model(*columns: sa.ColumnElement | sa.Table) -> sa.Select:
    """The latest company scorer's row (these columns of it): what the page status shows and imports use."""
    return (sa.select(*columns).where(sentiment_models.c.scorer == COMPANY)
            .order_by(sentiment_models.c.trained_at.desc()).limit(1))


def company_scorer(conn: Connection) -> dict[str, Any] | None:
    """When the latest company scorer was trained, on how many rated comments, and its figures (not the model);
    None when none was trained, or the database is a warehouse without the app's own tables."""
    if not stored(conn, sentiment_models):
        return None
    row = conn.execute(latest_company_model(sentiment_models.c.trained_at, sentiment_models.c.rated_comments,
                                            sentiment_models.c.figures)).first()
    if row is None:
        return None
    return {"trained_at": row.trained_at, "rated_comments": row.rated_comments, "figures": json.loads(row.figures),
            "stale": is_stale(row.rated_comments, count_rated(conn))}


def last_import(conn: Connection) -> datetime | None:
    """When data last changed, for the 'data as of' line."""
    return conn.execute(sa.select(sa.func.max(import_log.c.imported_at))).scalar()


def filter_options(conn: Connection) -> dict[str, list[str]]:
    """The values the global filters offer: segments, regions and channels present in the data."""
    def distinct(column: sa.ColumnElement) -> list[str]:
        return [v for (v,) in conn.execute(sa.select(column).where(column.is_not(None)).distinct().order_by(column))]

    def summarised(column: sa.ColumnElement, summary: sa.Column) -> sa.ColumnElement:  # not millions of rows
        return summary if stored(conn, summary.table) else column

    channels = sorted(set(distinct(summarised(survey_responses.c.channel, survey_days.c.channel)))
                      | set(distinct(summarised(purchases.c.channel, order_days.c.channel)))
                      | set(distinct(service_tickets.c.channel)))
    return {"segments": distinct(customers.c.segment), "regions": distinct(customers.c.region),
            "channels": channels}


DATASET_DATES = {"customers": customers.c.joined_at, "tier_history": tier_history.c.effective_from,
                 "survey": survey_responses.c.submitted_at, "service": service_tickets.c.opened_at,
                 "purchases": purchases.c.ordered_at}


def data_health(conn: Connection, with_imports: bool = True) -> pd.DataFrame:
    """Per dataset: rows, first and last date, last import, and the rows of customers no customers file holds.

    with_imports=False for read-only warehouses, which have no import log (nor customers.origin).
    """
    last_import = dict(conn.execute(sa.select(import_log.c.dataset, sa.func.max(import_log.c.imported_at))
                                    .group_by(import_log.c.dataset)).all()) if with_imports else {}
    rows = []
    for contract in DATASETS.values():
        table = TABLES[contract.table]
        measures = [sa.func.count().label("rows")]
        if contract.name in DATASET_DATES:
            measures += [sa.func.min(DATASET_DATES[contract.name]).label("first"),
                         sa.func.max(DATASET_DATES[contract.name]).label("last")]
        if contract.references_customers and with_imports:
            on_file = sa.exists().where(customers.c.customer_id == table.c.customer_id, known_customers.from_file())
            measures.append(count_if(~on_file).label("customers_not_on_file"))
        row = conn.execute(sa.select(*measures).select_from(table)).one()._asdict()
        rows.append({"dataset": contract.name, **row, "last_import": last_import.get(contract.name)})
    return pd.DataFrame(rows, columns=["dataset", "rows", "first", "last", "last_import", "customers_not_on_file"])


def data_checks(conn: Connection, with_origin: bool = True) -> dict[str, int]:
    """Counts behind the health panel's checks: comments, customers without a tier, customers known only from
    transactions (not on a read-only warehouse, whose customers have no origin)."""
    r = survey_responses.c
    responses, commented = conn.execute(sa.select(sa.func.count(), sa.func.count(r.comment))).one()
    members, untiered = conn.execute(sa.select(sa.func.count(), count_if(customers.c.tier.is_(None)))).one()
    from_transactions = conn.execute(sa.select(count_if(known_customers.from_transactions()))).scalar_one() \
        if with_origin else 0
    return {"responses": responses, "responses_with_comment": commented, "customers": members,
            "customers_without_tier": untiered, "customers_from_transactions": from_transactions}
