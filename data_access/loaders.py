"""The one write path for customer data: read, map, validate, score, upsert in one transaction, report."""

from __future__ import annotations

import uuid
from collections.abc import Callable, Collection, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime

import pandas as pd
import sqlalchemy as sa
from sqlalchemy.engine import Connection, Engine

from analytics.sentiment import score_texts
from data_access import bulk
from data_access.contracts import Dataset, dataset
from data_access.mapping import Mapping, lines_to_orders, widen_to_long
from data_access.queries import PRE_AGGREGATES
from data_access.readers import ImportRejected, Source, read_chunks, read_table, source_name
from data_access.schema import TABLES, app_meta, customers, import_log, touchpoints
from data_access.validate import map_columns, validate

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
    rejections: pd.DataFrame = field(default_factory=lambda: pd.DataFrame(
        {"row": pd.Series(dtype="int64"), "column": pd.Series(dtype=object), "value": pd.Series(dtype=object),
         "reason": pd.Series(dtype=object)}))
    scorer: str | None = None
    data_version: int | None = None

    def add_rejections(self, *found: pd.DataFrame) -> None:
        """Collect rejected cells from each step, row numbers kept as whole numbers."""
        frames = [self.rejections, *(f for f in found if not f.empty)]
        self.rejections = pd.concat(frames, ignore_index=True).astype({"row": "int64"})

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
        grouped = self.rejections.sort_values(["row", "column"]).groupby(["column", "reason"], sort=False)["row"]
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


def _stage_table(conn: Connection, target: sa.Table, columns) -> sa.Table:
    """An empty temporary table with the target's columns that the file provides, plus source_row."""
    stage = sa.Table(f"stage_{target.name}_{uuid.uuid4().hex[:8]}", sa.MetaData(),
                     *(sa.Column(c.name, c.type) for c in target.columns if c.name in columns),
                     sa.Column("source_row", sa.Integer), prefixes=["TEMPORARY"])
    stage.create(conn)
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


def _shape(raw: pd.DataFrame, contract: Dataset, mapping: Mapping, label: str) -> pd.DataFrame:
    """A chunk as the contract names it: wide surveys melted, columns renamed, order lines summed."""
    if mapping.wide:
        raw = widen_to_long(raw, mapping.wide, label)
    keep = (mapping.lines.quantity, mapping.lines.unit_price) if mapping.lines else ()
    frame = map_columns(raw, contract, label, mapping.columns, keep, provided=("amount",) if mapping.lines else ())
    return lines_to_orders(frame, mapping.lines, label) if mapping.lines else frame


def _chunks(source: Source, label: str, sheet: str | None, mapping: Mapping) -> Iterator[pd.DataFrame]:
    """Chunks of the file; layouts that group rows (wide surveys, order lines) read it whole."""
    if mapping.wide or mapping.lines:
        return iter([read_table(source, label, sheet)])
    return read_chunks(source, label, sheet)


def as_mapping(mapping: Mapping | dict[str, str] | None) -> Mapping:
    """A Mapping from a Mapping, a flat {source: contract} dict, or nothing."""
    return mapping if isinstance(mapping, Mapping) else Mapping(columns=dict(mapping or {}))


def check(dataset_name: str, source: Source, *, mapping: Mapping | dict[str, str] | None = None,
          name: str | None = None, sheet: str | None = None) -> ImportReport:
    """Everything an import would say about a file, without touching the database (the 'check' step)."""
    contract, mapping = dataset(dataset_name), as_mapping(mapping)
    label = source_name(source, name)
    report = ImportReport(contract.name, label, 0)
    for raw in _chunks(source, label, sheet, mapping):
        report.rows_read += len(raw)
        checked = validate(_shape(raw, contract, mapping, label), contract, mapping.date_order)
        report.add_rejections(checked.rejections)
        report.inserted += len(checked.frame)  # rows that would be stored (new or updated)
    return report


