"""Drawing for the Voices page's themes: one bar per theme, and per theme an expander with its trend, latest
comments and the form that renames, pins or merges it. No SQL.

Theme names are typed by people and examples are customers' comments: they are shown with st.text, in
dataframe cells, in select options, or HTML-escaped in chart labels, never through markdown or HTML. Contact
details in the examples are masked unless the page's switch shows them.
"""

from __future__ import annotations

import html
from dataclasses import dataclass, replace

import pandas as pd
import plotly.graph_objects as go
import streamlit as st

from analytics.themes import MAX_NAME, Theme, monthly, seed_themes
from components.theme import PRIMARY, SENTIMENT_SCALE, TEXT, empty_figure, remembered, style
from components.voices import shown_text
from data_access.reads.themes import SEED_SAMPLE

PIN = "📌 "
KEEP = ""  # the merge select's "do not merge" option
NO_THEMES = "No theme matches a comment in this view.<br>Widen the period in the sidebar."


@dataclass(frozen=True)
class ThemeEdit:
    """What one save of a theme's form asks for."""

    theme: Theme
    name: str
    pinned: bool
    merge_into: str | None


@st.cache_data(show_spinner=False, max_entries=32)
def proposed(sample: pd.DataFrame) -> tuple[Theme, ...]:
    """Themes proposed from a comment sample, computed once per sample; ids mark them as not stored."""
    return tuple(replace(t, theme_id=f"proposed-{i}") for i, t in enumerate(seed_themes(sample["comment"])))


def _nps_text(row: pd.Series) -> str:
    if not row["nps_n"]:
        return "no NPS answers"
    return f"NPS {row['nps']:+.0f} ± {row['nps_margin']:.0f}" + (" (few answers)" if row["low_n"] else "")


@remembered
def theme_bars(summary: pd.DataFrame, touchpoint: str, subtitle: str) -> go.Figure:
    """Comments per theme as bars coloured by their mean sentiment, NPS ± its margin beside each; pinned first."""
    title = f"{html.escape(touchpoint)}: themes in its comments"
    if summary.empty or not summary["comments"].any():
        return empty_figure(NO_THEMES, title)
    labels = [html.escape(f"{PIN if row.pinned else ''}{row.name}") for row in summary.itertuples()]
    colours = summary["sentiment"].astype("float64").fillna(0.0)  # no scored comment: the scale's neutral middle
    fig = go.Figure(go.Bar(
        y=list(range(len(summary))), x=summary["comments"], orientation="h",
        marker=dict(color=colours, colorscale=SENTIMENT_SCALE, cmin=-0.6, cmax=0.6, line=dict(color=TEXT, width=0.5),
                    colorbar=dict(title="Mean<br>sentiment", thickness=12)),
        text=[f"{row['comments']:,} · {_nps_text(row)}" for _, row in summary.iterrows()],
        textposition="outside", cliponaxis=False, textfont=dict(color=TEXT),
        customdata=summary[["sentiment"]].fillna(0), hovertext=labels,
        hovertemplate="<b>%{hovertext}</b><br>%{x:,} comments · mean sentiment %{customdata[0]:+.2f}<extra></extra>"))
    fig.update_yaxes(tickvals=list(range(len(summary))), ticktext=labels, autorange="reversed")
    fig.update_xaxes(title="Comments with any of the theme's keywords",
                     range=[0, float(summary["comments"].max()) * 1.6])
    return style(fig, title, subtitle, height=150 + 44 * len(summary))


@remembered
def sparkline(counts: pd.Series) -> go.Figure:
    """A theme's comments per month, small and bare, beside its examples."""
    fig = go.Figure(go.Scatter(x=counts.index, y=counts.values, mode="lines", line=dict(color=PRIMARY, width=2),
                               hovertemplate="%{x|%b %Y}: %{y:,} comments<extra></extra>"))
    fig.update_layout(height=130, margin=dict(l=10, r=10, t=10, b=25), showlegend=False)
    return fig.update_yaxes(rangemode="tozero")


