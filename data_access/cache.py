"""The app's door to the database: one engine per process, results cached by query, filters and data version.

The only module in data_access that imports Streamlit.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pandas as pd
import streamlit as st
from sqlalchemy.engine import Connection, Engine

from data_access import queries
from data_access.db import open_database
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
}


@st.cache_resource(show_spinner=False)
def engine() -> Engine:
    """The configured database, connected and migrated once per process."""
    return open_database(database_url(), read_only=read_only())


def _with_connection(read: Callable[[Connection], Any]) -> Any:
    with engine().connect() as conn:
        return read(conn)


@st.cache_data(show_spinner=False, ttl=1)
def data_version() -> int:
    """Re-read at most once a second, so an import anywhere (app or CLI) shows on the next rerun."""
    return _with_connection(queries.data_version)


@st.cache_data(show_spinner=False, max_entries=64)
def status(version: int) -> dict[str, Any]:
    """Date range, filter options, last import and scorer: what the page frame needs."""
    def read(conn: Connection) -> dict[str, Any]:
        return {"span": queries.data_date_range(conn), "options": queries.filter_options(conn),
                "last_import": queries.last_import(conn), "scorers": queries.sentiment_scorers(conn)}
    return _with_connection(read)


@st.cache_data(show_spinner=False, max_entries=512)
def _cached_read(name: str, version: int, args: tuple, kwargs: tuple) -> pd.DataFrame:
    return _with_connection(lambda conn: READS[name](conn, *args, **dict(kwargs)))


def read(name: str, *args: Any, **kwargs: Any) -> pd.DataFrame:
    """A named query's result, cached until the data version changes."""
    return _cached_read(name, data_version(), args, tuple(sorted(kwargs.items())))
