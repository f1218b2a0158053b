"""The one write path for customer data: read, map, validate, score, upsert in one transaction, report."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime

import pandas as pd
import sqlalchemy as sa
from sqlalchemy.engine import Connection, Engine

from analytics.sentiment import score_texts
from data_access import bulk
from data_access.contracts import Dataset, dataset
from data_access.readers import ImportRejected, Source, read_table, source_name
from data_access.schema import TABLES, app_meta, customers, import_log
from data_access.validate import Validated, map_columns, validate

Progress = Callable[[str, float], None]  # (what is happening, fraction done 0..1)
HOURS = pd.Timedelta(hours=1)


@dataclass
class ImportReport:
    """What an import did: counts, every rejected cell, and the scorer behind stored sentiment."""

    dataset: str
    source: str
    rows_read: int
    inserted: int = 0
    updated: int = 0
    unchanged: int = 0
    rejections: pd.DataFrame = field(default_factory=pd.DataFrame)
    scorer: str | None = None
    data_version: int | None = None

    @property
    def rejected(self) -> int:
        return int(self.rejections["row"].nunique()) if not self.rejections.empty else 0

    @property
    def stored(self) -> int:
        return self.inserted + self.updated + self.unchanged

    def reasons(self) -> pd.DataFrame:
        """Rejections grouped by column and reason, with a count and the first rows of each."""
        if self.rejections.empty:
            return pd.DataFrame(columns=["column", "reason", "rows", "first_rows"])
        grouped = self.rejections.groupby(["column", "reason"], sort=False)["row"]
        return pd.DataFrame({
            "rows": grouped.nunique(),
            "first_rows": grouped.apply(lambda rows: ", ".join(map(str, sorted(rows.unique())[:5]))),
        }).reset_index()

    def summary(self) -> str:
        """One paragraph for a terminal or a notice."""
        text = (f"{self.source} → {self.dataset}: {self.rows_read} rows read, {self.inserted} inserted, "
                f"{self.updated} updated, {self.unchanged} unchanged, {self.rejected} rejected.")
        if self.scorer:
            text += f" Sentiment scored by {self.scorer}."
        return text


def _derive(frame: pd.DataFrame, contract: Dataset, present: tuple[str, ...], scorer: str | None,
            progress: Progress | None) -> tuple[pd.DataFrame, tuple[str, ...]]:
    """Columns computed once at import so pages never compute them: sentiment and service hours."""
    derived: list[str] = []
    if contract.text_column in present and scorer:
        report = (lambda done, total: progress("Scoring sentiment", done / total if total else 1.0)) \
            if progress else None
        scores = score_texts(frame[contract.text_column], scorer, progress=report)
        frame["sentiment"] = scores["sentiment"]
        frame["subjectivity"] = scores["subjectivity"]
        frame["sentiment_scorer"] = pd.Series(scorer, index=frame.index, dtype="string").where(
            frame["sentiment"].notna())
        derived += ["sentiment", "subjectivity", "sentiment_scorer"]
    for start, end, hours in (("opened_at", "first_response_at", "first_response_hours"),
                              ("opened_at", "resolved_at", "resolution_hours")):
        if contract.name == "service" and end in present:
            frame[hours] = (frame[end] - frame[start]) / HOURS
            derived.append(hours)
    return frame, tuple(derived)


def _stage(conn: Connection, target: sa.Table, frame: pd.DataFrame) -> sa.Table:
    """A temporary copy of the target's columns (plus source_row) filled with the valid rows."""
    stage = sa.Table(f"stage_{target.name}_{uuid.uuid4().hex[:8]}", sa.MetaData(),
                     *(sa.Column(c.name, c.type) for c in target.columns if c.name in frame.columns),
                     sa.Column("source_row", sa.Integer), prefixes=["TEMPORARY"])
    stage.create(conn)
    bulk.fill(conn, stage, frame[[c.name for c in stage.columns]])
    return stage


def _reject_unknown_customers(conn: Connection, stage: sa.Table) -> pd.DataFrame:
    """Strict mode: rows naming a customer the customers table does not hold are removed and reported."""
    unknown = ~sa.exists().where(customers.c.customer_id == stage.c.customer_id)
    rows = conn.execute(sa.select(stage.c.source_row, stage.c.customer_id).where(unknown)).all()
    conn.execute(sa.delete(stage).where(unknown))
    return pd.DataFrame({"row": [r.source_row for r in rows], "column": "customer_id",
                         "value": [r.customer_id for r in rows], "reason": "unknown customer (strict mode)"})


