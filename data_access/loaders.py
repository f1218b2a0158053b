"""The one write path for customer data: read, map, validate, score, upsert in one transaction, report."""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from datetime import UTC, date, datetime

import pandas as pd
import sqlalchemy as sa
from sqlalchemy.engine import Connection, Engine

from analytics.sentiment import DEFAULT_SCORER, Scorer, score_texts
from data_access import bulk, known_customers, sentiment_models, staging
from data_access.change_log import log_change
from data_access.contracts import DATASETS, Dataset, dataset
from data_access.identity import check_write
from data_access.import_report import ImportReport
from data_access.labels import Spellings
from data_access.mapping import LINE_ROWS, Mapping, shape
from data_access.pre_aggregates import (
    Touched,
    forget,
    record_touched,
    refresh_pre_aggregates,
    stale_after,
    touch_columns,
)
from data_access.readers import HEADERLESS, ROW_COLUMN, ImportRejected, Source, read_chunks, read_table, source_name
from data_access.schema import TABLES, app_meta, touchpoints
from data_access.sql import stored
from data_access.validate import DateWindow, validate

Progress = Callable[[str, float], None]  # (what is happening, fraction done 0..1)
HOURS = pd.Timedelta(hours=1)


RECORD_UNITS = {"wide": ("rows", "responses"), "lines": ("lines", "orders")}  # (what a file row is, what it makes)


def _derive(frame: pd.DataFrame, contract: Dataset, present: tuple[str, ...], scorer: Scorer | None,
            progress: Progress | None) -> tuple[pd.DataFrame, tuple[str, ...]]:
    """Columns computed once at import so pages never compute them: sentiment and service hours."""
    derived: list[str] = []
    if contract.text_column in present and scorer:
        report = (lambda done, total: progress("Scoring sentiment", done / total if total else 1.0)) \
            if progress else None
        scores = score_texts(frame[contract.text_column], scorer, progress=report)
        frame["sentiment"] = scores["sentiment"]
        frame["subjectivity"] = scores["subjectivity"]
        frame["sentiment_band"] = scores["band"]
        frame["sentiment_scorer"] = pd.Series(scorer.name, index=frame.index, dtype="string").where(
            scores["band"].notna())
        derived += ["sentiment", "subjectivity", "sentiment_band", "sentiment_scorer"]
    for start, end, hours in (("opened_at", "first_response_at", "first_response_hours"),
                              ("opened_at", "resolved_at", "resolution_hours")):
        if contract.name == "service" and end in present:
            # pandas-stubs do not type a Series of timedeltas read as Series[Any] over a Timedelta; it gives floats
            frame[hours] = (frame[end] - frame[start]) / HOURS  # type: ignore[operator]
            derived.append(hours)
    return frame, tuple(derived)


def _chunks(source: Source, label: str, sheet: str | None, mapping: Mapping) -> Iterator[pd.DataFrame]:
    """Chunks of the file, without the rows the mapping skips; layouts that group rows read it whole."""
    chunks = iter([read_table(source, label, sheet)]) if mapping.wide or mapping.lines \
        else read_chunks(source, label, sheet)
    for chunk in chunks:
        first_data_row = 1 if chunk.attrs.get(HEADERLESS) else 2
        kept = chunk[chunk[ROW_COLUMN] >= first_data_row + mapping.skip_rows]
        if not kept.empty:
            yield kept


def as_mapping(mapping: Mapping | dict[str, str] | None) -> Mapping:
    """A Mapping from a Mapping, a flat {source: contract} dict, or nothing."""
    return mapping if isinstance(mapping, Mapping) else Mapping(columns=dict(mapping or {}))


Sources = Source | Sequence[Source]


def _as_list(sources: Sources, names: Sequence[str] | str | None) -> tuple[list[Source], list[str]]:
    """One source or several, each with the name reports use for it."""
    listed = list(sources) if isinstance(sources, Sequence) and not isinstance(sources, str) else [sources]
    if not listed:
        raise ImportRejected("import", "no files were given.")
    given = [names] if isinstance(names, str) else list(names or [])
    labels = [source_name(source, given[i] if i < len(given) else None) for i, source in enumerate(listed)]
    return listed, labels


