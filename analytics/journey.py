"""Journey shapes: the stage × touchpoint grid and the links of a customer-path Sankey."""

from __future__ import annotations

from collections.abc import Callable

import pandas as pd

from analytics.metrics import HEADLINE, METRICS
from analytics.settings import MIN_N

JOURNEY_METRICS = {  # metric -> (column in a summarised frame, label, number format)
    **{key: (METRICS[key].key, METRICS[key].label, METRICS[key].number_format) for key in HEADLINE},
    "volume": ("responses", "Responses", "{:,.0f}"),
}


def journey_grid(summary: pd.DataFrame, metric: str) -> pd.DataFrame:
    """One row per touchpoint with its stage column, its row under the stage, the metric value and n.

    Stages keep their journey order; touchpoints within a stage are ordered by volume (busiest on top); a
    touchpoint is a small sample by the answers to the metric shown (volume is a count, never a sample).
    """
    column, _, _ = JOURNEY_METRICS[metric]
    grid = summary.sort_values(["stage_order", "responses"], ascending=[True, False]).copy()
    grid["row"] = grid.groupby("stage_order").cumcount()
    grid["value"] = grid[column].astype("float64")
    grid["n"] = grid["responses"] if metric == "volume" else grid[METRICS[metric].n_column]
    grid["low_n"] = False if metric == "volume" else grid["n"] < MIN_N
    return grid[["stage_order", "stage", "row", "touchpoint", "value", "n", "low_n"]].reset_index(drop=True)


def _step_label(step: int, name: str) -> str:
    return f"{step}. {name}"


def sankey_links(paths: pd.DataFrame, label: Callable[[int, str], str] = _step_label) -> tuple[list[str], pd.DataFrame]:
    """Nodes (labelled per step, 'step. event' by default) and links (source, target, customers) between steps."""
    pairs = [(label(step, source), label(step + 1, target), step)
             for step, source, target in zip(paths["step"], paths["source"], paths["target"], strict=True)]
    sources = pd.Series([p[0] for p in pairs], index=paths.index, dtype=object)
    targets = pd.Series([p[1] for p in pairs], index=paths.index, dtype=object)
    step_of = {p[0]: p[2] for p in pairs} | {p[1]: p[2] + 1 for p in pairs}
    nodes = sorted(step_of, key=lambda name: (step_of[name], name))
    index = {name: i for i, name in enumerate(nodes)}
    links = pd.DataFrame({"source": sources.map(index), "target": targets.map(index),
                          "customers": paths["customers"].astype(int)})
    return nodes, links
