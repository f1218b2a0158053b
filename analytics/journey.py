"""Journey shapes: the stage × touchpoint grid, the links of a Sankey, and the customer-path explorer."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from itertools import pairwise

import pandas as pd

from analytics.metrics import HEADLINE, METRICS
from analytics.settings import MIN_N

LEFT_JOURNEY = "Left the journey"  # the step after a customer's last event
OTHER = "Other"  # the less common events at a step, grouped
UNASSIGNED = "Unassigned"  # the stage of answers about a touchpoint the journey definition lacks
JOURNEY_METRICS = {  # metric -> (column in a summarised frame, label, number format)
    **{key: (METRICS[key].key, METRICS[key].label, METRICS[key].number_format) for key in HEADLINE},
    "volume": ("responses", "Responses", "{:,.0f}"),
}


def with_unassigned_stage(summary: pd.DataFrame) -> pd.DataFrame:
    """Rows without a stage (their touchpoint left the journey definition) under UNASSIGNED at the journey's end,
    so their answers stay in view instead of breaking the grid."""
    lost = summary["stage_order"].isna()
    if not lost.any():
        return summary
    last = summary["stage_order"].max()
    return summary.assign(stage=summary["stage"].astype(object).where(~lost, UNASSIGNED),
                          stage_order=summary["stage_order"].fillna(1 if pd.isna(last) else last + 1))


def journey_grid(summary: pd.DataFrame, metric: str) -> pd.DataFrame:
    """One row per touchpoint with its stage column, its row under the stage, the metric value and n.

    Stages keep their journey order (UNASSIGNED last); touchpoints within a stage are ordered by volume (busiest on
    top); a touchpoint is a small sample by the answers to the metric shown (volume is a count, never a sample).
    """
    column, _, _ = JOURNEY_METRICS[metric]
    grid = with_unassigned_stage(summary).sort_values(["stage_order", "responses"], ascending=[True, False]).copy()
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


@dataclass(frozen=True)
class PathExplorer:
    """What the path explorer draws: nodes step by step, the links between them, and the drop-off in words."""

    nodes: pd.DataFrame  # step, name, customers; a link's source and target are positions in this frame
    links: pd.DataFrame  # source, target, customers
    drop_off: list[str]


def _steps(prefixes: pd.DataFrame) -> list[str]:
    return [column for column in prefixes.columns if column.startswith("step")]


def starting_events(prefixes: pd.DataFrame) -> dict[str, int]:
    """Customers per first event, most first (ties by name), so the explorer opens on the commonest start."""
    starts = prefixes.groupby("step1")["customers"].sum()
    return {name: int(starts[name]) for name in sorted(starts.index, key=lambda name: (-starts[name], name))}


def _ranked(names: pd.Series, customers: pd.Series) -> list[str]:
    """A step's events in the order they are shown: leaving first (it is always shown), then by customers and name."""
    counts = customers.groupby(names).sum()
    return sorted(counts.index, key=lambda name: (name != LEFT_JOURNEY, -counts[name], name))


def _grouped(paths: pd.DataFrame, top: int) -> pd.DataFrame:
    """The paths with each step's events beyond its top few (leaving counts as one) renamed OTHER."""
    grouped = paths.copy()
    for step in _steps(paths):
        kept = _ranked(paths[step].dropna(), paths["customers"])[:top]
        grouped[step] = paths[step].where(paths[step].isna() | paths[step].isin(kept), OTHER)
    return grouped


def _node_order(name: str, customers: int) -> tuple:
    """Within a step: events by customers, then OTHER, then leaving at the bottom."""
    return (name == LEFT_JOURNEY, name == OTHER, -customers, name)


def _nodes(grouped: pd.DataFrame) -> pd.DataFrame:
    rows = [(number, str(name), int(customers))
            for number, step in enumerate(_steps(grouped), start=1)
            for name, customers in grouped.groupby(step)["customers"].sum().items()]
    rows.sort(key=lambda row: (row[0], *_node_order(row[1], row[2])))
    return pd.DataFrame(rows, columns=["step", "name", "customers"])


def _links(grouped: pd.DataFrame, nodes: pd.DataFrame) -> pd.DataFrame:
    position = {(step, name): i for i, (step, name) in enumerate(zip(nodes["step"], nodes["name"], strict=True))}
    steps = _steps(grouped)
    rows = [(position[(number, pair[0])], position[(number + 1, pair[1])], int(customers))
            for number, (here, there) in enumerate(pairwise(steps), start=1)
            for pair, customers in grouped.groupby([here, there])["customers"].sum().items()
            if isinstance(pair, tuple)]
    return pd.DataFrame(rows, columns=["source", "target", "customers"])


def _customers(paths: pd.DataFrame, where: pd.Series) -> int:
    return int(paths.loc[where, "customers"].sum())


def _on_journey(names: pd.Series) -> pd.Series:
    """Whether each path has an event at this step (it neither ended before nor left there)."""
    return names.notna() & (names != LEFT_JOURNEY)


def _drop_off(paths: pd.DataFrame, start: str) -> list[str]:
    """Per step, the share of the customers still on the journey who left it there, and how many reached the end."""
    steps = _steps(paths)
    lines: list[str] = []
    for number, (before, step) in enumerate(pairwise(steps), start=2):
        still = _customers(paths, _on_journey(paths[before]))
        if not still:
            return lines
        left = _customers(paths, paths[step] == LEFT_JOURNEY)
        whom = f"who started with {start}" if number == 2 else f"still on the journey after step {number - 1}"
        lines.append(f"Step {number}: {left / still:.0%} of the {still:,} customers {whom} left "
                     + ("the journey." if number == 2 else "it."))
    started, reached = (_customers(paths, _on_journey(paths[step])) for step in (steps[0], steps[-1]))
    return [*lines, f"{reached:,} of the {started:,} customers ({reached / started:.0%}) reached step {len(steps)}."]


def explore_paths(prefixes: pd.DataFrame, start: str, top: int = 3) -> PathExplorer:
    """The paths that begin with start, each step showing its top events (leaving among them) and OTHER."""
    paths = prefixes[prefixes["step1"] == start]
    grouped = _grouped(paths, top)
    nodes = _nodes(grouped)
    return PathExplorer(nodes, _links(grouped, nodes), _drop_off(paths, start))
