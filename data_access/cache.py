"""The app's door to the database: one engine per process, results cached by query, filters and data version.

The only module in data_access that imports Streamlit.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

import pandas as pd
import sqlalchemy as sa
import streamlit as st
from sqlalchemy.engine import Connection, Engine

from data_access import comments, queries
from data_access.db import DatabaseError, explain, open_database
from data_access.loaders import ImportReport, import_dataset, remove_dataset
from data_access.settings import database_url, read_only

# The reads pages may ask for by name: an allow-list, so a page never reaches arbitrary code or SQL.
READS: dict[str, Callable[..., Any]] = {
    "survey_counts": queries.survey_counts,
    "loyalty_by_tier": queries.loyalty_by_tier,
    "tier_migration": queries.tier_migration,
    "ticket_outcomes": queries.ticket_outcomes,
    "nps_group_outcomes": queries.nps_group_outcomes,
    "points_by_month": queries.points_by_month,
    "journey_paths": queries.journey_paths,
    "touchpoint_drivers": queries.touchpoint_drivers,
    "touchpoints_per_customer": queries.touchpoints_per_customer,
    "tickets_by_month": queries.tickets_by_month,
    "ticket_service_levels": queries.ticket_service_levels,
    "backlog_by_month": queries.backlog_by_month,
    "journey_stages": queries.journey_stages,
    "comments": comments.comments,
    "comment_count": comments.comment_count,
    "comments_by_touchpoint": comments.comments_by_touchpoint,
    "comment_sample": comments.comment_sample,
    "touchpoint_stages": comments.touchpoint_stages,
}


@st.cache_resource(show_spinner=False)
def engine() -> Engine:
    """The configured database, connected and migrated once per process."""
    return open_database(database_url(), read_only=read_only())


def _with_connection(read: Callable[[Connection], Any]) -> Any:
    """Run a read; a driver error becomes a DatabaseError that says what to check."""
    database = engine()
    try:
        with database.connect() as conn:
            return read(conn)
    except sa.exc.SQLAlchemyError as error:
        raise explain(error, database.url.render_as_string(hide_password=False)) from None


READ_ONLY_REFRESH_SECONDS = 600


@st.cache_data(show_spinner=False, ttl=1)
def data_version() -> int:
    """Re-read at most once a second, so an import anywhere (app or CLI) shows on the next rerun.

    A read-only warehouse has no import log to version, so there results refresh every ten minutes.
    """
    if read_only():
        return int(time.time() // READ_ONLY_REFRESH_SECONDS)
    return _with_connection(queries.data_version)


@st.cache_data(show_spinner=False, max_entries=64)
def status(version: int) -> dict[str, Any]:
    """Date range, filter options, last import and scorer: what the page frame needs."""
    def read(conn: Connection) -> dict[str, Any]:
        return {"span": queries.data_date_range(conn), "options": queries.filter_options(conn),
                "last_import": None if read_only() else queries.last_import(conn),
                "scorers": queries.sentiment_scorers(conn)}
    return _with_connection(read)


@st.cache_data(show_spinner=False, max_entries=512)
def _cached_read(name: str, version: int, args: tuple, kwargs: tuple) -> pd.DataFrame:
    return _with_connection(lambda conn: READS[name](conn, *args, **dict(kwargs)))


def read(name: str, *args: Any, **kwargs: Any) -> pd.DataFrame:
    """A named query's result, cached until the data version changes; a failure stops the page with a message."""
    try:
        return _cached_read(name, data_version(), args, tuple(sorted(kwargs.items())))
    except DatabaseError as error:
        st.error(f"**The data could not be read.** {error}")
        st.stop()


@st.cache_data(show_spinner=False, max_entries=16)
def health(version: int) -> tuple[pd.DataFrame, dict[str, int]]:
    """The data health panel's figures."""
    return _with_connection(lambda conn: (queries.data_health(conn, with_imports=not read_only()),
                                          queries.data_checks(conn)))


def writable() -> bool:
    """False in read-only mode, where imports are disabled."""
    return not read_only()


def import_file(dataset_name: str, source: Any, **options: Any) -> ImportReport:
    """Import through the one loader, then drop cached results so every page shows the new data at once."""
    report = import_dataset(engine(), dataset_name, source, **options)
    st.cache_data.clear()
    return report


def remove(dataset_name: str) -> ImportReport:
    """Delete a dataset's rows (after the person confirmed), then drop cached results."""
    report = remove_dataset(engine(), dataset_name)
    st.cache_data.clear()
    return report
