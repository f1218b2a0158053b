"""One palette and one figure style for every chart, legible on a projector."""

from __future__ import annotations

import dataclasses
import enum
import functools
import threading
from collections import OrderedDict
from collections.abc import Callable, Mapping
from datetime import date, datetime, time, timedelta
from typing import Any, ParamSpec

import numpy as np
import pandas as pd
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


# ---------------------------------------------------------------------------------------------- remembered figures

P = ParamSpec("P")
FIGURES_KEPT = 32  # per builder: the views a room is looking at; each figure is tens of kB, and every object the
# cache holds is walked by each full garbage collection (Streamlit runs one after every script run by default)


class _Unkeyable(TypeError):
    """An argument whose content cannot be told apart reliably: the builder runs, nothing is remembered."""


def _values_token(values: np.ndarray) -> Any:
    """Numbers, booleans and datetimes by their bytes; anything else (text, missing values) element by element."""
    if values.dtype.kind in "biufcmM":
        return (values.dtype.str, values.shape, np.ascontiguousarray(values).tobytes())
    items = values.tolist()
    if all(type(v) is str for v in items):  # labels: the common case, read at C speed
        return ("str", tuple(items))
    return tuple(_token(v) for v in items)


def _pandas_token(value: pd.DataFrame | pd.Series | pd.Index) -> Any:
    if isinstance(value, pd.Index):
        return ("index", str(value.dtype), _token(list(value.names)), _values_token(value.to_numpy()))
    if isinstance(value, pd.Series):
        return ("series", repr(value.name), str(value.dtype), _pandas_token(value.index),
                _values_token(value.to_numpy()))
    return ("frame", _pandas_token(value.columns), tuple(map(str, value.dtypes)), _pandas_token(value.index),
            tuple(_values_token(column.to_numpy()) for _, column in value.items()), _token(value.attrs))


def _token(value: Any) -> Any:
    """A hashable stand-in for a builder's argument, equal when the argument's content is equal.

    Frames by their values, index, column names, dtypes and attrs (priority_matrix reads its cuts from attrs):
    the values themselves, not a digest of them, so two keys are equal only when the contents are (chart-sized
    frames: a few hundred rows at most);
    floats by repr, so NaN equals NaN and 1 differs from 1.0; functions by identity; anything else raises _Unkeyable.
    """
    if value is None or value is pd.NA or value is pd.NaT:
        return ("missing", repr(value))
    if isinstance(value, (bool, int, str, bytes, date, datetime, time, timedelta, enum.Enum)):
        return (type(value).__name__, value)
    if isinstance(value, (float, np.floating)):
        return ("float", repr(float(value)))
    if isinstance(value, np.integer):
        return ("int", int(value))
    if isinstance(value, (pd.DataFrame, pd.Series, pd.Index)):
        return _pandas_token(value)
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return (type(value).__module__, type(value).__qualname__,
                tuple((f.name, _token(getattr(value, f.name))) for f in dataclasses.fields(value)))
    if isinstance(value, Mapping):
        return ("mapping", tuple((_token(k), _token(v)) for k, v in value.items()))
    if isinstance(value, (list, tuple)):
        return (type(value).__name__, tuple(_token(v) for v in value))
    if callable(value):  # a metric's test: the same object (held by the key, so its id is never reused)
        return ("callable", value)
    raise _Unkeyable(f"no content key for {type(value).__name__}")


def remembered(builder: Callable[P, go.Figure]) -> Callable[P, go.Figure]:
    """Build a figure once per content of its arguments and hand the same figure back after that.

    A warm rerun redraws every chart from the same cached frames; building plotly figures (validation of every
    property) was most of the CPU of such a rerun (bench/README.md, "A full room"). The figure returned is
    shared by every session and thread: callers must not change it (st.plotly_chart and the reports only read
    it); to change a figure, build another. Arguments are keyed by content, not identity, so an import that
    changes the data changes the key; an argument that cannot be keyed (an unknown type, lists inside cells)
    just builds, uncached.
    """
    figures: OrderedDict[Any, go.Figure] = OrderedDict()
    lock = threading.Lock()

    @functools.wraps(builder)
    def build(*args: P.args, **kwargs: P.kwargs) -> go.Figure:
        try:
            key = (_token(args), _token(tuple(sorted(kwargs.items()))))
        except _Unkeyable:
            return builder(*args, **kwargs)
        with lock:
            figure = figures.get(key)
            if figure is not None:
                figures.move_to_end(key)
                return figure
        figure = builder(*args, **kwargs)
        with lock:
            figures[key] = figure
            while len(figures) > FIGURES_KEPT:
                figures.popitem(last=False)
        return figure

    build.cache_clear = figures.clear  # type: ignore[attr-defined]  # for tests
    build.cache_size = figures.__len__  # type: ignore[attr-defined]
    return build
