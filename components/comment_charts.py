"""Charts of what customers wrote (pure plotly, no Streamlit): the Voices page and the reports draw the same."""

from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go

from components.theme import NEGATIVE, POSITIVE, TEXT, empty_figure, remembered, style

NO_TERMS = ("Too few negative and positive comments here to compare.<br>"
            "Widen the period in the sidebar or pick a touchpoint with more comments.")
SIDES = {"negative": ("More typical of negative comments", NEGATIVE),
         "positive": ("More typical of positive comments", POSITIVE)}


@remembered
def term_bars(terms: pd.DataFrame, title: str, subtitle: str) -> go.Figure:
    """Diverging bars: terms typical of negative comments to the left in red, of positive ones to the right."""
    if terms.empty:
        return empty_figure(NO_TERMS, title)
    data = pd.concat([terms[terms["side"] == "negative"].sort_values("score"),
                      terms[terms["side"] == "positive"].sort_values("score", ascending=False)])
    fig = go.Figure()
    for side, (label, colour) in SIDES.items():
        rows = data[data["side"] == side]
        fig.add_trace(go.Bar(
            y=rows["term"], x=rows["score"], orientation="h", name=label, marker_color=colour,
            text=rows["term"], textposition="outside", cliponaxis=False, textfont=dict(color=TEXT),
            customdata=rows[["negative_count", "positive_count"]],
            hovertemplate="<b>%{y}</b>: z = %{x:+.1f}<br>in %{customdata[0]:,} negative and "
                          "%{customdata[1]:,} positive comments<extra></extra>"))
    reach = float(data["score"].abs().max()) * 1.6
    fig.update_xaxes(range=[-reach, reach],
                     title="z-score of the weighted log-odds ratio (|z| ≥ 1.96: unlikely to be chance)")
    fig.update_yaxes(categoryorder="array", categoryarray=list(data["term"])[::-1], showticklabels=False)
    fig.add_vline(x=0, line=dict(color="#9AA5B1", width=1))
    fig.update_layout(barmode="overlay", bargap=0.25)
    return style(fig, title, subtitle, height=170 + 24 * len(data))
