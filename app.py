"""Overview: the executive page. Headline KPIs with honest changes, the headline metric's trend, tiers and movers."""

import streamlit as st

from analytics.kpis import KPIS
from analytics.overview import overview, view_links
from analytics.survey import summarise
from components.brief import brief_panel
from components.filters import view_to_params
from components.kpis import kpi_row
from components.overview_charts import MOVERS_NOTE, overview_charts
from components.page import setup_page
from data_access import reads

page = setup_page("Overview", ":material/monitoring:", "How customers feel and what they do, at a glance.")
page.note_missing_metrics()
metric = page.metric

with st.spinner("Calculating KPIs…"):
    found = overview(reads.survey.counts, reads.loyalty.by_tier, page.filters,
                     page.comparison if page.has_comparison else None, metric, page.metrics,
                     view_links(view_to_params(page.view)), lambda f: reads.service.service_levels(f, by=None),
                     lambda f: reads.loyalty.nps_group_outcomes(f, page.data_end, by=("touchpoint",)))
    trend = summarise(reads.survey.counts(page.history, by=("month",)), metric=metric.key)
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
