"""The Data page's panels: data health, the files of one layout and their one mapping, the import report, removal.

Text from files (their names, columns, values, and messages about them) is shown in tables or through `plain`,
never rendered as markdown.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, replace
from typing import Any

import pandas as pd
import streamlit as st

from analytics.settings import EARLIEST_DATE
from components.editor_state import plain
from components.exports import download
from components.mapping import mapping_editor, prepare_editor, saved_mapping_notes, saved_mapping_picker
from data_access.contracts import DATASETS
from data_access.export import csv_bytes
from data_access.import_report import ImportReport, counted
from data_access.mapping import Mapping
from data_access.readers import HEADERLESS, ROW_COLUMN, ImportRejected, read_table, sheet_names
from data_access.validate import normalise_name

FILE_TYPES = ["csv", "txt", "tsv", "xlsx", "parquet"]
HEADERLESS_NOTICE = ("This file seems to have no header row: its first row holds only numbers and dates. Columns are "
                     "named column 1, column 2, …; map them by those names.")
REPORT = "data_report"  # session state: the last check or import, with the set-up it was made for


EMPTY_EFFECTS = {  # what an empty dataset does to the numbers while the others hold data
    "touchpoints": "the journey map has no stages to place touchpoints in",
    "customers": "tiers, segments and regions are unknown",
    "tier_history": "tier migration shows nothing",
    "survey": "NPS, CSAT, CES and comments show nothing",
    "service": "the Service page and ticket figures show nothing",
    "purchases": "revenue, orders and loyalty show 0",
}


def empty_datasets_warning(health: pd.DataFrame) -> None:
    """Warn when some datasets hold rows and others none (a half-loaded company), since its figures read as 0."""
    empty = health.loc[health["rows"] == 0, "dataset"].tolist()
    if not empty or len(empty) == len(health):
        return
    several = len(empty) > 1
    names = f"{', '.join(empty[:-1])} and {empty[-1]}" if several else empty[0]
    effects = "; ".join(EMPTY_EFFECTS[name] for name in empty)
    st.warning(f"**{names} {'hold' if several else 'holds'} no rows** while the other datasets hold data, so "
               f"{effects}. Import {'them' if several else 'it'} (Import files, or `python cli.py import`), or "
               "rebuild the demo company with `python cli.py demo`.", icon=":material/warning:")


def health_panel(health: pd.DataFrame, checks: dict[str, int], origins: bool = True) -> None:
    """Rows, date range and last import per dataset, and the checks a CX analyst looks at first.

    origins=False on a read-only warehouse, which does not record where a customer came from.
    """
    st.header("Data health")
    empty_datasets_warning(health)
    comments, untiered = checks["responses_with_comment"], checks["customers_without_tier"]
    a, b, c = st.columns(3)
    a.metric("Responses with a comment", f"{comments / checks['responses']:.0%}" if checks["responses"] else "–",
             help=f"{comments:,} of {checks['responses']:,} survey responses", border=True)
    b.metric("Customers without a tier", f"{untiered:,}", help=f"of {checks['customers']:,} customers", border=True)
    c.metric("Customers known only from transactions",
             f"{checks['customers_from_transactions']:,}" if origins else "–", border=True,
             help="Customers that surveys, tickets or orders name but no customers file holds. They count as "
                  "customers with no tier until a customers file fills them in." if origins else
                  "Not recorded on a read-only warehouse.")
    st.dataframe(health, hide_index=True, column_config={
        "dataset": "Dataset", "rows": st.column_config.NumberColumn("Rows", format="%d"),
        "first": st.column_config.DatetimeColumn("From", format="D MMM YYYY"),
        "last": st.column_config.DatetimeColumn("To", format="D MMM YYYY"),
        "last_import": st.column_config.DatetimeColumn("Last import (UTC)", format="D MMM YYYY, HH:mm"),
        "customers_not_on_file": st.column_config.NumberColumn(
            "Rows of customers known only from transactions", format="%d",
            help="Rows naming a customer that no customers file holds.")})


@dataclass
class Upload:
    """The files to import together, as the person set them up: one dataset, one layout, one mapping."""

    dataset: str
    files: list[Any]
    names: list[str]
    mapping: Mapping
    problems: list[str]  # what stops a check or an import
    sheet: str | None
    replace: bool
    allow_any_date: bool = False  # keep rows dated before EARLIEST_DATE or after today, rejected otherwise

    @property
    def options(self) -> dict[str, Any]:
        """The loader's arguments for these files (check and import take the same)."""
        return {"mapping": self.mapping, "name": self.names, "sheet": self.sheet, "allow_any_date": self.allow_any_date}

    @property
    def signature(self) -> str:
        """What a report was made for: the files, the dataset and every setting."""
        parts = (self.dataset, [f.file_id for f in self.files], self.mapping.to_json(), self.sheet, self.replace,
                 self.allow_any_date)
        return hashlib.sha1(repr(parts).encode()).hexdigest()


