"""Pure chart builders: a small DataFrame in, a styled plotly figure out. No Streamlit, no SQL.

Each public builder is `remembered`: the same content in gives the same figure object back, built once. Never
change a figure a builder returned; build another.
"""

from __future__ import annotations

import math
from collections.abc import Mapping

import pandas as pd
import plotly.graph_objects as go

from analytics.metrics import Metric
from components.theme import (
    MUTED,
    NEGATIVE,
    NPS_GROUP_COLOURS,
    POSITIVE,
    PRIMARY,
    SENTIMENT_SCALE,
    TIER_COLOURS,
    colour_for,
    empty_figure,
    label_key,
    remembered,
    style,
)

NO_DATA = "No answers for these filters. Widen the period or clear a filter."


def _value_label(metric: Metric, value: float, margin: float, n: int, low_n: bool = False) -> str:
    """'+12 ± 5  (n=1,234 · small sample)' in the metric's formats; no ± where there is no margin."""
    spread = "" if pd.isna(margin) else f" ± {metric.margin_format.format(margin)}"
    return f"{metric.number_format.format(value)}{spread}  (n={n:,}" + (" · small sample)" if low_n else ")")


def _value_labels(data: pd.DataFrame, metric: Metric) -> list[str]:
    """_value_label for every row of a summarised frame, small samples judged by its low_n."""
    return [_value_label(metric, *row) for row in zip(data[metric.key], data[metric.margin_column],
                                                         data[metric.n_column], data["low_n"], strict=True)]


def _ticks_on_scale(metric: Metric, low: float, high: float) -> list[float]:
    """Round ticks from low to high, but only on the metric's scale: room kept for labels shows no CSAT of 150%."""
    bottom, top = max(metric.bounds[0], low), min(metric.bounds[1], high)
    raw = (top - bottom) / 6
    magnitude = 10 ** math.floor(math.log10(raw))
    step = next(m * magnitude for m in (1, 2, 2.5, 5, 10) if m * magnitude >= raw)
    return [round(tick * step, 10) for tick in range(math.ceil(bottom / step), math.floor(top / step) + 1)]


def _end_labels(values: pd.Series, margins: pd.Series, categories: pd.Series, labels: list[str]) -> go.Scatter:
    """Labels just past each error bar's outer end, on the side the bar points to."""
    margins = margins.fillna(0)
    ends = [v + m if v >= 0 else v - m for v, m in zip(values, margins, strict=True)]
    return go.Scatter(x=ends, y=categories, mode="text", text=[f"  {t}  " for t in labels], showlegend=False,
                      textposition=["middle right" if v >= 0 else "middle left" for v in values],
                      hoverinfo="skip", cliponaxis=False)


@remembered
def metric_trend(frame: pd.DataFrame, metric: Metric, title: str, subtitle: str,
                 highlight: tuple | None = None) -> go.Figure:
    """A metric by month with its 95% confidence band; months with few answers greyed; the chosen period shaded."""
    data = frame.dropna(subset=[metric.key])
    if data.empty:
        return empty_figure(NO_DATA, title)
    margins = data[metric.margin_column].fillna(0)
    upper, lower = data[metric.key] + margins, data[metric.key] - margins
    fig = go.Figure([
        go.Scatter(x=data["month"], y=upper, mode="lines", line=dict(width=0), hoverinfo="skip", showlegend=False),
        go.Scatter(x=data["month"], y=lower, mode="lines", line=dict(width=0), fill="tonexty",
                   fillcolor="rgba(47,75,124,0.15)", hoverinfo="skip", name="95% confidence band"),
        go.Scatter(x=data["month"], y=data[metric.key], mode="lines+markers", name=metric.label,
                   line=dict(color=PRIMARY, width=3),
                   marker=dict(size=8, color=[MUTED if low else PRIMARY for low in data["low_n"]]),
                   customdata=_value_labels(data, metric),
                   hovertemplate=f"%{{x|%b %Y}}: {metric.name} %{{customdata}}<extra></extra>"),
    ])
    bottom, top = metric.bounds
    if bottom < 0:
        fig.add_hline(y=0, line=dict(color="#9AA5B1", width=1))
    if highlight:
        fig.add_vrect(x0=highlight[0], x1=highlight[1], fillcolor="rgba(240,180,60,0.12)", line_width=0,
                      annotation_text="selected period", annotation_position="top left")
    pad = (top - bottom) / 20
    fig.update_yaxes(title=metric.unit_label, range=[max(bottom, lower.min() - pad), min(top, upper.max() + pad)])
    fig.update_xaxes(dtick="M2", tickformat="%b %Y")
    return style(fig, title, subtitle)


