"""Tables a person can read and take away as CSV."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from data_access.export import csv_bytes

LABELS = {  # how KPI columns read in tables: (label, number format)
    "nps": ("NPS", "%+.0f"), "nps_margin": ("± margin", "%.1f"), "nps_n": ("n (NPS)", "%d"),
    "csat": ("CSAT %", "%.1f"), "ces": ("CES", "%.2f"), "sentiment": ("Sentiment", "%+.2f"),
    "negative_share": ("Negative comments %", "%.0f"), "responses": ("Responses", "%d"),
    "customers": ("Customers", "%d"), "active_customers": ("Active customers", "%d"),
    "orders_per_customer": ("Orders per active customer", "%.2f"), "average_order_value": ("AOV", "%.2f"),
    "revenue": ("Revenue", "%.0f"), "repeat_rate": ("Repeat-purchase %", "%.1f"), "retention": ("Retention %", "%.1f"),
    "points_earned": ("Points earned", "%d"), "points_redeemed": ("Points redeemed", "%d"),
    "redemption_rate": ("Redemption %", "%.1f"), "breakage": ("Breakage %", "%.1f"),
    "tickets": ("Tickets", "%d"), "resolved": ("Resolved", "%d"), "csat_n": ("n (CSAT)", "%d"),
    "median_first_response_hours": ("Median hours to first response", "%.1f"),
    "median_resolution_hours": ("Median hours to resolution", "%.1f"), "slow_share": ("Over 72 h %", "%.1f"),
}


def download_table(frame: pd.DataFrame, name: str, key: str, column_config: dict | None = None) -> None:
    """The table with readable headers, and a button that downloads exactly its rows as CSV."""
    config = {column: st.column_config.NumberColumn(label, format=fmt)
              for column, (label, fmt) in LABELS.items() if column in frame}
    config.update({"low_n": st.column_config.CheckboxColumn("Small sample")} if "low_n" in frame else {})
    config.update(column_config or {})
    st.dataframe(frame, hide_index=True, column_config=config)
    st.download_button("Download CSV", csv_bytes(frame), file_name=f"{name}.csv",
                       mime="text/csv", key=key, icon=":material/download:", on_click="ignore")
