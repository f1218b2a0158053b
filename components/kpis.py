"""KPI cards: value, honest margin, change against the comparison period and whether it is more than noise."""

from __future__ import annotations

import math

import streamlit as st

from analytics.kpis import KpiValue


def _delta_text(kpi: KpiValue) -> str | None:
    if math.isnan(kpi.previous) or math.isnan(kpi.value):
        return None
    fmt = kpi.spec.number_format.replace("{:", "{:+").replace("{:++", "{:+")
    return fmt.format(kpi.delta).replace("%", " pts")


def kpi_card(kpi: KpiValue, comparison: str) -> None:
    """One card; the definition, n and test are one hover away."""
    value = kpi.shown
    details = [kpi.spec.definition, f"Change against the {comparison}."]
    if kpi.n is not None:
        small = kpi.spec.min_n is not None and kpi.n < kpi.spec.min_n
        details.append(f"n = {kpi.n:,}" + (" (small sample)" if small else ""))
    if kpi.change is not None and not math.isnan(kpi.change.delta):
        details.append(f"Change {kpi.change.delta:+.2f} ± {kpi.change.margin:.2f} (95%), p = {kpi.change.p_value:.3f}")
    st.metric(kpi.spec.label, value, delta=_delta_text(kpi), help="\n\n".join(details), border=True,
              delta_color="normal" if kpi.change is None or kpi.change.significant else "off",
              delta_description=kpi.verdict)


def kpi_row(kpis: list[KpiValue], comparison: str, per_row: int = 4) -> None:
    """Cards in rows of per_row."""
    for start in range(0, len(kpis), per_row):
        for column, kpi in zip(st.columns(per_row), kpis[start:start + per_row], strict=False):
            with column:
                kpi_card(kpi, comparison)