@remembered
def metric_bars(frame: pd.DataFrame, category: str, metric: Metric, title: str, subtitle: str,
                colours: dict[str, str] | None = None, order: tuple[str, ...] | None = None,
                empty: str = NO_DATA) -> go.Figure:
    """A metric per group as horizontal bars with 95% error bars; small groups greyed; in the given order."""
    data = frame.dropna(subset=[metric.key])
    if order:
        rank = {name: i for i, name in enumerate(order)}
        data = data.sort_values(category, key=lambda s: s.map(rank).fillna(len(rank)))
    if data.empty:
        return empty_figure(empty, title)
    values, margins = data[metric.key], data[metric.margin_column].fillna(0)
    bar_colours = [MUTED if low else colour_for(colours or {}, name, PRIMARY)
                   for name, low in zip(data[category], data["low_n"], strict=True)]
    labels = _value_labels(data, metric)
    fig = go.Figure([
        go.Bar(y=data[category], x=values, orientation="h", marker_color=bar_colours, customdata=labels,
               error_x=dict(type="data", array=data[metric.margin_column], color="#3E4C59", thickness=1.5),
               hovertemplate="%{y}: %{customdata}<extra></extra>", showlegend=False),
        _end_labels(values, data[metric.margin_column], data[category], labels),
    ])
    fig.update_yaxes(autorange="reversed", title=None)
    span = max((metric.bounds[1] - metric.bounds[0]) / 20, float((values.abs() + margins).max()))
    low, high = min(0.0, float((values - margins).min())), max(0.0, float((values + margins).max()))
    shown = [low - (span * 1.2 if low < 0 else span * 0.05), high + span * 1.2]
    fig.update_xaxes(title=f"{metric.unit_label} (whiskers: 95% margin of error)", range=shown,
                     tickvals=_ticks_on_scale(metric, *shown))
    fig.add_vline(x=0, line=dict(color="#9AA5B1", width=1))
    return style(fig, title, subtitle, height=150 + 52 * len(data))


@remembered
def movers(frame: pd.DataFrame, metric: Metric, title: str, subtitle: str) -> go.Figure:
    """Change in a metric per touchpoint against the comparison period, coloured by direction."""
    if frame.empty:
        return empty_figure(f"Not enough {metric.name} answers in both periods to compare touchpoints.", title)
    colours = [MUTED if not row.significant else POSITIVE if row.delta > 0 else NEGATIVE
               for row in frame.itertuples()]
    labels = [f"{metric.change_format.format(row.delta)} ({metric.number_format.format(row.previous)} → "
              f"{metric.number_format.format(row.value)})" + ("" if row.significant else " · within noise")
              for row in frame.itertuples()]
    fig = go.Figure([
        go.Bar(y=frame["touchpoint"], x=frame["delta"], orientation="h", marker_color=colours, customdata=labels,
               error_x=dict(type="data", array=frame["margin"], color="#3E4C59", thickness=1.5),
               hovertemplate="%{y}: %{customdata}<extra></extra>", showlegend=False),
        _end_labels(frame["delta"], frame["margin"], frame["touchpoint"], labels),
    ])
    reach = float((frame["delta"].abs() + frame["margin"]).max())
    fig.update_xaxes(title=f"Change in {metric.name}", range=[-reach * 2.2, reach * 2.2])
    fig.update_yaxes(autorange="reversed")
    fig.add_vline(x=0, line=dict(color="#9AA5B1", width=1))
    return style(fig, title, subtitle, height=300)


JOURNEY_SCALES = {"nps": ("RdYlGn", (-60, 80)), "csat": ("RdYlGn", (50, 100)),  # colour scale and range per metric
                  "sentiment": (SENTIMENT_SCALE, (-0.6, 0.6)), "volume": ("Blues", None)}


