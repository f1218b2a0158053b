"""Division that says 'no data' (NaN) instead of failing or inventing a zero."""

from __future__ import annotations

from typing import Any, overload

import numpy as np
import pandas as pd


@overload
def ratio(numerator: pd.Series, denominator: pd.Series | float) -> pd.Series: ...
@overload
def ratio(numerator: pd.Series | float, denominator: pd.Series) -> pd.Series: ...
@overload
def ratio(numerator: float | None, denominator: float | None) -> float: ...
def ratio(numerator: Any, denominator: Any) -> Any:  # the overloads say what goes in and what comes out
    """numerator / denominator, NaN where the denominator is zero or missing (scalars or Series)."""
    num = pd.to_numeric(numerator, errors="coerce") if isinstance(numerator, pd.Series) else numerator
    den = pd.to_numeric(denominator, errors="coerce") if isinstance(denominator, pd.Series) else denominator
    if isinstance(num, pd.Series) or isinstance(den, pd.Series):
        den = den.astype("float64") if isinstance(den, pd.Series) else float(den)
        result = num / (den.where(den != 0) if isinstance(den, pd.Series) else (den or np.nan))
        return result.astype("float64")
    if den is None or den == 0 or pd.isna(den) or num is None or pd.isna(num):
        return float("nan")
    return float(num) / float(den)