@dataclass
class Files:
    """The uploaded files read: those of the first readable file's layout, and the others with the reason."""

    kept: list[Any]
    frames: list[pd.DataFrame]
    summary: pd.DataFrame
    differing: list[str]  # 'name (what differs)' of the files left out for their columns
    sheet: str | None


def _read(file: Any, sheet: str | None) -> pd.DataFrame:
    """A file read whole, once per upload (reruns reuse it); ImportRejected when it cannot be read."""
    reads = st.session_state.setdefault("data_reads", {})
    key = (file.file_id, sheet)
    if key not in reads:
        try:
            file.seek(0)
            reads[key] = read_table(file, file.name, sheet)
        except ImportRejected as error:
            reads[key] = error
        finally:
            file.seek(0)
    if isinstance(reads[key], ImportRejected):
        raise reads[key]
    return reads[key]


def _sheets(file: Any) -> list[str]:
    """A workbook's sheet names, read once per upload."""
    known = st.session_state.setdefault("data_sheets", {})
    if file.file_id not in known:
        file.seek(0)
        known.clear()
        known[file.file_id] = sheet_names(file, file.name)
        file.seek(0)
    return known[file.file_id]


def _difference(first: list[str], columns: list[str]) -> str | None:
    """How a file's columns differ from the first file's (names compared as the loader does), or None."""
    mine, theirs = {normalise_name(c) for c in columns}, {normalise_name(c) for c in first}
    lacks = [c for c in first if normalise_name(c) not in mine]
    extra = [c for c in columns if normalise_name(c) not in theirs]
    parts = ([f"lacks {', '.join(lacks)}"] if lacks else []) + ([f"also has {', '.join(extra)}"] if extra else [])
    return "; ".join(parts) or None


def read_files(files: list[Any]) -> Files | None:
    """Read every file; the first readable one sets the layout, files whose columns differ are left out."""
    ids = {f.file_id for f in files}
    st.session_state["data_reads"] = {k: v for k, v in st.session_state.get("data_reads", {}).items() if k[0] in ids}
    sheet = None
    if files[0].name.lower().endswith((".xlsx", ".xlsm")):
        try:
            sheet = st.selectbox("Sheet", _sheets(files[0]), key="data_sheet",
                                 help="Every workbook of this import is read from the sheet of this name.")
        except ImportRejected as error:
            st.error(plain(str(error)))
    kept, frames, rows, differing = [], [], [], []
    for file in files:
        try:
            frame = _read(file, sheet)
        except ImportRejected as error:
            st.error(plain(str(error)))
            rows.append((file.name, None, None, "left out: cannot be read"))
            continue
        columns = [c for c in frame.columns if c != ROW_COLUMN]
        differs = _difference([c for c in frames[0].columns if c != ROW_COLUMN], columns) if frames else None
        if differs:
            rows.append((file.name, len(frame), len(columns), f"left out: {differs}"))
            differing.append(f"{file.name} ({differs})")
            continue
        rows.append((file.name, len(frame), len(columns), "the first (preview below)" if not frames
                     else "same columns"))
        kept.append(file)
        frames.append(frame)
    summary = pd.DataFrame(rows, columns=["file", "rows", "columns", "layout"])
    if not kept:
        return None
    return Files(kept, frames, summary, differing, sheet)


