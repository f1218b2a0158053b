"""Tables a person can read and take away as CSV."""

from __future__ import annotations

import pandas as pd
import streamlit as st


def download_table(frame: pd.DataFrame, name: str, key: str, column_config: dict | None = None) -> None:
    """The table, and a button that downloads exactly what it shows."""
    st.dataframe(frame, hide_index=True, column_config=column_config)
    st.download_button("Download CSV", frame.to_csv(index=False).encode("utf-8"), file_name=f"{name}.csv",
                       mime="text/csv", key=key, icon=":material/download:", on_click="ignore")
