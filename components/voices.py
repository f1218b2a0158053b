"""Drawing for the Voices page: the distinguishing-terms chart and the comments table. No SQL.

Comment text is customer input: it is only ever shown in dataframe cells (plain text), never through
st.markdown or st.write, so HTML or markdown inside a comment shows as the characters it is.
"""

from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go
import streamlit as st

from analytics.nps import nps_group
from analytics.sentiment import SCORERS
from analytics.settings import NEGATIVE_BELOW, POSITIVE_ABOVE
from analytics.terms import terms_by_band
from components.theme import NEGATIVE, NPS_GROUP_COLOURS, POSITIVE, TEXT, empty_figure, style
from data_access.export import csv_bytes

NO_TERMS = ("Too few negative and positive comments here to compare.<br>"
            "Widen the period in the sidebar or pick a touchpoint with more comments.")
SIDES = {"negative": ("More typical of negative comments", NEGATIVE),
         "positive": ("More typical of positive comments", POSITIVE)}
ROW_HEIGHT = 76  # Streamlit wraps text in cells only above 4rem (64 px): three lines of a comment
ROWS_HEIGHT = 620  # at most about eight rows on screen; the table scrolls
COMMENT_WIDTH = 415  # with the other columns' widths, the table fits a 1500 px window without scrolling
TABLE_COLUMNS = ["sentiment", "nps", "comment", "touchpoint", "stage", "tier", "submitted_at", "response_id"]


def term_bars(terms: pd.DataFrame, title: str, subtitle: str) -> go.Figure:
    """Diverging bars: terms typical of negative comments to the left in red, of positive ones to the right."""
    if terms.empty:
        return empty_figure(NO_TERMS, title)
    data = pd.concat([terms[terms["side"] == "negative"].sort_values("score"),
                      terms[terms["side"] == "positive"].sort_values("score", ascending=False)])
    fig = go.Figure()
    for side, (label, colour) in SIDES.items():
        rows = data[data["side"] == side]
        fig.add_trace(go.Bar(
            y=rows["term"], x=rows["score"], orientation="h", name=label, marker_color=colour,
            text=rows["term"], textposition="outside", cliponaxis=False, textfont=dict(color=TEXT),
            customdata=rows[["negative_count", "positive_count"]],
            hovertemplate="<b>%{y}</b>: z = %{x:+.1f}<br>in %{customdata[0]:,} negative and "
                          "%{customdata[1]:,} positive comments<extra></extra>"))
    reach = float(data["score"].abs().max()) * 1.6
    fig.update_xaxes(range=[-reach, reach],
                     title="z-score of the weighted log-odds ratio (|z| ≥ 1.96: unlikely to be chance)")
    fig.update_yaxes(categoryorder="array", categoryarray=list(data["term"])[::-1], showticklabels=False)
    fig.add_vline(x=0, line=dict(color="#9AA5B1", width=1))
    fig.update_layout(barmode="overlay", bargap=0.25)
    return style(fig, title, subtitle, height=170 + 24 * len(data))


def _sentiment_colour(value: float) -> str:
    if pd.isna(value):
        return ""
    colour = NEGATIVE if value < NEGATIVE_BELOW else POSITIVE if value > POSITIVE_ABOVE else TEXT
    return f"color: {colour}; font-weight: 600"


def _nps_colour(value: float) -> str:
    if pd.isna(value):
        return ""
    return f"color: {NPS_GROUP_COLOURS[nps_group(int(value))]}; font-weight: 600"


def comments_table(frame: pd.DataFrame, name: str, key: str, scorer: str) -> None:
    """The comments as plain text, sentiment and NPS in the palette's colours, and a CSV of exactly these rows."""
    shown = frame[[c for c in TABLE_COLUMNS if c in frame]]
    styled = shown.style.map(_sentiment_colour, subset=["sentiment"]).map(_nps_colour, subset=["nps"])
    height = min(ROWS_HEIGHT, 40 + ROW_HEIGHT * len(shown))
    st.dataframe(styled, hide_index=True, height=height, row_height=ROW_HEIGHT, placeholder="–", column_config={
        "sentiment": st.column_config.NumberColumn(
            "Sentiment", format="%+.2f", width=80,
            help=f"Polarity from −1 to +1, scored at import by {scorer}; below {NEGATIVE_BELOW} is negative."),
        "nps": st.column_config.NumberColumn("NPS", format="%d", width=55,
                                             help="The 0-10 answer: 9-10 promoter, 7-8 passive, 0-6 detractor."),
        "comment": st.column_config.TextColumn("Comment", width=COMMENT_WIDTH),
        "touchpoint": st.column_config.TextColumn("Touchpoint", width=130),
        "stage": st.column_config.TextColumn("Stage", width=95),
        "tier": st.column_config.TextColumn("Tier", width=70),
        "submitted_at": st.column_config.DatetimeColumn("Submitted", format="D MMM YYYY", width=100),
        "response_id": st.column_config.TextColumn("Response", width=90),
    })
    st.download_button("Download CSV", csv_bytes(shown), file_name=f"{name}.csv",
                       mime="text/csv", key=key, icon=":material/download:", on_click="ignore")


def term_columns() -> dict:
    """How the distinguishing-terms table reads (for tables.download_table)."""
    return {"term": st.column_config.TextColumn("Term"), "side": st.column_config.TextColumn("More typical of"),
            "score": st.column_config.NumberColumn("z-score", format="%+.1f",
                                                   help="Below zero: typical of negative comments."),
            "negative_count": st.column_config.NumberColumn("In negative comments", format="%d"),
            "positive_count": st.column_config.NumberColumn("In positive comments", format="%d")}


def _accuracy(r: float | None) -> str:
    return (f" Measured agreement with human ratings: r = {r:.2f} (Pearson, Amazon review snippets of the "
            "VADER paper; `make bench`)." if r is not None else "")


def scorer_note(scorers: list[str], accuracy: dict[str, float | None] | None = None) -> str:
    """Which scorer produced the stored sentiment, how well it agrees with people, and what the bands mean."""
    if not scorers:
        return "No comment has a sentiment score yet: import survey comments to score them."
    accuracy = accuracy or {}
    named = "; ".join((f"**{name}** – {SCORERS[name].description}" if name in SCORERS else f"**{name}**.")
                      + _accuracy(accuracy.get(name)) for name in scorers)
    mixed = "Different imports used different scorers: " if len(scorers) > 1 else ""
    return (f"Sentiment scored once at import by: {mixed}{named} Polarity runs from −1 to +1: below "
            f"{NEGATIVE_BELOW} counts as negative, above {POSITIVE_ABOVE} as positive, in between as neutral.")


@st.cache_data(show_spinner=False, max_entries=64)
def scored_terms(sample: pd.DataFrame) -> pd.DataFrame:
    """Term scores of a comment sample, computed once per sample (same filters and data version)."""
    return terms_by_band(sample)
