"""The follow-up list on a page of its own, for tests/pages/test_closed_loop.py (the Workshop page composes it)."""

import streamlit as st

from components.closed_loop import followup_list
from components.page import setup_page

page = setup_page("Follow-ups", ":material/call:", "Unhappy customers to call back.")
followup_list(page, st.session_state.get("participant", ""))