def _files_panel(files: Files) -> None:
    """Each file's row count, then the first file's first rows."""
    if len(files.summary) > 1:
        st.dataframe(files.summary, hide_index=True, column_config={
            "file": "File", "rows": st.column_config.NumberColumn("Rows", format="%d"),
            "columns": st.column_config.NumberColumn("Columns", format="%d"), "layout": "Layout"})
        total = sum(len(f) for f in files.frames)
        st.caption(f"{len(files.kept)} files of one layout, {total:,} rows in all, imported together as one import "
                   "(all or nothing).")
    if files.differing:
        st.warning(plain("Not part of this import, because their columns differ from the first file's: "
                         + "; ".join(files.differing) + ". Import them separately, with their own mapping."))
    first = files.frames[0]
    if first.attrs.get(HEADERLESS):
        st.info(HEADERLESS_NOTICE)
    st.dataframe(first.drop(columns=[ROW_COLUMN]).head(10), hide_index=True)
    shown = f"First 10 of {len(first):,} rows" if len(first) > 10 else f"All {len(first):,} rows"
    st.caption(plain(f"{shown} of {files.kept[0].name}."))


def upload_form(stages: list[str]) -> Upload | None:
    """Dataset, files, a preview, and one mapping for all the files (suggested, saved, or edited)."""
    dataset = st.selectbox("Dataset", list(DATASETS), key="data_dataset",
                           format_func=lambda d: f"{d} — {DATASETS[d].description}")
    contract = DATASETS[dataset]
    st.caption("What each file must hold is in docs/data-contract.md. Several files of one layout (e.g. daily "
               "exports) are imported together; files larger than the upload limit go through "
               "`python cli.py import`.")
    uploaded = st.file_uploader("Files", type=FILE_TYPES, accept_multiple_files=True, key="data_files") or []
    if not uploaded:
        return None
    files = read_files(uploaded)
    if files is None:
        return None
    _files_panel(files)
    frame = files.frames[0] if len(files.frames) == 1 else pd.concat(files.frames, ignore_index=True)
    frame.attrs[HEADERLESS] = bool(files.frames[0].attrs.get(HEADERLESS))
    st.subheader("Mapping")
    saved, changed = saved_mapping_picker(dataset)
    prepare_editor(contract, frame, saved, changed)
    saved_mapping_notes()
    mapping, problems = mapping_editor(contract, frame, stages)
    buttons = st.container(horizontal=True)
    with buttons.popover("Mapping as JSON"):
        st.code(mapping.to_json(), language="json")
    buttons.download_button("Download this mapping", mapping.to_json().encode("utf-8"),
                          file_name=f"{dataset}-mapping.json", mime="application/json", key="data_save",
                          on_click="ignore", help="Reuse it here, or with: python cli.py import DATASET FILE "
                                                  "--mapping this-file.json")
    for problem in problems:
        st.error(problem)
    count = f"these {len(files.kept)} files" if len(files.kept) > 1 else "this file"
    replace_rows = st.checkbox(f"Replace all existing {dataset} rows with {count}", key="data_replace")
    any_date = st.checkbox("Allow any date", key="data_allow_any_date",
                           help=f"Rows dated before {EARLIEST_DATE:%d %b %Y} or after today are rejected as likely "
                                "typos (one row dated 2099 would move every page's period). Tick to keep them.")
    return Upload(dataset, files.kept, [f.name for f in files.kept], mapping, problems, files.sheet, replace_rows,
                  any_date)


