"""Overview: the executive page. Headline KPIs with honest changes, the NPS trend, tiers and movers."""

import streamlit as st

from analytics import loyalty
from analytics.kpis import KPIS, compare
from analytics.nps import movers
from analytics.survey import summarise
from components import charts
from components.filters import TIER_OPTIONS
from components.kpis import kpi_row
from components.page import setup_page
from components.theme import TIER_COLOURS
from data_access import cache

page = setup_page("Overview", ":material/monitoring:", "How customers feel and what they do, at a glance.")

with st.spinner("Calculating KPIs…"):
    now = {"survey": summarise(cache.read("survey_counts", page.filters)).iloc[0],
           "loyalty": loyalty.overall(cache.read("loyalty_by_tier", page.filters))}
    before = {"survey": summarise(cache.read("survey_counts", page.comparison)).iloc[0],
              "loyalty": loyalty.overall(cache.read("loyalty_by_tier", page.comparison))} \
        if page.has_comparison else None
kpi_row(compare(now, before), page.view.comparison_label)

trend_column, tier_column = st.columns([3, 2])
with trend_column:
    trend = summarise(cache.read("survey_counts", page.history, by=("month",)))
    st.plotly_chart(charts.nps_trend(trend, "NPS by month, all data", page.describe(page.history),
                                     highlight=(page.filters.start, page.filters.end)), key="overview_trend")
with tier_column:
    tiers = summarise(cache.read("survey_counts", page.filters, by=("tier",)))
    st.plotly_chart(charts.nps_bars(tiers, "tier", "NPS by loyalty tier", page.describe(), TIER_COLOURS,
                                    order=TIER_OPTIONS), key="overview_tiers")

moved = movers(cache.read("survey_counts", page.filters, by=("touchpoint",)),
               cache.read("survey_counts", page.comparison, by=("touchpoint",)), "touchpoint")
st.plotly_chart(charts.movers(moved, f"Touchpoints that moved most vs the {page.view.comparison_label}",
                              page.describe()), key="overview_movers")

with st.expander("How these numbers are defined"):
    st.markdown("\n".join(f"- **{kpi.label}**: {kpi.definition}" for kpi in KPIS))
