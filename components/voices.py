"""Drawing for the Voices page: the distinguishing-terms chart and the comments table. No SQL.

Comment text is customer input: it is only ever shown in dataframe cells (plain text), never through
st.markdown or st.write, so HTML or markdown inside a comment shows as the characters it is. Contact details in
it (e-mail addresses, phone and card numbers) are masked unless the person turns the switch on.
"""

from __future__ import annotations

import pandas as pd
import streamlit as st

from analytics.masking import mask_series
from analytics.nps import nps_group
from analytics.scorer_accuracy import comparison, scorer_line
from analytics.terms import terms_by_band
from components.exports import download
from components.theme import NEGATIVE, NPS_GROUP_COLOURS, POSITIVE, TEXT
from data_access import identity
from data_access.export import csv_bytes
from data_access.reads.comments import SHOWN_CHARS

ROW_HEIGHT = 76  # Streamlit wraps text in cells only above 4rem (64 px): three lines of a comment
ROWS_HEIGHT = 620  # at most about eight rows on screen; the table scrolls
COMMENT_WIDTH = 415  # with the other columns' widths, the table fits a 1500 px window without scrolling
TABLE_COLUMNS = ["sentiment", "band", "nps", "comment", "touchpoint", "stage", "tier", "submitted_at", "response_id"]


BAND_COLOURS = {"negative": NEGATIVE, "positive": POSITIVE, "neutral": TEXT}


def _band_colours(bands: pd.Series) -> list[str]:
    """The sentiment cell coloured by its band (which the scorer's own cut-offs set), not by a fixed threshold."""
    return [f"color: {BAND_COLOURS[b]}; font-weight: 600" if b in BAND_COLOURS else "" for b in bands]


def _nps_colour(value: float) -> str:
    if pd.isna(value):
        return ""
    return f"color: {NPS_GROUP_COLOURS[nps_group(int(value))]}; font-weight: 600"


def contact_details_toggle(key: str) -> bool:
    """The switch that shows contact details in comments; off by default, so they stay hidden unless asked for,
    and not there at all for a role that may not see them."""
    if not identity.current().may("unmasked_text"):
        return False
    return st.toggle("Show contact details", key=key,
                     help="Personal details in comments (e-mail addresses, phone and card numbers) are hidden by "
                          "default. Turn this on to show them as the customer wrote them.")


def shown_text(frame: pd.DataFrame, column: str, reveal: bool) -> pd.DataFrame:
    """The frame with contact details in a text column masked (analytics.masking), unless reveal is on."""
    return frame if reveal else frame.assign(**{column: mask_series(frame[column])})


def comments_table(frame: pd.DataFrame, name: str, key: str, scorer: str, reveal: bool = False) -> None:
    """The comments as plain text (contact details masked unless reveal), sentiment and NPS in the palette's
    colours, and a CSV of exactly these rows."""
    shown = shown_text(frame[[c for c in TABLE_COLUMNS if c in frame]], "comment", reveal)
    styled = shown.style.map(_nps_colour, subset=["nps"])
    if "band" in frame:
        styled = styled.apply(lambda _: _band_colours(frame["band"]), subset=["sentiment"])
    height = min(ROWS_HEIGHT, 40 + ROW_HEIGHT * len(shown))
    st.dataframe(styled, hide_index=True, height=height, row_height=ROW_HEIGHT, placeholder="–", column_config={
        "sentiment": st.column_config.NumberColumn(
            "Sentiment", format="%+.2f", width=80,
            help=f"Polarity from −1 to +1, scored at import by {scorer}; red is the negative band, green the "
                 "positive one, by the scorer's cut-offs; a blank is a comment not in English (not scored)."),
        "band": st.column_config.TextColumn("Band", width=80),
        "nps": st.column_config.NumberColumn("NPS", format="%d", width=55,
                                             help="The 0-10 answer: 9-10 promoter, 7-8 passive, 0-6 detractor."),
        "comment": st.column_config.TextColumn("Comment", width=COMMENT_WIDTH),
        "touchpoint": st.column_config.TextColumn("Touchpoint", width=130),
        "stage": st.column_config.TextColumn("Stage", width=95),
        "tier": st.column_config.TextColumn("Tier", width=70),
        "submitted_at": st.column_config.DatetimeColumn("Submitted", format="D MMM YYYY", width=100),
        "response_id": st.column_config.TextColumn("Response", width=90),
    })
    download("Download CSV", lambda: csv_bytes(shown), f"{name}.csv", "text/csv", key)


def comment_picker(frame: pd.DataFrame, key: str) -> str:
    """The response whose whole comment to read (the table cuts long ones), most relevant first as in the table."""
    starts = dict(zip(frame["response_id"], frame["comment"].str.slice(0, 60), strict=True))
    return st.selectbox("Comment", list(starts), key=key, format_func=lambda r: f"{r}: {starts[r]}…",
                        help=f"The table shows a comment's first {SHOWN_CHARS:,} characters; this shows it whole.")


def whole_comment(text: str | None, reveal: bool) -> None:
    """One comment's whole text as plain text in a scrolling box (never markdown), contact details masked unless
    reveal."""
    shown = shown_text(pd.DataFrame({"comment": [text or ""]}), "comment", reveal)
    st.text_area("Whole comment", shown["comment"].iloc[0], height=240, disabled=True)


def term_columns() -> dict:
    """How the distinguishing-terms table reads (for tables.download_table)."""
    return {"term": st.column_config.TextColumn("Term"), "side": st.column_config.TextColumn("More typical of"),
            "score": st.column_config.NumberColumn("z-score", format="%+.1f",
                                                   help="Below zero: typical of negative comments."),
            "negative_count": st.column_config.NumberColumn("In negative comments", format="%d"),
            "positive_count": st.column_config.NumberColumn("In positive comments", format="%d")}


def scorer_note(scorers: list[str], company: dict | None = None) -> str:
    """Which scorer produced the stored sentiment and how well it reads people, one line per scorer."""
    if not scorers:
        return "No comment has a sentiment score yet: import survey comments to score them."
    mixed = "Different imports used different scorers. " if len(scorers) > 1 else ""
    lines = [scorer_line(name, company and company["figures"], company and company["trained_at"])
             for name in scorers]
    return (f"Sentiment scored once at import. {mixed}" + " ".join(lines) + " Each scorer's bands were fitted on "
            "human-rated sentences; comments not in English are not scored.")


def scorer_comparison(company: dict | None) -> None:
    """Every scorer's measured figures side by side, so the choice is made with numbers."""
    table = comparison(company and company["figures"])
    percent = {"format": "percent"}
    st.dataframe(table, hide_index=True, column_config={
        "scorer": "Scorer", "kind": "Kind",
        "held_out_accuracy": st.column_config.NumberColumn(
            "Right class, held-out sentences", **percent,
            help="Share of 7,163 human-rated sentences no scorer was fitted on, put in the right one of negative, "
                 "neutral and positive."),
        "held_out_macro_f1": st.column_config.NumberColumn(
            "Macro-F1, held-out", format="%.2f", help="The three classes weighed equally (1 is perfect)."),
        "agrees_with_customers": st.column_config.NumberColumn(
            "Matches your customers' scores", **percent,
            help="On your comments with NPS 0-6 (negative) or 9-10 (positive): the company scorer by "
                 "cross-validation, the others as they are. Train the company scorer on the Data page.")})


@st.cache_data(show_spinner=False, max_entries=64)
def scored_terms(sample: pd.DataFrame) -> pd.DataFrame:
    """Term scores of a comment sample, computed once per sample (same filters and data version)."""
    return terms_by_band(sample)
