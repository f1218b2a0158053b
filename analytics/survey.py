"""Survey KPIs from the counts the database returns: NPS, CSAT, CES, sentiment, and their definitions."""

from __future__ import annotations

import numpy as np
import pandas as pd

from analytics.metrics import METRICS
from analytics.nps import MIN_N, add_nps
from analytics.ratios import ratio
from analytics.significance import Z95

DEFINITIONS: dict[str, str] = {
    "nps": "Net Promoter Score: % promoters (9-10) − % detractors (0-6) on 'How likely are you to recommend us?', "
           "−100 to +100, shown ± its 95% margin of error.",
    "csat": "CSAT: share of 4 and 5 answers on the 1-5 satisfaction question, in %.",
    "ces": "Customer Effort Score: mean of the 1-7 'easy to deal with' answer (7 = very easy).",
    "sentiment": "Sentiment: mean comment polarity from −1 (negative) to +1 (positive), scored once at import.",
    "negative_share": "Share of comments with polarity below −0.05, in %.",
    "low_n": f"Fewer than {MIN_N} answers to the metric shown: shown greyed, not ranked.",
}


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
