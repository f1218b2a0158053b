"""Files out: CSV that a spreadsheet opens without running any cell as a formula."""

from __future__ import annotations

import pandas as pd

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def csv_bytes(frame: pd.DataFrame) -> bytes:
    """CSV for spreadsheets: text cells that a spreadsheet would run as a formula are prefixed with '."""
    safe = frame.copy()
    for column in safe.columns:
        if safe[column].dtype == object or pd.api.types.is_string_dtype(safe[column]):
            text = safe[column].astype("string")
            safe[column] = text.where(~text.str.startswith(FORMULA_START).fillna(False), "'" + text)
    return safe.to_csv(index=False).encode("utf-8")
