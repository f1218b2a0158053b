"""The path explorer's figure: a Sankey of a few nodes per step, readable on a projector. No Streamlit, no SQL."""

from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go

from analytics.journey import LEFT_JOURNEY, OTHER, PathExplorer
from components.theme import MUTED, NEGATIVE, PRIMARY, TEXT, empty_figure, remembered, style

NO_PATHS = "No customer events for these filters. Widen the period or clear a filter."
NODE_COLOURS = {LEFT_JOURNEY: NEGATIVE, OTHER: MUTED}  # any other node is an event: PRIMARY
LINK_COLOURS = {LEFT_JOURNEY: "rgba(214,69,69,0.55)", OTHER: "rgba(154,165,177,0.35)"}  # by what followed
WENT_ON = "rgba(47,75,124,0.28)"
GAP = 0.04  # between the nodes of a step, as a share of the height
TOP = 0.9  # the Sankey's top: the step headers go above it, under the subtitle


def _positions(nodes: pd.DataFrame) -> tuple[list[float], list[float]]:
    """Node centres: steps as evenly spaced columns; within one, the nodes stacked in the explorer's order.

    Placed, not left to plotly's layout, so leaving is always at the bottom in red and OTHER above it.
    """
    steps = int(nodes["step"].max())
    widest = float(nodes.groupby("step")["customers"].sum().max())
    most = int(nodes.groupby("step").size().max())
    scale = (1 - GAP * (most - 1)) / widest
    xs, ys, filled = [], [], dict.fromkeys(nodes["step"], 0.0)
    for step, customers in zip(nodes["step"], nodes["customers"], strict=True):
        height = customers * scale
        xs.append(min(max((step - 1) / max(steps - 1, 1), 0.001), 0.999))
        ys.append(min(max(filled[step] + height / 2, 0.001), 0.999))
        filled[step] += height + GAP
    return xs, ys


def _step_headers(steps: int) -> list[dict]:
    names = ["Start", *(f"Step {step}" for step in range(2, steps + 1))]
    return [dict(text=f"<b>{name}</b>", x=(step - 1) / max(steps - 1, 1), y=1.0, xref="paper", yref="paper",
                 xanchor="left" if step == 1 else "right" if step == steps else "center", yanchor="top",
                 showarrow=False, font=dict(size=15, color="#5F6B7A"))
            for step, name in enumerate(names, start=1)]


@remembered
def path_sankey(explorer: PathExplorer, title: str, subtitle: str) -> go.Figure:
    """The paths as step columns of a few nodes each: events in blue, OTHER grey, leaving red; counts on the nodes."""
    nodes, links = explorer.nodes, explorer.links
    if links.empty:
        return empty_figure(NO_PATHS, title)
    started = int(nodes["customers"].iloc[0])
    names = nodes["name"].tolist()
    xs, ys = _positions(nodes)
    fig = go.Figure(go.Sankey(
        arrangement="fixed", domain=dict(y=[0, TOP]), textfont=dict(size=16, color=TEXT),
        node=dict(label=[f"{name}  {customers:,}" for name, customers in zip(names, nodes["customers"], strict=True)],
                  color=[NODE_COLOURS.get(name, PRIMARY) for name in names], x=xs, y=ys, pad=18, thickness=18,
                  line=dict(width=0), hovertemplate="%{label} customers<extra></extra>"),
        link=dict(source=links["source"], target=links["target"], value=links["customers"],
                  color=[LINK_COLOURS.get(names[target], WENT_ON) for target in links["target"]],
                  customdata=[f"{names[s]} → {names[t]}: {n:,} customers ({n / started:.0%} of those who started)"
                              for s, t, n in zip(links["source"], links["target"], links["customers"], strict=True)],
                  hovertemplate="%{customdata}<extra></extra>")))
    fig.update_layout(annotations=_step_headers(int(nodes["step"].max())))
    return style(fig, title, subtitle, height=520)
