"""One palette and one figure style for every chart, legible on a projector."""

from __future__ import annotations

from collections.abc import Mapping

import plotly.graph_objects as go
import plotly.io as pio

from data_access.labels import label_key  # one rule for colours here and for grouping at import

PRIMARY = "#2F4B7C"
MUTED = "#C9CED6"  # low-n and 'no data' marks
TEXT = "#1F2933"
GRID = "#E6E9EE"
POSITIVE = "#2E9E5B"
NEGATIVE = "#D64545"

NPS_GROUP_COLOURS = {"Promoter": "#2E9E5B", "Passive": "#F0B43C", "Detractor": "#D64545"}
TIER_COLOURS = {"Bronze": "#B0703C", "Silver": "#8C99A6", "Gold": "#D4A72C", "Platinum": "#4B5D73",
                "No tier": "#C9CED6"}
CHANNEL_COLOURS = {"web": "#2F4B7C", "app": "#5B7DB1", "store": "#B0703C", "phone": "#8C99A6", "chat": "#F0B43C",
                   "email": "#6A9E8E"}
SPEED_COLOURS = {"fast": "#2E9E5B", "slow": "#D64545"}
SENTIMENT_SCALE = [[0.0, "#D64545"], [0.5, "#F4F1EA"], [1.0, "#2E9E5B"]]  # −1 … +1
FONT = dict(family="Inter, Segoe UI, Helvetica, Arial, sans-serif", size=15, color=TEXT)

# The house look as the default template, set once per process: plotly applies a template when it writes the
# figure, whereas setting the same values on each figure validates them axis by axis on every rerun (the
# largest cost of a warm rerun with many small multiples; bench/README.md).
pio.templates["cx"] = go.layout.Template(pio.templates["plotly_white"]).update(layout=dict(
    font=FONT, hoverlabel=dict(font_size=14), paper_bgcolor="white", plot_bgcolor="white",
    legend=dict(orientation="h", yanchor="bottom", y=1.0, xanchor="right", x=1),
    xaxis=dict(gridcolor=GRID, zerolinecolor=GRID), yaxis=dict(gridcolor=GRID, zerolinecolor=GRID)))
pio.templates.default = "cx"


def as_text(value: str) -> str:
    """Names from data (touchpoints, segments, regions) inside plotly's HTML-like titles: no tags, so no links."""
    return value.replace("<", "&lt;").replace(">", "&gt;")


def style(fig: go.Figure, title: str, subtitle: str | None = None, height: int = 420) -> go.Figure:
    """The house look: a title that names the finding's subject, the filter in force under it."""
    text = f"<b>{as_text(title)}</b>" + (f"<br><span style='font-size:13px;color:#5F6B7A'>{as_text(subtitle)}</span>"
                                         if subtitle else "")
    return fig.update_layout(title=dict(text=text, x=0, xanchor="left", font=dict(size=19)), height=height,
                             margin=dict(l=10, r=20, t=80 if subtitle else 60, b=40))


def empty_figure(message: str, title: str = "", height: int = 300) -> go.Figure:
    """What a chart shows when there is nothing to draw: the reason, and what to do."""
    fig = go.Figure()
    fig.add_annotation(text=message, showarrow=False, x=0.5, y=0.5, xref="paper", yref="paper",
                       font=dict(size=16, color="#5F6B7A"))
    fig.update_xaxes(visible=False)
    fig.update_yaxes(visible=False)
    return style(fig, title, height=height)


def colour_for(palette: Mapping[str, str], label: object, fallback: str = MUTED) -> str:
    """A label's colour in a palette whatever its case or surrounding spaces; the fallback when it has none."""
    return next((colour for name, colour in palette.items() if label_key(name) == label_key(label)), fallback)
