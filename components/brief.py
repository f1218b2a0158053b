"""The "what changed" brief on a page: ranked statements as plain text, each with a link to the view that shows it."""

from __future__ import annotations

import streamlit as st

from analytics.brief import Brief, Statement
from components.editor_state import plain

COLOURS = {"better": "green", "worse": "red", "neither": "gray"}


def _mark(statement: Statement) -> str:
    """An arrow up or down as the number moved, green or red as that is better or worse."""
    arrow = "trending_up" if statement.comparison.difference.delta > 0 else "trending_down"
    return f":{COLOURS[statement.direction]}[:material/{arrow}:]"


def brief_panel(found: Brief, comparison: str) -> None:
    """What changed against the comparison period, with the rule that decides what counts as a change."""
    with st.container(border=True):
        st.markdown(f"**What changed** against the {comparison}")
        if not found.statements:
            st.caption(plain(found.lines[0]))
        for statement in found.statements:
            text_column, link_column = st.columns([9, 1], vertical_alignment="center")
            text_column.markdown(f"{_mark(statement)} {plain(statement.text)}")
            link = statement.link
            if link:
                with link_column:
                    st.page_link(link["page"], label="Open", icon=":material/open_in_new:",
                                 query_params=link["params"], help="The page and filters that show this change.")
        st.caption(f"{found.called:,} change{'s' * (found.called != 1)} among {found.tested:,} comparisons tested; "
                   f"{found.stable:,} within noise. {found.rule}")