def _reject_repeated_keys(conn: Connection, stage: sa.Table, key: tuple[str, ...]) -> pd.DataFrame:
    """Keys repeated across chunks of one file: the first row wins, the later ones are reported."""
    first = (sa.select(*(stage.c[k] for k in key), sa.func.min(stage.c.source_row).label("first_row"))
             .group_by(*(stage.c[k] for k in key)).having(sa.func.count() > 1).subquery())
    later = sa.and_(*(stage.c[k] == first.c[k] for k in key), stage.c.source_row > first.c.first_row)
    rows = conn.execute(sa.select(stage.c.source_row, stage.c[key[0]], first.c.first_row).join(first, later)).all()
    if rows:
        conn.execute(sa.delete(stage).where(sa.exists().where(later)))
    return pd.DataFrame({"row": [r[0] for r in rows], "column": key[0], "value": [r[1] for r in rows],
                         "reason": [f"duplicate key; first seen in row {r[2]}" for r in rows]})


def _add_touchpoints(conn: Connection, stages: dict[str, str]) -> None:
    """New touchpoints from a wide survey join the journey in the stage the person picked."""
    known = dict(conn.execute(sa.select(touchpoints.c.touchpoint, touchpoints.c.stage)).all())
    orders = dict(conn.execute(sa.select(touchpoints.c.stage, sa.func.min(touchpoints.c.stage_order))
                               .group_by(touchpoints.c.stage)).all())
    for touchpoint, stage in stages.items():
        if touchpoint in known or not stage:
            continue
        if stage not in orders:
            orders[stage] = max(orders.values(), default=0) + 1
        conn.execute(sa.insert(touchpoints).values(touchpoint=touchpoint, stage=stage, stage_order=orders[stage]))
        known[touchpoint] = stage


def _stale_after(table_name: str) -> list[tuple[sa.Table, Callable[[], sa.Select]]]:
    """The pre-aggregated tables that read a table, with the SELECT that fills each."""
    return [(table, select) for table, select, sources in PRE_AGGREGATES if table_name in sources]


def refresh_pre_aggregates(conn: Connection, table_name: str) -> None:
    """Rebuild the pre-aggregated tables that read a changed table, inside the change's transaction."""
    fill_pre_aggregates(conn, [table.name for table, _ in _stale_after(table_name)])


def fill_pre_aggregates(conn: Connection, names: Collection[str]) -> None:
    """Empty and refill the named pre-aggregated tables (a migration fills the ones it creates).

    A full rebuild, one INSERT…SELECT each, so they can never disagree with the rows they summarise.
    """
    for table, select, _ in PRE_AGGREGATES:
        if table.name in names:
            conn.execute(sa.delete(table))
            conn.execute(sa.insert(table).from_select([c.name for c in table.columns], select()))


def _log(conn: Connection, report: ImportReport) -> None:
    report.data_version = bump_data_version(conn)
    conn.execute(sa.insert(import_log).values(
        import_id=uuid.uuid4().hex, dataset=report.dataset, source=report.source,
        imported_at=datetime.now(UTC).replace(tzinfo=None), rows_read=report.rows_read,
        inserted=report.inserted, updated=report.updated, unchanged=report.unchanged,
        rejected=report.rejected, scorer=report.scorer, data_version=report.data_version))


