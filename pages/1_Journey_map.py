"""Journey map: where in the journey customers suffer, for whom, and how their paths run."""

from dataclasses import replace

import streamlit as st

from analytics.journey import JOURNEY_METRICS, journey_grid
from analytics.kpis import changes
from analytics.metrics import with_sentiment
from analytics.workshop import journey_places
from components import charts
from components.filters import TIER_OPTIONS
from components.notes import journey_marks, note_form
from components.page import setup_page
from components.path_explorer import path_explorer
from data_access import reads

page = setup_page("Journey map", ":material/route:", "Stages in journey order, touchpoints under them.")
page.note_missing_metrics()
headline = page.metric
STAGES = ("stage_order", "stage")

metric = st.segmented_control("Metric", list(JOURNEY_METRICS), format_func=lambda m: JOURNEY_METRICS[m][1],
                              default=headline.key, required=True, key="journey_metric")
_, label, number_format = JOURNEY_METRICS[metric]
summary = reads.survey.summary(page.filters, by=(*STAGES, "touchpoint"))
scale, zrange = charts.JOURNEY_SCALES[metric]
st.plotly_chart(charts.journey_heatmap(journey_grid(summary, metric), label, number_format,
                                       f"{label} by touchpoint across the journey", page.describe(), scale, zrange,
                                       *journey_marks()),
                key="journey_heatmap")
st.caption("✎ n: open workshop notes and actions pinned there (the Touchpoints page lists them).")
if not page.presenting:
    note_form("journey_note", journey_places(summary), None, page.script, page.query)

curve_column, paths_column = st.columns([2, 3])
with curve_column:
    stages = reads.survey.summary(page.filters, by=STAGES)
    curve = with_sentiment(headline.key)
    st.plotly_chart(charts.emotion_curve(stages, curve, f"Emotion curve: {' and '.join(m.name for m in curve)} per "
                                         "stage", page.describe()), key="journey_curve")
with paths_column:
    path_explorer(page)

st.subheader("Compare two groups")
mode = st.segmented_control("Compare", ["Two tiers", "This period vs comparison"], default="Two tiers",
                            required=True, key="journey_compare_mode")
if mode == "Two tiers":
    left, right = st.columns(2)
    first = left.selectbox("Group A", TIER_OPTIONS, index=TIER_OPTIONS.index("Gold"), key="journey_group_a")
    second = right.selectbox("Group B", TIER_OPTIONS, index=TIER_OPTIONS.index("Bronze"), key="journey_group_b")
    filters_a, filters_b = replace(page.filters, tiers=(first,)), replace(page.filters, tiers=(second,))
    scope = page.describe(replace(page.filters, tiers=()))
else:
    first, second = "This period", page.view.comparison_label.capitalize()
    filters_a, filters_b = page.filters, page.comparison
    scope = f"{page.describe()} vs {page.comparison.start:%d %b %Y} – {page.comparison.end:%d %b %Y}"
gaps = changes(reads.survey.counts(filters_a, by=("touchpoint",)),
               reads.survey.counts(filters_b, by=("touchpoint",)), "touchpoint", headline.key)
st.plotly_chart(charts.dumbbell(gaps, "touchpoint", first, second, headline,
                                f"{headline.name} by touchpoint: {first} vs {second}", scope), key="journey_dumbbell")
