"""The Overview's charts, built once for the page and for the reports (pure plotly, no Streamlit)."""

from __future__ import annotations

from datetime import date

import pandas as pd
import plotly.graph_objects as go

from analytics.metrics import Metric
from analytics.overview import Overview
from components import charts
from components.theme import TIER_COLOURS
from data_access.contracts import TIERS
from data_access.filters import NO_TIER

MOVERS_NOTE = ("A touchpoint's change is called significant only after the Benjamini-Hochberg correction across all "
               "touchpoints compared (false discovery rate 5%); the bars show each change ± its 95% margin.")


def overview_charts(found: Overview, trend: pd.DataFrame, metric: Metric, period: tuple[date, date],
                    describe: str, describe_history: str, comparison_label: str) -> dict[str, go.Figure]:
    """Trend (all data, the period highlighted), the metric by tier, and the touchpoints that moved most."""
    return {
        "trend": charts.metric_trend(trend, metric, f"{metric.name} by month, all data", describe_history,
                                     highlight=period),
        "tiers": charts.metric_bars(found.tiers, "tier", metric, f"{metric.name} by loyalty tier", describe,
                                    TIER_COLOURS, order=(*TIERS, NO_TIER)),
        "movers": charts.movers(found.movers, metric, f"Touchpoints that moved most vs the {comparison_label}",
                                describe),
    }