def _checked(contract: Dataset, sources: list[Source], labels: list[str], sheet: str | None, mapping: Mapping,
             report: ImportReport, progress: Progress | None,
             window: DateWindow | None = None) -> Iterator[tuple[int, pd.DataFrame, tuple]]:
    """Each file's chunks mapped and validated, in the report's counts; yields (file index, valid rows,
    columns present). Rejections are reported per file row: a rejected order names each of its lines."""
    layout = "wide" if mapping.wide else "lines" if mapping.lines else None
    report.unit, report.record_unit = RECORD_UNITS[layout] if layout else ("rows", "rows")
    for index, (source, label) in enumerate(zip(sources, labels, strict=True)):
        for raw in _chunks(source, label, sheet, mapping):
            report.rows_read += len(raw)
            if raw.attrs.get(HEADERLESS):
                _note_headerless(report, label, raw)
            if progress:
                progress(f"Checking {report.unit} ({report.rows_read:,} read)", 0.0)
            shaped = shape(raw, contract, mapping, label)
            report.records += len(shaped)
            checked = validate(shaped, contract, mapping.date_order, window)
            report.rejected_records += checked.rejected_records
            found = checked.rejections.assign(file=label)
            if LINE_ROWS in shaped:  # each rejected order, line by line
                lines = dict(zip(shaped[ROW_COLUMN], shaped[LINE_ROWS], strict=True))
                found = found.assign(row=found["row"].map(lines)).explode("row")
            report.add_rejections(found)
            yield index, checked.frame, checked.present


def _note_headerless(report: ImportReport, label: str, raw: pd.DataFrame) -> None:
    note = (f"{label}: the first row holds only numbers and dates, so the file seems to have no header row; its "
            f"columns are named by position ({', '.join(c for c in raw.columns[:3] if c != ROW_COLUMN)}, …) "
            "and the mapping can name them so.")
    if note not in report.notes:
        report.notes.append(note)


def check(dataset_name: str, sources: Sources, *, mapping: Mapping | dict[str, str] | None = None,
          name: Sequence[str] | str | None = None, sheet: str | None = None,
          allow_any_date: bool = False) -> ImportReport:
    """Everything an import would say about the files, without touching the database (the 'check' step)."""
    contract, mapping = dataset(dataset_name), as_mapping(mapping)
    listed, labels = _as_list(sources, name)
    report = ImportReport(contract.name, _label(labels), 0, files=len(listed))
    for _, frame, _ in _checked(contract, listed, labels, sheet, mapping, report, None,
                                DateWindow(allow_any=allow_any_date)):
        report.inserted += len(frame)  # records that would be stored (new or updated)
    return report


def _label(labels: list[str]) -> str:
    return labels[0] if len(labels) == 1 else f"{len(labels)} files ({labels[0]} … {labels[-1]})"


UNPLACED_STAGE = "Survey touchpoints"  # where a touchpoint the survey names but the journey lacks is placed


def _add_touchpoints(conn: Connection, stage: sa.Table, stages: dict[str, str]) -> bool:
    """Touchpoints the survey names and the journey lacks join it: in the stage the person picked for them, else
    in UNPLACED_STAGE (a touchpoints file imported later places them). Returns whether any joined."""
    known = {t for (t,) in conn.execute(sa.select(touchpoints.c.touchpoint))}
    named = [t for (t,) in conn.execute(sa.select(stage.c.touchpoint).distinct().order_by(stage.c.touchpoint))]
    orders = dict(conn.execute(sa.select(touchpoints.c.stage, sa.func.min(touchpoints.c.stage_order))
                               .group_by(touchpoints.c.stage)).all())
    missing = [touchpoint for touchpoint in named if touchpoint not in known]
    for touchpoint in missing:
        stage_name = stages.get(touchpoint) or UNPLACED_STAGE
        if stage_name not in orders:
            orders[stage_name] = max(orders.values(), default=0) + 1
        conn.execute(sa.insert(touchpoints).values(touchpoint=touchpoint, stage=stage_name,
                                                   stage_order=orders[stage_name]))
    return bool(missing)


