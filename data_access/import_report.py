"""What an import did, counted in the unit it read (file rows or lines) and the records they formed."""

from __future__ import annotations

from dataclasses import dataclass, field

import pandas as pd

REJECTION_COLUMNS = ["file", "row", "column", "value", "reason"]


def _no_rejections() -> pd.DataFrame:
    return pd.DataFrame({"file": pd.Series(dtype=object), "row": pd.Series(dtype="int64"),
                         "column": pd.Series(dtype=object), "value": pd.Series(dtype=object),
                         "reason": pd.Series(dtype=object)})


def counted(count: int, unit: str) -> str:
    """'1 row', '2 rows': units are plural nouns ending in s."""
    return f"{count:,} {unit[:-1] if count == 1 else unit}"


@dataclass
class ImportReport:
    """What an import did, counted in the unit it read (file rows or lines) and in the records they formed
    (orders from lines, responses from a wide survey's rows), with every rejected row and the scorer used."""

    dataset: str
    source: str
    rows_read: int
    inserted: int = 0
    updated: int = 0
    unchanged: int = 0
    rejections: pd.DataFrame = field(default_factory=_no_rejections)
    scorer: str | None = None
    data_version: int | None = None
    records: int = 0  # records formed from the rows (equal to rows_read for one row per record)
    rejected_records: int = 0
    unit: str = "rows"
    record_unit: str = "rows"
    files: int = 1
    notes: list[str] = field(default_factory=list)  # what the reader noticed, e.g. a missing header row

    def add_rejections(self, *found: pd.DataFrame) -> None:
        """Collect rejected rows from each step, row numbers kept as whole numbers."""
        frames = [self.rejections, *(f[REJECTION_COLUMNS] for f in found if not f.empty)]
        self.rejections = pd.concat(frames, ignore_index=True).astype({"row": "int64"})

    @property
    def rejected(self) -> int:
        """Rejected file rows (lines, for order lines): every row of a rejected record counts."""
        return len(self.rejections[["file", "row"]].drop_duplicates()) if not self.rejections.empty else 0

    @property
    def stored(self) -> int:
        return self.inserted + self.updated + self.unchanged

    def reasons(self) -> pd.DataFrame:
        """Rejections grouped by column and reason, with a count of rows and the first rows of each."""
        if self.rejections.empty:
            return pd.DataFrame(columns=["column", "reason", "rows", "first_rows"])
        found = self.rejections.sort_values(["file", "row", "column"], kind="stable")
        where = (found["file"] + " row " if self.files > 1 else "") + found["row"].astype(str)
        grouped = found.assign(where=where).groupby(["column", "reason"], sort=False)
        return pd.DataFrame({
            "rows": grouped["where"].nunique(),
            "first_rows": grouped["where"].apply(lambda rows: ", ".join(rows.drop_duplicates().head(5))),
        }).reset_index()

    def summary(self) -> str:
        """One paragraph for a terminal or a notice, in the unit read and the records formed."""
        read = f"{counted(self.rows_read, self.unit)} read"
        if self.record_unit != self.unit:
            read += f" ({counted(self.records, self.record_unit)})"
        rejected = f"{counted(self.rejected_records, self.record_unit)} rejected"
        if self.record_unit != self.unit:
            rejected += f" ({counted(self.rejected, self.unit)})"
        text = (f"{self.source} → {self.dataset}: {read}; {self.inserted:,} inserted, {self.updated:,} updated, "
                f"{self.unchanged:,} unchanged, {rejected}.")
        if self.scorer:
            text += f" Sentiment scored by {self.scorer}."
        return " ".join([text, *self.notes])