def _items_mark(count: int) -> str:
    """A workshop's open notes in a cell: small, beside n, so it never hides the metric."""
    return f" · <b>✎ {count}</b>" if count else ""


@remembered
def journey_heatmap(grid: pd.DataFrame, label: str, number_format: str, title: str, subtitle: str,
                    colorscale, zrange: tuple[float, float] | None, items: Mapping[str, int] | None = None,
                    stage_items: Mapping[str, int] | None = None) -> go.Figure:
    """Stages as columns in journey order, touchpoints under them; each cell shows value and n, low n greyed, and
    the open workshop notes pinned to it (✎, by touchpoint; a stage's own notes beside its name)."""
    if grid.empty:
        return empty_figure(NO_DATA, title)
    stages = grid.drop_duplicates("stage_order").sort_values("stage_order")["stage"].tolist()
    rows = int(grid["row"].max()) + 1
    shape = (rows, len(stages))
    values = [[None] * shape[1] for _ in range(rows)]
    greyed = [[None] * shape[1] for _ in range(rows)]
    texts = [[""] * shape[1] for _ in range(rows)]
    greyed_texts = [[""] * shape[1] for _ in range(rows)]  # each trace writes only its own cells: no text drawn twice
    for cell in grid.itertuples():
        column = stages.index(cell.stage)
        value = "–" if pd.isna(cell.value) else number_format.format(cell.value)
        (greyed_texts if cell.low_n else texts)[cell.row][column] = (
            f"<b>{cell.touchpoint}</b><br>{value}<br><span style='font-size:12px'>n={cell.n:,}"
            + (" · small sample" if cell.low_n else "") + _items_mark((items or {}).get(cell.touchpoint, 0))
            + "</span>")
        (greyed if cell.low_n else values)[cell.row][column] = 1 if cell.low_n else cell.value
    zmin, zmax = zrange if zrange else (grid["value"].min(), grid["value"].max())
    fig = go.Figure([
        go.Heatmap(z=values, x=stages, y=list(range(rows)), text=texts, texttemplate="%{text}", colorscale=colorscale,
                   zmin=zmin, zmax=zmax, xgap=6, ygap=6, colorbar=dict(title=label, thickness=14),
                   hovertemplate="%{text}<extra></extra>", textfont=dict(size=13)),
        go.Heatmap(z=greyed, x=stages, y=list(range(rows)), text=greyed_texts, texttemplate="%{text}",
                   colorscale=[[0, MUTED], [1, MUTED]], showscale=False, xgap=6, ygap=6,
                   hovertemplate="%{text}<extra></extra>", textfont=dict(size=13, color="#5F6B7A")),
    ])
    fig.update_yaxes(autorange="reversed", visible=False)
    fig.update_xaxes(side="top", tickfont=dict(size=15), showgrid=False, tickmode="array", tickvals=stages,
                     ticktext=[stage + _items_mark((stage_items or {}).get(stage, 0)) for stage in stages])
    return style(fig, title, subtitle, height=160 + 105 * rows).update_layout(margin_t=125)


@remembered
def emotion_curve(stages: pd.DataFrame, metrics: tuple[Metric, ...], title: str, subtitle: str) -> go.Figure:
    """The first metric (with its margin) per stage, the second on the right axis, in journey order: where it hurts."""
    shown, *beside = metrics
    data = stages.dropna(subset=[shown.key])
    if data.empty:
        return empty_figure(NO_DATA, title)
    fig = go.Figure(go.Scatter(x=data["stage"], y=data[shown.key], name=shown.label, mode="lines+markers+text",
                               line=dict(color=PRIMARY, width=3, shape="spline"), marker=dict(size=10),
                               error_y=dict(type="data", array=data[shown.margin_column], color="#9AA5B1"),
                               text=[shown.number_format.format(v) for v in data[shown.key]],
                               textposition="top center"))
    for metric in beside:
        fig.add_trace(go.Scatter(x=data["stage"], y=data[metric.key], name=f"{metric.label} (right axis)",
                                 yaxis="y2", mode="lines+markers",
                                 line=dict(color="#F0B43C", width=3, dash="dot", shape="spline"), marker=dict(size=9)))
        fig.update_layout(yaxis2=dict(title=f"Mean {metric.name}", overlaying="y", side="right", range=metric.bounds,
                                      dtick=(metric.bounds[1] - metric.bounds[0]) / 4, showgrid=False,
                                      zeroline=False))
    bottom, top = shown.bounds
    pad, margins = 0.075 * (top - bottom), data[shown.margin_column].fillna(0)
    if bottom < 0:  # zero mid-chart, level with the right axis's zero
        reach = float((data[shown.key].abs() + margins).max()) + pad
        fig.add_hline(y=0, line=dict(color="#9AA5B1", width=1))
        axis_range = [-reach, reach]
    else:
        axis_range = [max(bottom, float((data[shown.key] - margins).min()) - pad),
                      min(top, float((data[shown.key] + margins).max()) + pad)]
    style(fig, title, subtitle, height=400)
    fig.update_layout(yaxis=dict(title=shown.unit_label, range=axis_range),
                      legend=dict(orientation="h", yanchor="top", y=-0.25, xanchor="left", x=0))
    return fig