def _upsert(conn: Connection, target: sa.Table, stage: sa.Table, key: tuple[str, ...]) -> tuple[int, int, int]:
    """Update changed rows, insert new ones; returns (inserted, updated, unchanged)."""
    same_key = sa.and_(*(target.c[k] == stage.c[k] for k in key))
    values = [c.name for c in stage.columns if c.name not in key and c.name != "source_row"]
    changed = sa.or_(*(target.c[c].is_distinct_from(stage.c[c]) for c in values)) if values else sa.false()
    def count(*conditions) -> int:  # counted up front: drivers disagree on rowcount for INSERT ... SELECT
        return conn.execute(sa.select(sa.func.count()).select_from(stage).where(*conditions)).scalar_one()

    total = count()
    matched = count(sa.exists().where(same_key))
    updated = count(sa.exists().where(same_key, changed)) if values and matched else 0
    if updated:
        conn.execute(sa.update(target).where(same_key, changed).values({c: stage.c[c] for c in values}))
    names = [c.name for c in stage.columns if c.name != "source_row"]
    conn.execute(sa.insert(target).from_select(
        names, sa.select(*(stage.c[n] for n in names)).where(~sa.exists().where(same_key))))
    return total - matched, updated, matched - updated


def bump_data_version(conn: Connection) -> int:
    """Every import changes the data version, so caches keyed by it show the new data at once."""
    current = conn.execute(sa.select(app_meta.c.value).where(app_meta.c.key == "data_version")).scalar()
    version = int(current or 0) + 1
    if current is None:
        conn.execute(sa.insert(app_meta).values(key="data_version", value=str(version)))
    else:
        conn.execute(sa.update(app_meta).where(app_meta.c.key == "data_version").values(value=str(version)))
    return version


def _write(engine: Engine, contract: Dataset, frame: pd.DataFrame, report: ImportReport, strict: bool,
           progress: Progress | None) -> None:
    target = TABLES[contract.table]
    if progress:
        progress("Writing to the database", 0.0)
    with engine.begin() as conn:
        stage = _stage(conn, target, frame)
        if strict and contract.references_customers:
            report.rejections = pd.concat([report.rejections, _reject_unknown_customers(conn, stage)],
                                          ignore_index=True)
            if report.rejected == report.rows_read:
                raise ImportRejected(report.source, "every row names a customer that is not in customers "
                                                    "(strict mode); import customers first. Nothing was stored.")
        report.inserted, report.updated, report.unchanged = _upsert(conn, target, stage, contract.key)
        stage.drop(conn)
        report.data_version = bump_data_version(conn)
        conn.execute(sa.insert(import_log).values(
            import_id=uuid.uuid4().hex, dataset=contract.name, source=report.source,
            imported_at=datetime.now(UTC).replace(tzinfo=None), rows_read=report.rows_read,
            inserted=report.inserted, updated=report.updated, unchanged=report.unchanged,
            rejected=report.rejected, scorer=report.scorer, data_version=report.data_version))
    if progress:
        progress("Done", 1.0)


def import_dataset(engine: Engine, dataset_name: str, source: Source, *, mapping: dict[str, str] | None = None,
                   scorer: str = "textblob", strict: bool = False, name: str | None = None,
                   sheet: str | None = None, progress: Progress | None = None) -> ImportReport:
    """Import one file or frame; ImportRejected (nothing stored) when the file as a whole is unusable.

    Valid rows are stored in one transaction and invalid ones reported, so a file either lands
    (minus its reported bad rows) or leaves the database exactly as it was.
    """
    contract = dataset(dataset_name)
    label = source_name(source, name)
    checked: Validated = validate(map_columns(read_table(source, label, sheet), contract, label, mapping), contract)
    report = ImportReport(contract.name, label, checked.rows_read, rejections=checked.rejections)
    if checked.frame.empty:
        raise ImportRejected(label, f"none of the {checked.rows_read} rows can be imported; "
                                    f"{_first_reasons(report)}")
    frame, derived = _derive(checked.frame, contract, checked.present, scorer, progress)
    report.scorer = scorer if "sentiment_scorer" in derived else None
    try:
        _write(engine, contract, frame, report, strict, progress)
    except sa.exc.SQLAlchemyError as error:
        reason = str(getattr(error, "orig", error)).strip().splitlines()[0]
        raise ImportRejected(label, f"the database refused the rows, so nothing was stored ({reason}).") from None
    return report


def _first_reasons(report: ImportReport, limit: int = 3) -> str:
    reasons = report.reasons().head(limit)
    return "; ".join(f"{r.column}: {r.reason} (rows {r.first_rows})" for r in reasons.itertuples()) + "."