def _write(conn: Connection, contract: Dataset, chunks: Iterator[pd.DataFrame], report: ImportReport,
           mapping: Mapping, options: dict, progress: Progress | None) -> None:
    """Stage every valid row of every chunk, then replace or upsert, inside the caller's transaction."""
    target, stage = TABLES[contract.table], None
    for raw in chunks:
        report.rows_read += len(raw)
        if progress:
            progress(f"Checking rows ({report.rows_read:,} read)", 0.0)
        checked = validate(_shape(raw, contract, mapping, report.source), contract, mapping.date_order)
        report.add_rejections(checked.rejections)
        if checked.frame.empty:
            continue
        frame, derived = _derive(checked.frame, contract, checked.present, options["scorer"], progress)
        report.scorer = report.scorer or (options["scorer"] if "sentiment_scorer" in derived else None)
        stage = stage if stage is not None else _stage_table(conn, target, frame.columns)
        bulk.fill(conn, stage, frame[[c.name for c in stage.columns]])
    if stage is None:
        raise ImportRejected(report.source, f"none of the {report.rows_read} rows can be imported; "
                                            f"{_first_reasons(report)}")
    extra = [_reject_repeated_keys(conn, stage, contract.key)]
    if options["strict"] and contract.references_customers:
        extra.append(_reject_unknown_customers(conn, stage))
    report.add_rejections(*extra)
    if not conn.execute(sa.select(sa.func.count()).select_from(stage)).scalar_one():
        raise ImportRejected(report.source, f"none of the {report.rows_read} rows can be imported; "
                                            f"{_first_reasons(report)} Nothing was stored.")
    if progress:
        progress("Writing to the database", 0.9)
    if options["replace"]:
        conn.execute(sa.delete(target))
    report.inserted, report.updated, report.unchanged = _upsert(conn, target, stage, contract.key)
    stage.drop(conn)
    if mapping.wide:
        _add_touchpoints(conn, mapping.wide.stages)
    refresh_pre_aggregates(conn, contract.table)
    _log(conn, report)


def import_dataset(engine: Engine, dataset_name: str, source: Source, *,
                   mapping: Mapping | dict[str, str] | None = None, scorer: str = "textblob", strict: bool = False,
                   replace: bool = False, name: str | None = None, sheet: str | None = None,
                   progress: Progress | None = None) -> ImportReport:
    """Import one file or frame; ImportRejected (nothing stored) when the file as a whole is unusable.

    The whole file goes in one transaction, read in chunks so a large CSV never sits in memory whole:
    it either lands (minus its reported bad rows) or leaves the database exactly as it was. With replace,
    the dataset's existing rows are deleted in the same transaction.
    """
    contract, mapping = dataset(dataset_name), as_mapping(mapping)
    label = source_name(source, name)
    report = ImportReport(contract.name, label, 0)
    chunks = _chunks(source, label, sheet, mapping)
    try:
        with engine.begin() as conn:
            _write(conn, contract, chunks, report, mapping, {"scorer": scorer, "strict": strict,
                                                             "replace": replace}, progress)
    except sa.exc.SQLAlchemyError as error:
        reason = str(getattr(error, "orig", error)).strip().splitlines()[0]
        raise ImportRejected(label, f"the database refused the rows, so nothing was stored ({reason}).") from None
    _tidy(engine, contract.table)
    if progress:
        progress("Done", 1.0)
    return report


def remove_dataset(engine: Engine, dataset_name: str) -> ImportReport:
    """Delete every row of a dataset in one transaction; logged and versioned like an import."""
    contract = dataset(dataset_name)
    target = TABLES[contract.table]
    with engine.begin() as conn:
        removed = conn.execute(sa.select(sa.func.count()).select_from(target)).scalar_one()
        conn.execute(sa.delete(target))
        refresh_pre_aggregates(conn, contract.table)
        report = ImportReport(contract.name, "(removed)", rows_read=removed)
        _log(conn, report)
    _tidy(engine, contract.table)
    return report


def _tidy(engine: Engine, table_name: str) -> None:
    """On PostgreSQL, VACUUM (ANALYZE) what a change rewrote: fresh statistics for the next page's plans, and a
    visibility map, without which the covering indexes cannot serve index-only scans (bench/README.md, fix 10).

    VACUUM cannot run inside a transaction, hence its own AUTOCOMMIT connection after the change committed.
    """
    if engine.dialect.name != "postgresql":
        return
    tables = (TABLES[table_name], *(table for table, _ in _stale_after(table_name)))
    with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
        quote = conn.dialect.identifier_preparer.format_table  # names from the schema registry, quoted
        conn.exec_driver_sql("VACUUM (ANALYZE) " + ", ".join(quote(table) for table in tables))


def _first_reasons(report: ImportReport, limit: int = 3) -> str:
    reasons = report.reasons().head(limit)
    return "; ".join(f"{r.column}: {r.reason} (rows {r.first_rows})" for r in reasons.itertuples()) + "."
