"""Overview: the executive page. Headline KPIs with honest changes, the headline metric's trend, tiers and movers."""

from datetime import datetime

import streamlit as st

from analytics.kpis import KPIS
from analytics.metrics import METRICS
from analytics.overview import Overview, overview, view_links
from components.brief import brief_panel
from components.filters import View, view_to_params
from components.kpis import kpi_row
from components.overview_charts import MOVERS_NOTE, overview_charts
from components.page import setup_page
from data_access import cache, reads


@st.cache_resource(show_spinner=False, max_entries=64)
def kpis_and_brief(version: cache.Version, view: View, compared: bool, metric: str, present: tuple[str, ...],
                   data_end: datetime) -> Overview:
    """The KPIs, brief, movers and tiers once per data version and view: a rerun that changed nothing tests nothing
    again (a quarter of a warm run; bench/README.md, "A full room"). Shared by sessions, so never changed."""
    return overview(reads.survey.counts, reads.loyalty.by_tier, view.filters, view.comparison if compared else None,
                    METRICS[metric], present, view_links(view_to_params(view)),
                    lambda f: reads.service.service_levels(f, by=None),
                    lambda f: reads.loyalty.nps_group_outcomes(f, data_end, by=("touchpoint",)))


page = setup_page("Overview", ":material/monitoring:", "How customers feel and what they do, at a glance.")
page.note_missing_metrics()
metric = page.metric

with st.spinner("Calculating KPIs…"):
    found = kpis_and_brief(cache.data_version(), page.view, page.has_comparison, metric.key, page.metrics,
                           page.data_end)
    trend = reads.survey.summary(page.history, by=("month",), metric=metric.key)
figures = overview_charts(found, trend, metric, (page.filters.start, page.filters.end), page.describe(),
                          page.describe(page.history), page.view.comparison_label)
if found.brief:
    brief_panel(found.brief, page.view.comparison_label)
kpi_row(found.kpis, page.view.comparison_label)

trend_column, tier_column = st.columns([3, 2])
trend_column.plotly_chart(figures["trend"], key="overview_trend")
tier_column.plotly_chart(figures["tiers"], key="overview_tiers")
st.plotly_chart(figures["movers"], key="overview_movers")
st.caption(MOVERS_NOTE)

with st.expander("How these numbers are defined"):
    st.markdown("\n".join(f"- **{kpi.label}**: {kpi.definition}" for kpi in KPIS))