def import_buttons(upload: Upload) -> tuple[bool, bool]:
    """Check (nothing stored) and Import, disabled while something stops the import."""
    files = f" {len(upload.files)} files" if len(upload.files) > 1 else ""
    buttons = st.container(horizontal=True)
    imported = buttons.button(f"Import{files}", key="data_import", type="primary", disabled=bool(upload.problems))
    checked = buttons.button(f"Check{files}", key="data_check", disabled=bool(upload.problems),
                             help="Everything an import would say, without storing anything.")
    return checked, imported


def keep_report(upload: Upload, report: ImportReport, stored: bool) -> None:
    """Remember a check's or an import's report, shown until the files or the settings change."""
    st.session_state[REPORT] = (upload.signature, report, stored)


def forget_report() -> None:
    st.session_state.pop(REPORT, None)


def show_report(upload: Upload) -> None:
    """What was (or would be) taken and what was not, in the unit read and the records formed, with the rejected
    rows to download."""
    kept = st.session_state.get(REPORT)
    if not kept or kept[0] != upload.signature:
        return
    _, report, stored = kept
    unit, records = report.unit, report.record_unit
    taken = report.stored if stored else report.inserted
    grouped = records != unit
    st.subheader("Import report" if stored else "Check: nothing was stored")
    if grouped:
        st.markdown(f"**{counted(report.rows_read, unit)} read → {counted(report.records, records)}**")
    cells = st.columns(4 if grouped else 3)
    cells[0].metric(f"{unit.capitalize()} read", f"{report.rows_read:,}")
    if grouped:
        cells[1].metric(f"{records.capitalize()} formed", f"{report.records:,}",
                        help=f"{records.capitalize()} made from the {unit} read.")
    cells[-2].metric(f"{records.capitalize()} stored" if stored else f"{records.capitalize()} that can be stored",
                     f"{taken:,}", help=f"{report.inserted:,} new, {report.updated:,} updated, "
                                        f"{report.unchanged:,} unchanged" if stored else
                     "Valid rows (new, updated or unchanged). Keys repeated across files are found only on import.")
    lines = counted(report.rejected, unit) if grouped and report.rejected else None
    cells[-1].metric(f"{records.capitalize()} rejected", f"{report.rejected_records:,}", delta=lines,
                     delta_color="off", delta_arrow="off",
                     help=f"Rejected {records}, and the {unit} of the files they were made of." if grouped else None)
    for note in report.notes:
        st.info(plain(note))
    if stored:
        st.success(plain(replace(report, notes=[]).summary() + f" Data version {report.data_version}."))
    if report.rejected:
        st.dataframe(report.reasons(), hide_index=True, column_config={
            "column": "Column", "reason": "Reason", "rows": st.column_config.NumberColumn(unit.capitalize()),
            "first_rows": f"First {unit}"})
        download(f"Download rejected {unit} (CSV)", lambda: csv_bytes(report.rejections), f"rejected-{unit}.csv",
                 "text/csv", "data_rejected")


def rejected(error: Exception, stored: bool) -> None:
    """A whole import refused: what and where, never a traceback."""
    st.error(plain(f"{'Nothing was stored' if stored else 'These files cannot be imported'}. {error}"))


def remove_form() -> str | None:
    """A dataset to delete, once the person has confirmed."""
    dataset = st.selectbox("Dataset to remove", list(DATASETS), key="data_remove_dataset")
    confirmed = st.checkbox(f"I understand that every {dataset} row will be deleted", key="data_remove_confirm")
    if st.button(f"Remove {dataset}", disabled=not confirmed, type="primary", key="data_remove"):
        return dataset
    return None


@contextmanager
def progress_bar(text: str = "Starting…") -> Iterator[Callable[[str, float], None]]:
    """A progress bar while the block runs, and the (step, fraction) callback the loader reports to."""
    slot = st.empty()
    bar = slot.progress(0.0, text=text)
    try:
        yield lambda step, done: bar.progress(min(max(done, 0.0), 1.0), text=step)
    finally:
        slot.empty()