@remembered
def sankey(nodes: list[str], links: pd.DataFrame, title: str, subtitle: str,
           colours: list[str] | None = None) -> go.Figure:
    """Flows from step to step; by default 'Left the journey' nodes (drop-off) are red."""
    if links.empty:
        return empty_figure("No customer events for these filters.", title)
    colours = colours or [NEGATIVE if "Left the journey" in n else "#5B7DB1" if "Order" in n else "#8C99A6"
                          if "ticket" in n else PRIMARY for n in nodes]
    fig = go.Figure(go.Sankey(
        arrangement="snap", node=dict(label=nodes, color=colours, pad=14, thickness=16),
        link=dict(source=links["source"], target=links["target"], value=links["customers"],
                  color="rgba(47,75,124,0.18)",
                  hovertemplate="%{source.label} → %{target.label}: %{value:,} customers<extra></extra>")))
    return style(fig, title, subtitle, height=560)


@remembered
def dumbbell(changes: pd.DataFrame, key: str, first: str, second: str, metric: Metric, title: str,
             subtitle: str) -> go.Figure:
    """Two groups' metric per row, joined by a line; real differences drawn bold, small samples greyed."""
    if changes.empty:
        return empty_figure(f"The two groups share no touchpoint with {metric.name} answers.", title)
    changes = changes.sort_values("delta", ascending=False)
    fig = go.Figure()
    for row in changes.itertuples():
        fig.add_trace(go.Scatter(x=[row.previous, row.value], y=[getattr(row, key)] * 2, mode="lines",
                                 line=dict(color=("#3E4C59" if row.significant else MUTED),
                                           width=4 if row.significant else 2),
                                 showlegend=False, hoverinfo="skip"))
    for column, margin, n, name, colour in (("value", "value_margin", "n", first, PRIMARY),
                                            ("previous", "previous_margin", "previous_n", second, "#F0B43C")):
        fig.add_trace(go.Scatter(
            x=changes[column], y=changes[key], mode="markers", name=name,
            marker=dict(size=14, color=colour, line=dict(color="white", width=1.5)),
            customdata=[_value_label(metric, *row) for row in zip(changes[column], changes[margin], changes[n],
                                                                  strict=True)],
            hovertemplate=f"{name} · %{{y}}: {metric.name} %{{customdata}}<extra></extra>"))
    labels = [metric.change_format.format(row.delta) + (" *" if row.significant else "")
              for row in changes.itertuples()]
    fig.add_trace(go.Scatter(x=[max(a, b) for a, b in zip(changes["value"], changes["previous"], strict=True)],
                             y=changes[key], mode="text", text=[f"   {t}" for t in labels], showlegend=False,
                             textposition="middle right", hoverinfo="skip", cliponaxis=False))
    fig.update_yaxes(autorange="reversed")
    fig.update_xaxes(title=f"{metric.unit_label}   (* = difference beyond the 95% margin)")
    return style(fig, title, subtitle, height=150 + 36 * len(changes))


