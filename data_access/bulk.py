"""Fast bulk copy of a validated frame into a staging table, per dialect, with a portable fallback.

The one place that uses driver-level APIs: DuckDB reads the frame in place, PostgreSQL takes COPY,
any other engine gets executemany.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pandas as pd
import sqlalchemy as sa
from sqlalchemy.engine import Connection

COPY_ROWS = 50_000


def _records(frame: pd.DataFrame) -> list[tuple]:
    clean = frame.astype(object).where(frame.notna(), None)
    return list(clean.itertuples(index=False, name=None))


def _driver_connection(conn: Connection) -> Any:
    """The driver's own connection under the pooled one (None only once the pool has invalidated it)."""
    raw = conn.connection.driver_connection
    if raw is None:
        raise sa.exc.InvalidRequestError("the database connection was invalidated")
    return raw


def _fill_duckdb(conn: Connection, table: sa.Table, frame: pd.DataFrame) -> None:
    raw = _driver_connection(conn)
    view = f"{table.name}_frame"
    raw.register(view, frame)
    try:
        source = sa.table(view, *(sa.column(c) for c in frame.columns))
        conn.execute(sa.insert(table).from_select(list(frame.columns), sa.select(*source.c)))
    finally:
        raw.unregister(view)


def _fill_postgresql(conn: Connection, table: sa.Table, frame: pd.DataFrame) -> None:
    preparer = conn.dialect.identifier_preparer
    columns = ", ".join(preparer.quote(c) for c in frame.columns)
    statement = f"COPY {preparer.format_table(table)} ({columns}) FROM STDIN"
    with _driver_connection(conn).cursor() as cursor, cursor.copy(statement) as copy:
        for start in range(0, len(frame), COPY_ROWS):
            for record in _records(frame.iloc[start:start + COPY_ROWS]):
                copy.write_row(record)


def _fill_generic(conn: Connection, table: sa.Table, frame: pd.DataFrame) -> None:
    for start in range(0, len(frame), COPY_ROWS):
        rows = [dict(zip(frame.columns, r, strict=True)) for r in _records(frame.iloc[start:start + COPY_ROWS])]
        conn.execute(sa.insert(table), rows)


FILLERS: dict[str, Callable[[Connection, sa.Table, pd.DataFrame], None]] = {
    "duckdb": _fill_duckdb,
    "postgresql": _fill_postgresql,
}


def fill(conn: Connection, table: sa.Table, frame: pd.DataFrame) -> None:
    """Append every row of frame (columns named as the table's) to table."""
    if frame.empty:
        return
    FILLERS.get(conn.dialect.name, _fill_generic)(conn, table, frame)
