"""Overview: the executive page. Headline KPIs with honest changes, the headline metric's trend, tiers and movers."""

import streamlit as st

from analytics import loyalty
from analytics.brief import brief, gather
from analytics.kpis import KPIS, changes, compare, movers
from analytics.survey import summarise
from components import charts
from components.brief import brief_panel, view_links
from components.filters import TIER_OPTIONS, view_to_params
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
kpis = compare(now, before, page.metrics)
by_touchpoint = reads.survey.counts(page.filters, by=("touchpoint",))
before_touchpoint = reads.survey.counts(page.comparison, by=("touchpoint",))
if before:
    links = view_links(view_to_params(page.view))
    brief_panel(brief(gather(kpis, [
        (changes(by_touchpoint, before_touchpoint, "touchpoint", metric.key), "touchpoint", metric.key,
         links["touchpoint"]),
        (changes(reads.survey.counts(page.filters, by=("tier",)), reads.survey.counts(page.comparison, by=("tier",)),
                 "tier", metric.key), "tier", metric.key, links["tier"])], links["kpi"])), page.view.comparison_label)
kpi_row(kpis, page.view.comparison_label)

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

moved = movers(by_touchpoint, before_touchpoint, "touchpoint", metric.key)
st.plotly_chart(charts.movers(moved, metric, f"Touchpoints that moved most vs the {page.view.comparison_label}",
                              page.describe()), key="overview_movers")
st.caption("A touchpoint's change is called significant only after the Benjamini-Hochberg correction across all "
           "touchpoints compared (false discovery rate 5%); the bars show each change ± its 95% margin.")

with st.expander("How these numbers are defined"):
    st.markdown("\n".join(f"- **{kpi.label}**: {kpi.definition}" for kpi in KPIS))
