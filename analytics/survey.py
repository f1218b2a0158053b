"""Survey KPIs from the counts the database returns: NPS, CSAT, CES, sentiment, and their definitions."""

from __future__ import annotations

import numpy as np
import pandas as pd

from analytics.metrics import METRICS
from analytics.nps import add_nps
from analytics.ratios import ratio
from analytics.settings import MIN_N
from analytics.significance import Z95


def _share_margin(hits: pd.Series, n: pd.Series) -> pd.Series:
    """95% margin of a share (0-1), NaN without answers."""
    share = ratio(hits, n)
    return Z95 * np.sqrt(ratio(share * (1 - share), n))


def _mean_margin(total: pd.Series, squares: pd.Series, n: pd.Series) -> pd.Series:
    """95% margin of a mean from its sum and sum of squares, NaN below two answers."""
    mean = ratio(total, n)
    variance = ratio(squares - n * mean * mean, n - 1).clip(lower=0)
    return Z95 * np.sqrt(ratio(variance, n))


def summarise(counts: pd.DataFrame, min_n: int = MIN_N, metric: str = "nps") -> pd.DataFrame:
    """Turns grouped survey counts into KPIs and their margins, one row per group; low_n judges the metric shown."""
    out = add_nps(counts, min_n)
    out["csat"] = 100 * ratio(out["csat_top2"], out["csat_n"])
    out["csat_margin"] = 100 * _share_margin(out["csat_top2"], out["csat_n"])
    out["ces"] = ratio(out["ces_sum"], out["ces_n"])
    out["ces_margin"] = _mean_margin(out["ces_sum"], out["ces_squares"], out["ces_n"])
    out["sentiment"] = ratio(out["sentiment_sum"], out["sentiment_n"])
    out["sentiment_margin"] = _mean_margin(out["sentiment_sum"], out["sentiment_squares"], out["sentiment_n"])
    out["negative_share"] = 100 * ratio(out["sentiment_negative"], out["sentiment_n"])
    out["low_n"] = out[METRICS[metric].n_column] < min_n
    return out
