"""The voting chart: what the room voted for beside what the data says about it. Pure plotly, no Streamlit."""

from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from components.theme import MUTED, NEGATIVE, NPS_GROUP_COLOURS, POSITIVE, PRIMARY, empty_figure, remembered, style

NO_VOTES = "No votes yet. Each participant spends their votes below; the ranking appears here."


@remembered
def votes_beside_data(ranked: pd.DataFrame, title: str, subtitle: str) -> go.Figure:
    """Votes per target, ranked, with its touchpoint's NPS (± margin), detractors and the promoter-detractor spend
    gap on the same rows; small samples greyed."""
    if ranked.empty:
        return empty_figure(NO_VOTES, title)
    labels = ranked["label"].tolist()
    fig = make_subplots(rows=1, cols=4, shared_yaxes=True, horizontal_spacing=0.03,
                        column_widths=[0.31, 0.23, 0.23, 0.23],
                        subplot_titles=("Votes", "NPS (± margin)", "Detractors", "Detractors spend less by"))
    fig.add_trace(go.Bar(y=labels, x=ranked["votes"], orientation="h", marker_color=PRIMARY,
                         text=ranked["votes"], textposition="outside", name="Votes"), 1, 1)
    nps_colours = [MUTED if low else PRIMARY for low in ranked["low_n"].fillna(True)]
    fig.add_trace(go.Scatter(y=labels, x=ranked["nps"], mode="markers+text", marker=dict(size=13,
                             color=nps_colours), error_x=dict(type="data", array=ranked["nps_margin"],
                                                              color="#9AA5B1"),
                             text=[f"{v:+.0f}" if pd.notna(v) else "–" for v in ranked["nps"]],
                             textposition="top center", name="NPS"), 1, 2)
    fig.add_trace(go.Bar(y=labels, x=ranked["detractors"], orientation="h",
                         marker_color=NPS_GROUP_COLOURS["Detractor"], name="Detractors",
                         text=[f"{int(v):,}" if pd.notna(v) else "–" for v in ranked["detractors"]],
                         textposition="outside"), 1, 3)
    gap = ranked["gap_share"].where(~ranked["gap_low_n"].fillna(True).astype(bool))
    fig.add_trace(go.Bar(y=labels, x=gap, orientation="h", name="Spend gap",
                         marker_color=[NEGATIVE if v > 0 else POSITIVE for v in gap.fillna(0)],
                         text=[f"{v:.0f}%" if pd.notna(v) else "too few answers" for v in gap],
                         textposition="outside"), 1, 4)
    fig.update_yaxes(autorange="reversed", tickfont=dict(size=15))
    fig.update_xaxes(showgrid=False, zeroline=True, zerolinecolor="#9AA5B1")
    fig.update_traces(cliponaxis=False)  # value labels past the longest bar stay whole
    fig.update_layout(showlegend=False, bargap=0.35, margin_r=70)
    return style(fig, title, subtitle, height=170 + 48 * len(labels))