def _write(conn: Connection, contract: Dataset, checked: Iterator[tuple[int, pd.DataFrame, tuple]],
           report: ImportReport, files: list[str], options: dict, progress: Progress | None) -> set[str]:
    """Stage every valid row of every file, then replace or upsert, inside the caller's transaction.

    Returns the tables the change touched (the dataset's, and customers when it gained or lost someone). Before
    the upsert it records which customers and days the change touches, so only their part of each pre-aggregate
    is refreshed; a replace rebuilds them whole.
    """
    target, stage, spellings = TABLES[contract.table], None, Spellings(conn, contract.table)
    for index, valid, present in checked:
        if valid.empty:
            continue
        frame, derived = _derive(spellings.unify(valid), contract, present, options["scorer"], progress)
        report.scorer = report.scorer or (options["scorer"].name if "sentiment_scorer" in derived else None)
        stage = stage if stage is not None else staging.stage_table(conn, target, frame.columns)
        bulk.fill(conn, stage, frame.assign(source_file=index)[[c.name for c in stage.columns]])
    if stage is None:
        raise ImportRejected(report.source, f"none of the {report.rows_read:,} {report.unit} can be imported; "
                                            f"{_first_reasons(report)}")
    extra = [staging.reject_repeated_keys(conn, stage, contract.key, files)]
    if options["strict"] and contract.references_customers:
        extra.append(staging.reject_unknown_customers(conn, stage, files))
    for found in extra:
        report.rejected_records += len(found)
    report.add_rejections(*extra)
    if not conn.execute(sa.select(sa.func.count()).select_from(stage)).scalar_one():
        raise ImportRejected(report.source, f"none of the {report.rows_read:,} {report.unit} can be imported; "
                                            f"{_first_reasons(report)} Nothing was stored.")
    if progress:
        progress("Writing to the database", 0.9)
    columns = touch_columns(target)
    touched = record_touched(conn, target, staging.changing(target, stage, contract.key, columns)) \
        if columns and not options["replace"] and set(columns) <= set(stage.c.keys()) else None
    if options["replace"]:
        conn.execute(sa.delete(target))
    report.inserted, report.updated, report.unchanged = staging.upsert(conn, target, stage, contract.key)
    if contract.table == "customers":
        known_customers.mark_from_file(conn, sa.select(stage.c.customer_id))
    added = contract.table == "survey_responses" and _add_touchpoints(conn, stage, options["stages"])
    stage.drop(conn)
    return _settle(conn, contract.table, touched, {"touchpoints"} if added else set())


def _settle(conn: Connection, table_name: str, touched: Touched | None = None,
            also: set[str] | frozenset[str] = frozenset()) -> set[str]:
    """After a change: customers named by the data are known, and every pre-aggregate reading a changed table is
    refreshed (the touched part of it when the change was recorded, else whole). Returns the changed tables."""
    changed = {table_name, *also}
    names_customers = table_name == "customers" or any(d.references_customers and d.table == table_name
                                                       for d in DATASETS.values())
    only = None if touched is None else sa.select(touched.customers.c.customer_id)
    if names_customers and known_customers.sync(conn, only):
        changed.add("customers")
    refresh_pre_aggregates(conn, changed, touched)
    forget(conn, touched)
    return changed


