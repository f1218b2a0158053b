"""Overview: the executive page. Headline KPIs with honest changes, the headline metric's trend, tiers and movers."""

import streamlit as st

from analytics import loyalty
from analytics.kpis import KPIS, compare, movers
from analytics.survey import summarise
from components import charts
from components.filters import TIER_OPTIONS
from components.kpis import kpi_row
from components.page import setup_page
from components.theme import TIER_COLOURS
from data_access import reads

page = setup_page("Overview", ":material/monitoring:", "How customers feel and what they do, at a glance.")
page.note_missing_metrics()
metric = page.metric

with st.spinner("Calculating KPIs…"):
    now = {"survey": summarise(reads.survey.counts(page.filters)).iloc[0],
           "loyalty": loyalty.overall(reads.loyalty.by_tier(page.filters))}
    before = {"survey": summarise(reads.survey.counts(page.comparison)).iloc[0],
              "loyalty": loyalty.overall(reads.loyalty.by_tier(page.comparison))} \
        if page.has_comparison else None
kpi_row(compare(now, before, page.metrics), page.view.comparison_label)

trend_column, tier_column = st.columns([3, 2])
with trend_column:
    trend = summarise(reads.survey.counts(page.history, by=("month",)), metric=metric.key)
    st.plotly_chart(charts.metric_trend(trend, metric, f"{metric.name} by month, all data",
                                        page.describe(page.history), highlight=(page.filters.start, page.filters.end)),
                    key="overview_trend")
with tier_column:
    tiers = summarise(reads.survey.counts(page.filters, by=("tier",)), metric=metric.key)
    st.plotly_chart(charts.metric_bars(tiers, "tier", metric, f"{metric.name} by loyalty tier", page.describe(),
                                       TIER_COLOURS, order=TIER_OPTIONS), key="overview_tiers")

moved = movers(reads.survey.counts(page.filters, by=("touchpoint",)),
               reads.survey.counts(page.comparison, by=("touchpoint",)), "touchpoint", metric.key)
st.plotly_chart(charts.movers(moved, metric, f"Touchpoints that moved most vs the {page.view.comparison_label}",
                              page.describe()), key="overview_movers")

with st.expander("How these numbers are defined"):
    st.markdown("\n".join(f"- **{kpi.label}**: {kpi.definition}" for kpi in KPIS))
