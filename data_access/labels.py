"""One spelling per label: "Email", "email " and "EMAIL" are one channel, shown as first spelled.

Labels are grouped in SQL and coloured by name, so they are unified once, at import, in this one place: a
label is compared without case and surrounding spaces, and takes the spelling already stored (or the first
spelling the import met). Values that differ in more than that stay apart.
"""

from __future__ import annotations

import pandas as pd
import sqlalchemy as sa
from sqlalchemy.engine import Connection

from data_access.schema import TABLES, touchpoints

LABEL_COLUMNS = ("touchpoint", "stage", "channel", "category", "priority", "status", "segment", "region")


def label_key(label: object) -> str:
    """What two spellings of one label share."""
    return str(label).strip().casefold()


class Spellings:
    """The spelling each label key has in the database, learnt once per import and per column."""

    def __init__(self, conn: Connection, table_name: str) -> None:
        self.conn, self.table = conn, TABLES[table_name]
        self.known: dict[str, dict[str, str]] = {}  # column -> {label key: spelling}

    def _stored(self, column: str) -> dict[str, str]:
        sources = [self.table.c[column]]
        if column == "touchpoint" and self.table is not touchpoints:
            sources.insert(0, touchpoints.c.touchpoint)  # answers take the journey's spelling
        spelled: dict[str, str] = {}
        for source in sources:
            for (value,) in self.conn.execute(sa.select(source).where(source.is_not(None)).distinct()
                                              .order_by(source)):
                spelled.setdefault(label_key(value), value)
        return spelled

    def unify(self, frame: pd.DataFrame) -> pd.DataFrame:
        """The frame with every label column in one spelling per label."""
        for column in (c for c in LABEL_COLUMNS if c in frame and c in self.table.c):
            if column not in self.known:
                self.known[column] = self._stored(column)
            spelled = self.known[column]
            text = frame[column].astype("string").str.strip()
            distinct = text.dropna().unique()
            for value in distinct:
                spelled.setdefault(label_key(value), value)
            frame[column] = text.map({value: spelled[label_key(value)] for value in distinct}).astype("string")
        return frame
