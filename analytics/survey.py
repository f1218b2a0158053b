"""Survey KPIs from the counts the database returns: NPS, CSAT, CES, sentiment, and their definitions."""

from __future__ import annotations

import pandas as pd

from analytics.nps import MIN_N, add_nps
from analytics.ratios import ratio

DEFINITIONS: dict[str, str] = {
    "nps": "Net Promoter Score: % promoters (9-10) − % detractors (0-6) on 'How likely are you to recommend us?', "
           "−100 to +100, shown ± its 95% margin of error.",
    "csat": "CSAT: share of 4 and 5 answers on the 1-5 satisfaction question, in %.",
    "ces": "Customer Effort Score: mean of the 1-7 'easy to deal with' answer (7 = very easy).",
    "sentiment": "Sentiment: mean comment polarity from −1 (negative) to +1 (positive), scored once at import.",
    "negative_share": "Share of comments with polarity below −0.05, in %.",
    "low_n": f"Fewer than {MIN_N} answers: shown greyed, not ranked.",
}


def summarise(counts: pd.DataFrame, min_n: int = MIN_N) -> pd.DataFrame:
    """Turns grouped survey counts into KPIs, one row per group (groups are kept as they are)."""
    out = add_nps(counts, min_n)
    out["csat"] = 100 * ratio(out["csat_top2"], out["csat_n"])
    out["ces"] = ratio(out["ces_sum"], out["ces_n"])
    out["sentiment"] = ratio(out["sentiment_sum"], out["sentiment_n"])
    out["negative_share"] = 100 * ratio(out["sentiment_negative"], out["sentiment_n"])
    return out