def import_dataset(engine: Engine, dataset_name: str, sources: Sources, *,
                   mapping: Mapping | dict[str, str] | None = None, scorer: str = DEFAULT_SCORER, strict: bool = False,
                   replace: bool = False, name: Sequence[str] | str | None = None, sheet: str | None = None,
                   progress: Progress | None = None, allow_any_date: bool = False,
                   today: date | None = None) -> ImportReport:
    """Import one file or frame, or several of the same layout; ImportRejected (nothing stored) when they are
    unusable as a whole.

    All files go in one transaction, a plain CSV read in chunks so it never sits in memory whole (wide surveys
    and order lines are read whole, since their rows group): they either land
    (minus their reported bad rows) or leave the database exactly as it was. With replace, the dataset's
    existing rows are deleted in the same transaction. Dates outside DateWindow (before EARLIEST_DATE, after
    today, which tests may set) are rejected by row unless allow_any_date.
    """
    check_write("import", "imports are disabled, so nothing was imported.")
    contract, mapping = dataset(dataset_name), as_mapping(mapping)
    listed, labels = _as_list(sources, name)
    report = ImportReport(contract.name, _label(labels), 0, files=len(listed))
    checked = _checked(contract, listed, labels, sheet, mapping, report, progress,
                       DateWindow(today or date.today(), allow_any_date))
    stages = mapping.wide.stages if mapping.wide else {}
    try:
        with engine.begin() as conn:
            chosen = sentiment_models.resolve(conn, scorer)
            if chosen.notice and contract.text_column:
                report.notes.append(chosen.notice)
            changed = _write(conn, contract, checked, report, labels,
                             {"scorer": chosen.scorer, "strict": strict, "replace": replace, "stages": stages},
                             progress)
            log_change(conn, report)
    except sa.exc.SQLAlchemyError as error:
        reason = str(getattr(error, "orig", error)).strip().splitlines()[0]
        raise ImportRejected(report.source, f"the database refused the rows, so nothing was stored ({reason}).") \
            from None
    _tidy(engine, changed)
    if progress:
        progress("Done", 1.0)
    return report


def remove_dataset(engine: Engine, dataset_name: str) -> ImportReport:
    """Delete every row of a dataset in one transaction; logged and versioned like an import.

    Customers the remaining data still names stay known (from transactions), so their orders keep counting.
    """
    check_write("import", "removals are disabled, so nothing was removed.")
    contract = dataset(dataset_name)
    target = TABLES[contract.table]
    with engine.begin() as conn:
        removed = conn.execute(sa.select(sa.func.count()).select_from(target)).scalar_one()
        conn.execute(sa.delete(target))
        changed = _settle(conn, contract.table)
        report = ImportReport(contract.name, "(removed)", rows_read=removed)
        log_change(conn, report, "remove")
    _tidy(engine, changed)
    return report


DEMO_LOADING = "demo_loading"  # the app_meta key held from a demo load's start to its end


def demo_interrupted(conn: Connection) -> bool:
    """Whether a demo load started and never finished (killed mid-way), leaving half a company to load again."""
    return stored(conn, app_meta) and conn.execute(
        sa.select(app_meta.c.key).where(app_meta.c.key == DEMO_LOADING)).first() is not None


@contextmanager
def demo_load(engine: Engine) -> Iterator[bool]:
    """Mark a demo load as under way until its last dataset is in, so one that was killed is found and redone whole.

    Each dataset still goes in its own transaction; the mark is what makes the load as a whole all-or-nothing.
    Yields whether the previous demo load was interrupted: its datasets are then replaced, not upserted.
    """
    check_write("import", "the demo company is not loaded.")
    with engine.begin() as conn:
        interrupted = demo_interrupted(conn)
        if not interrupted:
            conn.execute(sa.insert(app_meta).values(key=DEMO_LOADING, value=datetime.now(UTC).isoformat()))
    yield interrupted
    with engine.begin() as conn:
        conn.execute(sa.delete(app_meta).where(app_meta.c.key == DEMO_LOADING))


def _tidy(engine: Engine, changed: set[str]) -> None:
    """On PostgreSQL, VACUUM (ANALYZE) what a change rewrote: fresh statistics for the next page's plans, and a
    visibility map, without which the covering indexes cannot serve index-only scans (bench/README.md, fix 10).

    VACUUM cannot run inside a transaction, hence its own AUTOCOMMIT connection after the change committed.
    """
    if engine.dialect.name != "postgresql":
        return
    tables = {TABLES[name] for name in changed} | {table for name in changed for table, _ in stale_after(name)}
    with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
        quote = conn.dialect.identifier_preparer.format_table  # names from the schema registry, quoted
        conn.exec_driver_sql("VACUUM (ANALYZE) " + ", ".join(sorted(quote(table) for table in tables)))


def _first_reasons(report: ImportReport, limit: int = 3) -> str:
    reasons = report.reasons().head(limit)
    return "; ".join(f"{r.column}: {r.reason} (rows {r.first_rows})" for r in reasons.itertuples()) + "."
