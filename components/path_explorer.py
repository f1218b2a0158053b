"""The Journey map's path explorer: choose where paths start, see the commonest next steps and who left where.

Event names are data (journey stages): they reach the screen only as widget options, chart text and st.text,
never through markdown.
"""

from __future__ import annotations

import streamlit as st

from analytics.journey import explore_paths, starting_events
from components.page import Page
from components.path_charts import NO_PATHS, path_sankey
from components.theme import empty_figure
from data_access import reads

TITLE = "Customer paths"


def path_explorer(page: Page) -> None:
    """The starting event to follow, its paths as a Sankey, and the drop-off at each step in words under it."""
    prefixes = reads.journey.path_prefixes(page.filters)
    starts = starting_events(prefixes)
    if not starts:
        st.plotly_chart(empty_figure(NO_PATHS, TITLE), key="journey_sankey")
        return
    start = st.selectbox("Starting with", list(starts), format_func=lambda name: f"{name} ({starts[name]:,} customers)",
                         key="journey_paths_start")
    explorer = explore_paths(prefixes, start)
    st.plotly_chart(path_sankey(explorer, f"{TITLE} from {start}", page.describe()), key="journey_sankey")
    for line in explorer.drop_off:
        st.text(line)
    st.caption("Each customer's events in the period in time order (survey answers by stage, tickets, orders); "
               "repeats of the same event are collapsed. Each step shows its commonest next events, leaving "
               "always among them; the rest are grouped as Other.")