@remembered
def nps_composition(summary: pd.DataFrame, title: str, subtitle: str) -> go.Figure:
    """Detractors, passives and promoters as shares of each touchpoint's answers; NPS ± margin in the label."""
    data = summary[summary["nps_n"] > 0]
    if data.empty:
        return empty_figure(NO_DATA, title)
    labels = [f"{row.touchpoint}  <b>{row.nps:+.0f}</b> ±{row.nps_margin:.0f}" + (" (small n)" if row.low_n else "")
              for row in data.itertuples()]
    shares = {group: 100 * data[column] / data["nps_n"] for group, column in
              (("Detractor", "detractors"), ("Passive", "passives"), ("Promoter", "promoters"))}
    fig = go.Figure([go.Bar(y=labels, x=share, name=f"{group}s", orientation="h",
                            marker_color=NPS_GROUP_COLOURS[group], text=[f"{v:.0f}%" for v in share],
                            textposition="inside", insidetextanchor="middle",
                            hovertemplate=f"%{{y}}: %{{x:.1f}}% {group.lower()}s<extra></extra>")
                     for group, share in shares.items()])
    fig.update_layout(barmode="stack")
    fig.update_xaxes(range=[0, 100], title="Share of answers, %  (label: NPS ± 95% margin)")
    fig.update_yaxes(autorange="reversed")
    style(fig, title, subtitle, height=170 + 34 * len(data))
    fig.update_layout(legend=dict(orientation="h", yanchor="top", y=-0.12, xanchor="left", x=0))
    return fig


@remembered
def sentiment_bars(summary: pd.DataFrame, title: str, subtitle: str) -> go.Figure:
    """Mean comment sentiment per touchpoint on the sentiment scale, with the share of negative comments."""
    data = summary[summary["sentiment_n"] > 0]
    if data.empty:
        return empty_figure("No comments for these filters.", title)
    fig = go.Figure(go.Bar(
        y=data["touchpoint"], x=data["sentiment"], orientation="h",
        marker=dict(color=data["sentiment"], colorscale=SENTIMENT_SCALE, cmin=-0.6, cmax=0.6),
        text=[f"{row.sentiment:+.2f} ({row.negative_share:.0f}% neg.)" for row in data.itertuples()],
        textposition="outside", cliponaxis=False, customdata=data[["sentiment_n"]],
        hovertemplate="%{y}: %{text}, %{customdata[0]:,} comments<extra></extra>"))
    reach = max(0.3, float(data["sentiment"].abs().max()))
    fig.update_xaxes(range=[-reach * 3, reach * 3], title="Mean sentiment (−1 … +1); label: share negative")
    fig.update_yaxes(autorange="reversed")
    fig.add_vline(x=0, line=dict(color="#9AA5B1", width=1))
    return style(fig, title, subtitle, height=140 + 34 * len(data))


@remembered
def priority_matrix(matrix: pd.DataFrame, performance_label: str, title: str, subtitle: str, empty: str) -> go.Figure:
    """Impact on NPS against current performance; the top-left quadrant is where to act first; else why not."""
    data = matrix.dropna(subset=["impact", "performance"])
    if data.empty:
        return empty_figure(empty, title)
    colours = {"Fix first": NEGATIVE, "Protect": POSITIVE, "Monitor": "#8C99A6", "Maintain": PRIMARY,
               "Too few answers": MUTED}
    fig = go.Figure([go.Scatter(
        x=group["performance"], y=group["impact"], mode="markers+text", name=quadrant, text=group["touchpoint"],
        textposition="top center", marker=dict(size=12 + 18 * (group["customers"] / data["customers"].max()),
                                               color=colours[quadrant], line=dict(color="white", width=1)),
        customdata=group[["customers"]],
        hovertemplate="%{text}: impact r = %{y:.2f}, performance %{x:.0f} (customers %{customdata[0]:,})"
                      "<extra></extra>") for quadrant, group in data.groupby("quadrant", sort=False)])
    fig.add_vline(x=matrix.attrs["performance_cut"], line=dict(color="#9AA5B1", dash="dash"))
    fig.add_hline(y=matrix.attrs["impact_cut"], line=dict(color="#9AA5B1", dash="dash"))
    fig.add_annotation(text="<b>Fix first</b>: strong driver, weak today", xref="paper", yref="paper", x=0.01,
                       y=0.99, showarrow=False, font=dict(color=NEGATIVE), xanchor="left")
    fig.update_xaxes(title=performance_label)
    fig.update_yaxes(title="Impact on NPS elsewhere (correlation r)")
    return style(fig, title, subtitle, height=520)


