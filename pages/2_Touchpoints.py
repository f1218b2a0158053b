"""Touchpoints: how each touchpoint scores and who promotes or detracts there, how it trends, and what to fix first."""

from datetime import date

import streamlit as st

from analytics.drivers import priority_matrix, unplaced_reason
from analytics.kpis import movers
from analytics.workshop import journey_places
from components import charts
from components.editor_state import plain
from components.notes import note_form, touchpoint_notes
from components.page import setup_page
from components.tables import download_table
from data_access import reads

page = setup_page("Touchpoints", ":material/touch_app:", "Every touchpoint's score, sentiment and trend.")
page.note_missing_metrics()
metric = page.metric
JOURNEY_ORDER = ("stage_order", "stage", "touchpoint")

summary = reads.survey.summary(page.filters, by=JOURNEY_ORDER, metric=metric.key)
mix_column, sentiment_column = st.columns(2)
mix = (charts.nps_composition(summary, "Promoters, passives and detractors by touchpoint", page.describe())
       if metric.key == "nps" else
       charts.metric_bars(summary, "touchpoint", metric, f"{metric.name} by touchpoint", page.describe()))
mix_column.plotly_chart(mix, key="touchpoints_mix")
sentiment_column.plotly_chart(charts.sentiment_bars(summary, "Comment sentiment by touchpoint", page.describe()),
                              key="touchpoints_sentiment")

moved = movers(reads.survey.counts(page.filters, by=("touchpoint",)),
               reads.survey.counts(page.comparison, by=("touchpoint",)), "touchpoint", metric.key, top=1)
names = summary["touchpoint"].tolist()
default = names.index(moved["touchpoint"].iloc[0]) if not moved.empty else 0
chosen = st.selectbox("Trend of", names, index=default, key="touchpoints_trend",
                      help="Opens on the touchpoint that moved most against the comparison period.")
trend = reads.survey.summary(page.history, by=("month",), touchpoint=chosen, metric=metric.key)
st.plotly_chart(charts.metric_trend(trend, metric, f"{chosen}: {metric.name} by month, all data",
                                    page.describe(page.history), highlight=(page.filters.start, page.filters.end)),
                key="touchpoints_trend_chart")

if not page.presenting:
    st.subheader(f"Workshop notes on {plain(chosen)}", anchor=False)
    touchpoint_notes(chosen, "touchpoints_notes", date.today())
    note_form("touchpoints_note", journey_places(summary), chosen, page.script, page.query)

st.subheader("Where to act first")
rated = reads.survey.touchpoints_per_customer(page.filters)
several = int(rated.loc[rated["touchpoints"] >= 2, "customers"].sum())
matrix = priority_matrix(reads.survey.touchpoint_drivers(page.filters), summary)
st.plotly_chart(charts.priority_matrix(matrix, "Performance: CSAT % (share of 4-5)",
                                       "Priority matrix: impact on NPS × current performance", page.describe(),
                                       unplaced_reason(page.metrics, several)), key="touchpoints_priority")
st.caption(f"Impact = correlation between a customer's CSAT at the touchpoint and their NPS at their other "
           f"touchpoints ({several:,} customers rated two or more touchpoints). Driver models such as relative "
           "weights need respondents who rated many touchpoints each, which this data rarely has, so this is plain "
           "correlation: it shows association, not cause. Quadrants split at the medians.")

download_table(summary[["stage", "touchpoint", "nps", "nps_margin", "nps_n", "csat", "csat_n", "ces", "sentiment",
                        "negative_share", "low_n"]].round(2), "touchpoints", "touchpoints_download",
               {"low_n": st.column_config.CheckboxColumn(f"Small sample ({metric.name})")})
