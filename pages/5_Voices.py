"""Voices: what customers say in their own words, and the words that set unhappy comments apart."""

import streamlit as st

from analytics.access import NotAllowed
from analytics.themes import summarise as summarise_themes
from components import themes as theme_view
from components import voices
from components.comment_charts import term_bars
from components.editor_state import plain
from components.page import setup_page
from components.tables import download_table
from data_access import cache, reads, themes_store
from data_access.db import DatabaseError
from data_access.reads.comments import NPS_GROUPS, SAMPLE_PER_BAND, SENTIMENT_BANDS

page = setup_page("Voices", ":material/forum:", "Customers' comments, searchable, and the words behind unhappy ones.")
ORDERS = {"negative": "Most negative first", "positive": "Most positive first", "recent": "Most recent first"}
scorer = ", ".join(page.status["scorers"]) or "no scorer"
st.caption(voices.scorer_note(page.status["scorers"], page.status["company_scorer"]))
with st.expander("How well each sentiment scorer reads people"):
    voices.scorer_comparison(page.status["company_scorer"])

journey = reads.journey.touchpoint_stages()
where_column, stage_column, band_column, group_column, search_column, order_column = st.columns(
    [2.4, 1.7, 1.3, 1.5, 2.2, 1.9])
chosen = {
    "touchpoints": tuple(where_column.multiselect("Touchpoints", journey["touchpoint"], key="voices_touchpoints",
                                                  placeholder="All touchpoints")),
    "stages": tuple(stage_column.multiselect("Journey stages", journey["stage"].unique(), key="voices_stages",
                                             placeholder="All stages")),
    "nps_group": group_column.selectbox("NPS group", ["", *NPS_GROUPS], key="voices_nps_group",
                                        format_func=lambda g: g or "All answers") or None,
    "search": search_column.text_input("Search comments", key="voices_search", placeholder="e.g. courier, points",
                                       help="Finds comments containing this text, ignoring case.").strip() or None,
}
band = band_column.selectbox("Sentiment", ["", *SENTIMENT_BANDS], key="voices_sentiment",
                             format_func=lambda b: (b or "all").capitalize()) or None
order = order_column.selectbox("Order", list(ORDERS), format_func=ORDERS.get, key="voices_order")
reveal = voices.contact_details_toggle("voices_unmask")

total = reads.comments.count(page.filters, **chosen, sentiment_band=band)
if not total:
    st.info("**No comments match.** Clear the search or a filter above, or widen the period in the sidebar.")
else:
    shown = reads.comments.listed(page.filters, **chosen, sentiment_band=band, order=order)
    st.markdown(f"Showing **{len(shown):,}** of **{total:,}** comment{'s' * (total != 1)} · {ORDERS[order].lower()} · "
                f"{plain(page.describe())}")
    voices.comments_table(shown, "voices-comments", "voices_download", scorer, reveal)
    with st.expander("Read a whole comment"):
        voices.whole_comment(reads.comments.whole(voices.comment_picker(shown, "voices_whole")), reveal)

st.subheader("Words that set negative comments apart")
in_view = reads.comments.by_touchpoint(page.filters, **chosen)
in_view = in_view[in_view["negative"] > 0]
if in_view.empty:
    st.info("**No negative comments in view.** Clear the search or a filter above, or widen the period.")
    st.stop()
names = in_view["touchpoint"].tolist()  # most negative comments first
picked = st.selectbox("Touchpoint", ["", *names], key="voices_terms_touchpoint",
                      format_func=lambda t: t or f"{names[0]} (most negative comments in view)",
                      help="Opens on the touchpoint with the most negative comments for the choices above.")
touchpoint = picked or names[0]
terms = voices.scored_terms(reads.comments.sample(page.filters, touchpoint))
st.plotly_chart(term_bars(terms, f"{touchpoint}: words that set negative comments apart from positive ones",
                                 f"{page.describe()} · up to {SAMPLE_PER_BAND:,} most recent comments per side"),
                key="voices_terms_chart")
st.caption("Terms are words and two-word phrases. Score: weighted log-odds ratio with an informative Dirichlet "
           "prior (Monroe, Colaresi & Quinn 2008, \"Fightin' Words\"), as a z-score; terms seen fewer than 3 times "
           "or with |z| under 1.96 are left out. The touchpoint's negative and positive comments in the period and "
           "sidebar filters are compared; the table filters above choose the touchpoint only.")
with st.expander("Terms as a table"):
    download_table(terms, "voices-terms-" + touchpoint.lower().replace(" ", "-"), "voices_terms_download",
                   voices.term_columns())

st.subheader("Themes")
found = reads.themes.stored(touchpoint)
kept = bool(found)  # stored themes: named, merged and pinned by people
if not kept:
    proposals = theme_view.proposed(reads.themes.seed_sample(touchpoint))
    kept = bool(proposals) and cache.writable()
    if kept:
        cache.write(lambda database: themes_store.seed(database, touchpoint, proposals))
    found = reads.themes.stored(touchpoint) if kept else proposals
if not found:
    st.info("**Too few comments on this touchpoint to propose themes.** At least 20 are needed.")
    st.stop()
summary = summarise_themes(reads.themes.summary(page.filters, touchpoint, found))
st.plotly_chart(theme_view.theme_bars(summary, touchpoint, page.describe()), key="voices_themes_chart")
st.caption(theme_view.caption(stored=kept, writable=cache.writable()))
edit = theme_view.theme_panels(summary, reads.themes.trend(page.filters, touchpoint, found),
                               reads.themes.examples(page.filters, touchpoint, found), found,
                               editable=kept and cache.writable(), key="voices_theme", reveal=reveal)
if edit:
    try:
        cache.write(lambda database: themes_store.edit(database, edit.theme, name=edit.name, pinned=edit.pinned,
                                                       merge_into=edit.merge_into))
    except (ValueError, NotAllowed, DatabaseError) as error:
        st.error(plain(str(error)))
    else:
        st.rerun()