def _examples(rows: pd.DataFrame, reveal: bool) -> None:
    shown = shown_text(rows[["submitted_at", "nps", "sentiment", "comment"]], "comment", reveal)
    st.dataframe(shown, hide_index=True, column_config={
        "submitted_at": st.column_config.DatetimeColumn("Submitted", format="D MMM YYYY", width=100),
        "nps": st.column_config.NumberColumn("NPS", format="%d", width=55),
        "sentiment": st.column_config.NumberColumn("Sentiment", format="%+.2f", width=80),
        "comment": st.column_config.TextColumn("Latest comments", width="large")})


def _form(theme: Theme, others: list[Theme], key: str) -> ThemeEdit | None:
    """Rename, pin and merge in one form, so typing a name does not rerun the page."""
    names = {t.theme_id: t.name for t in others}
    with st.form(key=f"{key}_form", border=False):
        name_column, merge_column, pin_column = st.columns([3, 3, 1.4], vertical_alignment="bottom")
        name = name_column.text_input("Name", value=theme.name, max_chars=MAX_NAME, key=f"{key}_name")
        merge_into = merge_column.selectbox("Merge into", [KEEP, *names], key=f"{key}_merge",
                                            format_func=lambda i: names.get(i, "Keep as its own theme"),
                                            help="Adds this theme's keywords to the chosen one and keeps its name.")
        pinned = pin_column.toggle("Pinned", value=theme.pinned, key=f"{key}_pinned", help="Pinned themes come first.")
        if st.form_submit_button("Save", key=f"{key}_save"):
            return ThemeEdit(theme, name, pinned, merge_into or None)
    return None


def theme_panels(summary: pd.DataFrame, trend: pd.DataFrame, examples: pd.DataFrame, themes: tuple[Theme, ...],
                 editable: bool, key: str, reveal: bool = False) -> ThemeEdit | None:
    """An expander per theme, in the chart's order: name and keywords as text, trend, latest comments (contact
    details masked unless reveal), and the edit form when themes are stored and writable. Returns the edit saved
    on this run, if any."""
    by_id, edit = {t.theme_id: t for t in themes}, None
    for number, row in enumerate(summary.itertuples(), start=1):
        theme = by_id[row.theme_id]
        with st.expander(f"Theme {number} · {row.comments:,} comment{'s' * (row.comments != 1)}"):
            st.text(f"{PIN if theme.pinned else ''}{theme.name}\nKeywords: {', '.join(theme.keywords)}")
            counts = monthly(trend, theme.theme_id)
            if not counts.empty:
                st.plotly_chart(sparkline(counts), key=f"{key}_{theme.theme_id}_trend",
                                config={"displayModeBar": False})
            own = examples[examples["theme_id"] == theme.theme_id]
            if own.empty:
                st.caption("No comment in this view contains its keywords.")
            else:
                _examples(own, reveal)
            if editable:
                edit = _form(theme, [t for t in themes if t.theme_id != theme.theme_id],
                             f"{key}_{theme.theme_id}") or edit
    return edit


def caption(stored: bool, writable: bool) -> str:
    """How themes are made and counted, and whether they can be edited here."""
    made = (f"Themes are keyword sets proposed from the touchpoint's latest {SEED_SAMPLE:,} comments (NMF over "
            "TF-IDF weights of words and two-word phrases). A comment counts in every theme with a keyword that "
            "starts one of its words, ignoring case, so themes overlap. Bar: comments in the view; colour: their "
            "mean sentiment; NPS ± 95% margin of the same answers.")
    if not writable:
        return made + (" Read-only mode: themes are shown but cannot be renamed, merged or pinned"
                       + ("" if stored else ", and these were computed for this page, not stored") + ".")
    return made + " Open a theme to see its latest comments and to rename, pin or merge it."
