"""Key drivers: which touchpoints move NPS, set against how they perform today.

Method (derived importance): for each touchpoint, the Pearson correlation between a customer's CSAT there
and their mean NPS at their other touchpoints, over customers who rated at least two touchpoints. Relative
weights or Shapley regression need respondents who rated many touchpoints each; survey data per touchpoint
rarely has that, so the correlation is used and the page says so.
"""

from __future__ import annotations

from collections.abc import Collection

import pandas as pd

from analytics.metrics import METRICS
from analytics.settings import MIN_N

QUADRANTS = {
    (True, False): "Fix first",  # (high impact, high performance)
    (True, True): "Protect",
    (False, False): "Monitor",
    (False, True): "Maintain",
}


def priority_matrix(drivers: pd.DataFrame, performance: pd.DataFrame, measure: str = "csat") -> pd.DataFrame:
    """Touchpoints placed by impact (correlation) and performance (e.g. CSAT %), split at the medians.

    Touchpoints with fewer than MIN_N customers behind the correlation are kept but not placed in a quadrant.
    """
    frame = drivers.merge(performance[["touchpoint", measure]], on="touchpoint", how="inner")
    frame = frame.rename(columns={"correlation": "impact", measure: "performance"})
    reliable = frame["customers"] >= MIN_N
    impact_cut = frame["impact"][reliable].median()
    performance_cut = frame["performance"][reliable].median()
    frame["quadrant"] = [
        QUADRANTS[(impact >= impact_cut, performance >= performance_cut)] if ok else "Too few answers"
        for impact, performance, ok in zip(frame["impact"], frame["performance"], reliable, strict=True)
    ]
    frame.attrs.update(impact_cut=impact_cut, performance_cut=performance_cut)
    return frame.sort_values("impact", ascending=False).reset_index(drop=True)


def unplaced_reason(present: Collection[str], several: int) -> str:
    """Why no touchpoint could be placed, in words that agree with the count of customers who rated two or more.

    Impact correlates CSAT at a touchpoint with NPS at the customer's others, so it needs both metrics, and
    customers who gave a CSAT answer at one touchpoint and an NPS answer at another.
    """
    for metric in ("nps", "csat"):
        if metric not in present:
            return f"This data has no {METRICS[metric].answers}, which the impact on NPS is estimated from."
    if several == 0:
        return "No customer rated two or more touchpoints here, so the impact on NPS cannot be estimated."
    return (f"Of the {several:,} customers who rated two or more touchpoints, too few gave a CSAT answer at one "
            "and an NPS answer at another (with answers that vary) to estimate the impact on NPS.")
