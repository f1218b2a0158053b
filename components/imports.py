"""The Data page's panels: data health, the upload-and-map form, the import report, removal."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pandas as pd
import streamlit as st

from components.mapping import mapping_editor
from data_access.contracts import DATASETS
from data_access.export import csv_bytes
from data_access.loaders import ImportReport
from data_access.mapping import Mapping
from data_access.readers import ROW_COLUMN, ImportRejected, read_table, sheet_names

FILE_TYPES = ["csv", "txt", "tsv", "xlsx", "parquet"]


def health_panel(health: pd.DataFrame, checks: dict[str, int]) -> None:
    """Rows, date range and last import per dataset, and the checks a CX analyst looks at first."""
    st.header("Data health")
    comments, untiered = checks["responses_with_comment"], checks["customers_without_tier"]
    orphans = int(health["unknown_customers"].fillna(0).sum())
    a, b, c = st.columns(3)
    a.metric("Responses with a comment", f"{comments / checks['responses']:.0%}" if checks["responses"] else "–",
             help=f"{comments:,} of {checks['responses']:,} survey responses", border=True)
    b.metric("Customers without a tier", f"{untiered:,}", help=f"of {checks['customers']:,} customers", border=True)
    c.metric("Rows of unknown customers", f"{orphans:,}", border=True,
             help="Survey answers, tickets, orders and tier changes whose customer_id is not in customers.")
    st.dataframe(health, hide_index=True, column_config={
        "dataset": "Dataset", "rows": st.column_config.NumberColumn("Rows", format="%d"),
        "first": st.column_config.DatetimeColumn("From", format="D MMM YYYY"),
        "last": st.column_config.DatetimeColumn("To", format="D MMM YYYY"),
        "last_import": st.column_config.DatetimeColumn("Last import (UTC)", format="D MMM YYYY, HH:mm"),
        "unknown_customers": st.column_config.NumberColumn("Rows of unknown customers", format="%d")})


@dataclass
class Upload:
    """One uploaded file as the person set it up."""

    file: Any
    dataset: str
    mapping: Mapping
    missing: list[str]
    sheet: str | None
    replace: bool
    key: str


def upload_form(stages: list[str]) -> list[Upload]:
    """Dataset, files, and per file: sheet, preview and column mapping."""
    dataset = st.selectbox("Dataset", list(DATASETS), key="data_dataset",
                           format_func=lambda d: f"{d} — {DATASETS[d].description}")
    contract = DATASETS[dataset]
    st.caption("What each file must hold is in docs/data-contract.md; files larger than the upload limit go "
               "through `python cli.py import`.")
    files = st.file_uploader("Files", type=FILE_TYPES, accept_multiple_files=True, key="data_files") or []
    uploads = []
    for index, file in enumerate(files):
        key = f"data_{index}"
        with st.expander(f"{file.name} → {dataset}", expanded=True):
            sheet = None
            try:
                if file.name.lower().endswith(".xlsx"):
                    sheet = st.selectbox("Sheet", sheet_names(file, file.name), key=f"{key}_sheet")
                raw = read_table(file, file.name, sheet)
            except ImportRejected as error:
                st.error(str(error))
                continue
            st.dataframe(raw.drop(columns=[ROW_COLUMN]).head(10), hide_index=True)
            st.caption(f"First 10 of {len(raw):,} rows.")
            columns = [c for c in raw.columns if c != ROW_COLUMN]
            mapping, missing = mapping_editor(contract, columns, stages, key)
            with st.popover("Mapping as JSON"):
                st.code(mapping.to_json(), language="json")
            st.download_button("Download this mapping", mapping.to_json().encode("utf-8"),
                               file_name=f"{dataset}-mapping.json", mime="application/json", key=f"{key}_save",
                               on_click="ignore", help="Reuse it with: python cli.py import DATASET FILE "
                                                       "--mapping this-file.json")
            if missing:
                st.error(f"Map the required column(s) {', '.join(missing)} before importing.")
            replace = st.checkbox(f"Replace all existing {dataset} rows with this file", key=f"{key}_replace")
            uploads.append(Upload(file, dataset, mapping, missing, sheet, replace, key))
    return uploads


def show_report(report: ImportReport, key: str, stored: bool) -> None:
    """What was (or would be) taken and what was not, with the rejected rows to download."""
    taken = "Stored" if stored else "Rows that can be stored"
    a, b, c = st.columns(3)
    a.metric("Rows read", f"{report.rows_read:,}")
    b.metric(taken, f"{report.stored if stored else report.inserted:,}")
    c.metric("Rows rejected", f"{report.rejected:,}")
    if stored:
        st.success(report.summary() + f" Data version {report.data_version}.")
    if report.rejected:
        st.dataframe(report.reasons(), hide_index=True, column_config={
            "column": "Column", "reason": "Reason", "rows": "Rows", "first_rows": "First rows"})
        st.download_button("Download rejected rows (CSV)", csv_bytes(report.rejections),
                           file_name="rejected-rows.csv", mime="text/csv", key=f"{key}_rejected",
                           on_click="ignore")


def remove_form() -> str | None:
    """A dataset to delete, once the person has confirmed."""
    dataset = st.selectbox("Dataset to remove", list(DATASETS), key="data_remove_dataset")
    confirmed = st.checkbox(f"I understand that every {dataset} row will be deleted", key="data_remove_confirm")
    if st.button(f"Remove {dataset}", disabled=not confirmed, type="primary", key="data_remove"):
        return dataset
    return None


def progress_bar(text: str = "Starting…"):
    """A progress bar and the (step, fraction) callback the loader reports to."""
    bar = st.progress(0.0, text=text)
    return lambda step, done: bar.progress(min(max(done, 0.0), 1.0), text=step)
