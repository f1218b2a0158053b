"""Tables a person can read and take away as CSV."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from analytics.metrics import METRICS, SURVEY_METRICS
from components.exports import download
from data_access.export import csv_bytes

LABELS = {  # how metric columns read in tables, from the one registry: (label, number format)
    **{metric.key: (metric.unit_label, metric.table_format) for metric in METRICS.values()},
    **{metric.margin_column: (f"± {metric.name} margin", "%.1f") for metric in SURVEY_METRICS.values()},
    **{metric.n_column: (f"n ({metric.name})", "%d") for metric in SURVEY_METRICS.values()},
}


def download_table(frame: pd.DataFrame, name: str, key: str, column_config: dict | None = None) -> None:
    """The table with readable headers, and a button that downloads exactly its rows as CSV."""
    config = {column: st.column_config.NumberColumn(label, format=fmt)
              for column, (label, fmt) in LABELS.items() if column in frame}
    config.update({"low_n": st.column_config.CheckboxColumn("Small sample")} if "low_n" in frame else {})
    config.update(column_config or {})
    st.dataframe(frame, hide_index=True, column_config=config)
    download("Download CSV", lambda: csv_bytes(frame), f"{name}.csv", "text/csv", key)