def _grid(count: int, columns: int, titles: list[str], gap_x: float = 0.06, gap_y: float = 0.2) -> dict:
    """Axes and cell titles of a small-multiples grid as one layout dict, numbered row by row as plotly does.

    Built directly rather than with make_subplots, whose per-cell validation was a third of a warm Loyalty rerun.
    """
    rows = -(-count // columns)
    width, height = (1 - (columns - 1) * gap_x) / columns, (1 - (rows - 1) * gap_y) / rows
    layout: dict = {"annotations": []}
    for i in range(count):
        (row, column), axis = divmod(i, columns), str(i + 1) if i else ""
        left, top = column * (width + gap_x), 1 - row * (height + gap_y)
        layout[f"xaxis{axis}"] = dict(domain=[left, min(1.0, left + width)], anchor=f"y{axis}")  # rounding
        layout[f"yaxis{axis}"] = dict(domain=[max(0.0, top - height), top], anchor=f"x{axis}")
        layout["annotations"].append(dict(text=titles[i], x=left + width / 2, y=top, xref="paper", yref="paper",
                                          xanchor="center", yanchor="bottom", showarrow=False, font_size=14))
    return layout


@remembered
def tier_kpi_grid(tiers: pd.DataFrame, metrics: list[tuple[str, str, str]], title: str, subtitle: str) -> go.Figure:
    """Small multiples: one bar chart per KPI, tiers side by side in tier colours."""
    if tiers.empty:
        return empty_figure(NO_DATA, title)
    columns = 4
    layout = _grid(len(metrics), columns, [label for _, label, _ in metrics])
    colours = [colour_for(TIER_COLOURS, t) for t in tiers["tier"]]
    bars = []
    for i, (column, label, number_format) in enumerate(metrics):
        values = tiers[column].astype("float64")
        axis = str(i + 1) if i else ""
        bars.append(go.Bar(x=tiers["tier"], y=values, marker_color=colours, showlegend=False, xaxis=f"x{axis}",
                           yaxis=f"y{axis}", text=["–" if pd.isna(v) else number_format.format(v) for v in values],
                           textposition="outside", cliponaxis=False,
                           hovertemplate=f"%{{x}}: %{{text}} {label}<extra></extra>"))
        low, high = min(0.0, float(values.min(skipna=True) or 0)), max(0.0, float(values.max(skipna=True) or 0))
        layout[f"yaxis{axis}"].update(range=[low * 1.25, high * 1.25 or 1], showticklabels=False)
    rows = -(-len(metrics) // columns)
    return style(go.Figure(data=bars, layout=layout), title, subtitle, height=240 + 230 * rows).update_layout(
        margin_t=115)


@remembered
def migration_heatmap(matrix: pd.DataFrame, first: str, second: str, title: str, subtitle: str) -> go.Figure:
    """Where each tier's customers were on the second date, as a share of the row, with counts."""
    if matrix.empty or matrix.to_numpy().sum() == 0:
        return empty_figure("No tier history for these dates.", title)
    shares = 100 * matrix.div(matrix.sum(axis=1).replace(0, float("nan")), axis=0)
    text = [[f"{shares.iat[i, j]:.0f}%<br>{matrix.iat[i, j]:,}" for j in range(matrix.shape[1])]
            for i in range(matrix.shape[0])]
    fig = go.Figure(go.Heatmap(z=shares.to_numpy(), x=list(matrix.columns), y=list(matrix.index), text=text,
                               texttemplate="%{text}", colorscale="Blues", zmin=0, zmax=100, xgap=3, ygap=3,
                               colorbar=dict(title="% of row", thickness=14),
                               hovertemplate="%{y} → %{x}: %{text}<extra></extra>"))
    fig.update_yaxes(autorange="reversed", title=f"Tier on {first}")
    fig.update_xaxes(title=f"Tier on {second}", side="top")
    return style(fig, title, subtitle, height=450).update_layout(margin_t=150)


@remembered
def points_over_time(points: pd.DataFrame, title: str, subtitle: str) -> go.Figure:
    """Points earned and redeemed per month, with the redemption rate on the right axis."""
    if points.empty:
        return empty_figure("No orders with points for these filters.", title)
    fig = go.Figure([
        go.Bar(x=points["month"], y=points["points_earned"], name="Points earned", marker_color="#9FB3D1"),
        go.Bar(x=points["month"], y=points["points_redeemed"], name="Points redeemed", marker_color=PRIMARY),
        go.Scatter(x=points["month"], y=points["redemption_rate"], name="Redemption rate % (right axis)",
                   yaxis="y2", mode="lines+markers", line=dict(color="#F0B43C", width=3)),
    ])
    style(fig, title, subtitle, height=420)
    fig.update_layout(barmode="group", yaxis=dict(title="Points"),
                      yaxis2=dict(title="Redemption rate %", overlaying="y", side="right", rangemode="tozero",
                                  showgrid=False, tickformat=".0f", ticksuffix="%", tickmode="auto", nticks=6))
    fig.update_xaxes(tickformat="%b %Y", dtick="M2")
    return fig


@remembered
def group_bars(frame: pd.DataFrame, category: str, value: str, colours: dict[str, str], title: str,
               subtitle: str, number_format: str, axis_title: str, empty: str = NO_DATA) -> go.Figure:
    """One bar per group in the group's colour, value labels on top."""
    data = frame.dropna(subset=[value])
    if data.empty:
        return empty_figure(empty, title)
    fig = go.Figure(go.Bar(x=data[category], y=data[value], marker_color=[colour_for(colours, c, PRIMARY)
                                                                           for c in data[category]],
                           text=[number_format.format(v) for v in data[value]], textposition="outside",
                           cliponaxis=False, hovertemplate="%{x}: %{text}<extra></extra>"))
    fig.update_yaxes(title=axis_title, rangemode="tozero", range=[0, float(data[value].max()) * 1.2])
    return style(fig, title, subtitle, height=360)


@remembered
def stacked_volume(frame: pd.DataFrame, group: str, value: str, colours: dict[str, str], title: str,
                   subtitle: str, axis_title: str) -> go.Figure:
    """Monthly volume stacked by group; spellings of one label ('Email', 'email') are one group, named as first seen."""
    if frame.empty:
        return empty_figure(NO_DATA, title)
    bars = []
    for _, rows in frame.groupby(frame[group].map(label_key), sort=True):
        name, monthly = rows[group].iloc[0], rows.groupby("month", sort=True)[value].sum()
        bars.append(go.Bar(x=monthly.index, y=monthly.to_numpy(), name=str(name),
                           marker_color=colour_for(colours, name),
                           hovertemplate=f"{name} · %{{x|%b %Y}}: %{{y:,}}<extra></extra>"))
    fig = go.Figure(bars)
    fig.update_layout(barmode="stack")
    fig.update_xaxes(tickformat="%b %Y")
    fig.update_yaxes(title=axis_title)
    return style(fig, title, subtitle, height=400)


@remembered
def horizontal_bars(frame: pd.DataFrame, category: str, value: str, title: str, subtitle: str, number_format: str,
                    axis_title: str, colour: str = PRIMARY) -> go.Figure:
    """Groups ranked by a value, largest on top."""
    data = frame.dropna(subset=[value]).sort_values(value, ascending=False)
    if data.empty:
        return empty_figure(NO_DATA, title)
    fig = go.Figure(go.Bar(y=data[category], x=data[value], orientation="h", marker_color=colour,
                           text=[number_format.format(v) for v in data[value]], textposition="outside",
                           cliponaxis=False, hovertemplate="%{y}: %{text}<extra></extra>"))
    fig.update_yaxes(autorange="reversed")
    fig.update_xaxes(title=axis_title, range=[0, float(data[value].max()) * 1.25])
    return style(fig, title, subtitle, height=150 + 40 * len(data))


@remembered
def line(frame: pd.DataFrame, x: str, y: str, title: str, subtitle: str, axis_title: str) -> go.Figure:
    """One series over time."""
    if frame.empty:
        return empty_figure(NO_DATA, title)
    fig = go.Figure(go.Scatter(x=frame[x], y=frame[y], mode="lines+markers", line=dict(color=PRIMARY, width=3),
                               hovertemplate="%{x|%d %b %Y}: %{y:,}<extra></extra>"))
    fig.update_yaxes(title=axis_title, rangemode="tozero")
    fig.update_xaxes(tickformat="%b %Y")
    return style(fig, title, subtitle, height=360)
