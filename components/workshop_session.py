"""Who is in the room and what they work on: a name typed once per browser session (until sign-in exists), the
workshop notes go to, and the story views are added to. Kept in session state, so they hold across pages."""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

import streamlit as st

from analytics.access import NotAllowed
from analytics.workshop import WorkshopError
from components.editor_state import plain
from data_access import cache, identity, reads, stories_store
from data_access.db import DatabaseError

KEYS = {"name": "ws_name", "workshop": "ws_workshop", "story": "ws_story"}
NEW_STORY = "__new__"
T = TypeVar("T")


def keep_session() -> None:
    """Re-assign the keys, so Streamlit does not drop the widgets' values on a page change."""
    for key in KEYS.values():
        if key in st.session_state:
            st.session_state[key] = st.session_state[key]


def available() -> bool:
    """Workshops live in the app's own tables, which a read-only warehouse does not have (CX_READ_ONLY=1)."""
    return cache.writable() and identity.current().may("workshop")


def name() -> str:
    return (st.session_state.get(KEYS["name"]) or "").strip()


def workshop_id() -> str | None:
    return st.session_state.get(KEYS["workshop"])


def saved(change: Callable[[], T], done: str | Callable[[T], str] | None = None) -> bool:
    """Run a workshop write and say so (done: a message, or one made from the write's result); a mistake or a
    refused write is said in words, never as a traceback. True when it was stored."""
    try:
        result = cache.write(lambda _: change(), cached_reads_change=False)
    except (WorkshopError, NotAllowed, DatabaseError) as error:
        st.error(plain(str(error)), icon=":material/error:")
        return False
    if done:
        st.toast(done(result) if callable(done) else done, icon=":material/check:")
    return True


def workshop_choice(container) -> str | None:
    """Pick the workshop notes go to (the newest by default); None when there is none yet."""
    found = reads.workshop.workshops_list()
    if "ws_workshop_pending" in st.session_state:  # one just started: chosen before the box is drawn
        st.session_state[KEYS["workshop"]] = st.session_state.pop("ws_workshop_pending")
    if found.empty:
        container.caption("No workshop yet: start one on the **Workshop** page.")
        return None
    names = dict(zip(found["workshop_id"], found["name"] + " · " + found["held_on"].astype(str), strict=True))
    if st.session_state.get(KEYS["workshop"]) not in names:
        st.session_state[KEYS["workshop"]] = next(iter(names))
    return container.selectbox("Workshop", list(names), format_func=names.get, key=KEYS["workshop"])


WORKSHOP_PAGE = "pages/7_Workshop.py"


def last_view() -> tuple[str, str] | None:
    """The page and query string of the last view seen outside the Workshop page: where a new workshop starts."""
    return st.session_state.get("ws_last_view")


def sidebar_session(script: str, view_query: str) -> None:
    """The sidebar's workshop panel: your name, the workshop (chosen on the Workshop page itself, there), and
    "add this view to the story"."""
    keep_session()
    if script != WORKSHOP_PAGE:
        st.session_state["ws_last_view"] = (script, view_query)
    if not available():
        return
    with st.sidebar.expander("Workshop and story", icon=":material/groups:"):
        st.text_input("Your name", key=KEYS["name"], max_chars=80,
                      help="Typed once per browser session: notes, votes and story views carry it.")
        if script != WORKSHOP_PAGE:
            workshop_choice(st)
        _story_panel(script, view_query)


def _story_panel(script: str, view_query: str) -> None:
    found = reads.workshop.stories_list()
    if "ws_story_pending" in st.session_state:  # a story made by the button below, chosen before the box is drawn
        st.session_state[KEYS["story"]] = st.session_state.pop("ws_story_pending")
    names = {NEW_STORY: "New story…", **dict(zip(found["story_id"], found["name"] + " (" + found["steps"].astype(str)
                                                 + " views)", strict=True))}
    if st.session_state.get(KEYS["story"]) not in names:
        st.session_state[KEYS["story"]] = next(iter(names.keys() - {NEW_STORY}), NEW_STORY)
    story = st.selectbox("Story", list(names), format_func=names.get, key=KEYS["story"])
    title = st.text_input("Story name", key="ws_story_name") if story == NEW_STORY else None
    caption = st.text_input("Caption of this view", key="ws_caption", max_chars=160,
                            placeholder="e.g. Delivery NPS fell in October")
    if st.button("Add this view to the story", icon=":material/add_to_queue:", key="ws_add_view"):
        def add() -> int:
            story_id = story
            if story == NEW_STORY:
                story_id = stories_store.create_story(cache.engine(), title or "", by=name())
                st.session_state["ws_story_pending"] = story_id
            return stories_store.add_step(cache.engine(), story_id, page=script, params=view_query,
                                          caption=caption or "")
        if saved(add, lambda number: f"Added as step {number}.") and "ws_story_pending" in st.session_state:
            st.rerun()
    if story != NEW_STORY:
        st.page_link(WORKSHOP_PAGE, label="Arrange or present the story", icon=":material/slideshow:",
                     query_params={"tab": "story"})
