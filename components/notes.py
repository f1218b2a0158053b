"""Notes where the team is looking: the notes pinned to a touchpoint, one note with its edit and history, and the
form that adds a note or an action from any page. People's text is shown as text (components.editor_state.plain)."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date

import pandas as pd
import streamlit as st

from analytics.workshop import ACTION_STATUSES, KINDS, NEXT_STATUSES, ActionFields, is_overdue, open_items
from components import workshop_session as session
from components.editor_state import plain
from components.story import view_params
from data_access import cache, reads, workshop_store

KIND_ICONS = {"observation": ":material/visibility:", "question": ":material/help:", "idea": ":material/lightbulb:",
              "action": ":material/task_alt:"}
STAGE_PREFIX = "Stage: "


def _place_options(places: Mapping[str, str]) -> list[str]:
    """Touchpoints, then their stages ("Stage: Delivery"), as one list to pin a note to."""
    return [*places, *dict.fromkeys(STAGE_PREFIX + stage for stage in places.values())]


def _pinned(choice: str, places: Mapping[str, str]) -> tuple[str | None, str | None]:
    """(stage, touchpoint) of a choice from _place_options."""
    if choice.startswith(STAGE_PREFIX):
        return choice.removeprefix(STAGE_PREFIX), None
    return places.get(choice), choice


def journey_marks() -> tuple[dict[str, int], dict[str, int]]:
    """The journey map's open-note counts per touchpoint and per stage (none in read-only mode)."""
    return open_items(reads.workshop.open_items_by_cell()) if session.available() else ({}, {})


def note_form(key: str, places: Mapping[str, str], chosen: str | None, script: str, view_query: str) -> None:
    """Add a note or an action, pinned to a touchpoint or a stage and, if wanted, to the view on screen.

    places: touchpoint -> stage, in journey order; chosen: the touchpoint the page shows, offered first.
    """
    if not session.available():
        return
    with st.expander("Add a note or an action", icon=":material/edit_note:"):
        workshop = session.workshop_id()
        if workshop is None or not places:
            st.info("Notes belong to a workshop: start one on the **Workshop** page, then add notes here.")
            st.page_link(session.WORKSHOP_PAGE, label="Open the Workshop page", icon=":material/groups:")
            return
        options = _place_options(places)
        with st.form(key, clear_on_submit=True, border=False):
            kind_column, place_column = st.columns(2)
            kind = kind_column.segmented_control("Kind", KINDS, default="observation", format_func=str.capitalize,
                                                 key=f"{key}_kind", required=True)
            place = place_column.selectbox("Pinned to", options, index=options.index(chosen) if chosen in options
                                           else 0, key=f"{key}_place")
            text = st.text_area("Note", key=f"{key}_text", max_chars=2000, height=90,
                                placeholder="What the room sees, asks, proposes or decides")
            pin_view = st.checkbox("Pin the view on screen (page and filters) to the note", value=True,
                                   key=f"{key}_view")
            st.caption("For an action: who owns it, by when, and what it should move.")
            owner_column, due_column, effect_column = st.columns([2, 1, 3])
            owner = owner_column.text_input("Owner", key=f"{key}_owner", max_chars=80)
            due = due_column.date_input("Due", value=None, key=f"{key}_due", format="YYYY-MM-DD")
            effect = effect_column.text_input("Expected effect", key=f"{key}_effect", max_chars=300,
                                              placeholder="e.g. Home delivery NPS back above +20")
            sent = st.form_submit_button("Add to the workshop", icon=":material/add:", type="primary",
                                         key=f"{key}_submit")
        if sent:
            _add(workshop, kind or "observation", text, *_pinned(place, places), script if pin_view else None,
                 view_query if pin_view else None, ActionFields(owner, due, effect) if kind == "action" else None)


def _add(workshop: str, kind: str, text: str, stage: str | None, touchpoint: str | None, page: str | None,
         query: str | None, action: ActionFields | None) -> None:
    if not session.name():
        st.error("Type your name under **Workshop and story** in the sidebar first: notes say who wrote them.")
        return
    if session.saved(lambda: workshop_store.add_note(cache.engine(), workshop, kind=kind, text=text,
                                                     by=session.name(), stage=stage, touchpoint=touchpoint,
                                                     view_page=page, view_params=query, action=action),
                     f"{kind.capitalize()} added."):
        st.rerun()


def note_card(note: pd.Series, key: str, today: date, editable: bool = True) -> None:
    """One note as text, where it is pinned and who wrote it, the view it was made on, its edit and history."""
    with st.container(border=True):
        place = note["touchpoint"] if isinstance(note["touchpoint"], str) else note["stage"]
        status = ""
        if note["kind"] == "action":
            late = " · :red[**overdue**]" if is_overdue(note["status"], note["due_on"], today) else ""
            due = f" · due {note['due_on']:%d %b %Y}" if isinstance(note["due_on"], date) else ""
            status = f" · {plain(note['owner'])} · {note['status']}{due}{late}"
        st.markdown(f"{KIND_ICONS[note['kind']]} **{note['kind'].capitalize()}** · {plain(place)}{status}")
        st.markdown(plain(note["text"]))
        st.caption(f"{plain(note['author'])}, {note['created_at']:%d %b %Y %H:%M}"
                   + (f" · edited by {plain(note['updated_by'])}, {note['updated_at']:%d %b %H:%M}"
                      if note["version"] > 1 else ""))
        if isinstance(note["view_page"], str) and note["view_page"]:
            st.page_link(note["view_page"], label="Open the view this note was made on",
                         icon=":material/open_in_new:", query_params=view_params(note["view_params"]))
        if editable:
            _edit(note, key)


def _edit(note: pd.Series, key: str) -> None:
    with st.expander("Edit, archive or see earlier versions"):
        with st.form(f"{key}_edit", border=False):
            text = st.text_area("Note", value=note["text"], key=f"{key}_edit_text", max_chars=2000)
            changes: dict = {}
            if note["kind"] == "action":
                owner_column, status_column = st.columns(2)
                changes["owner"] = owner_column.text_input("Owner", value=note["owner"] or "", key=f"{key}_owner")
                moves = NEXT_STATUSES.get(note["status"], ACTION_STATUSES)
                changes["status"] = status_column.selectbox("Status", moves, key=f"{key}_status")
            save, archive = st.columns(2)
            saved = save.form_submit_button("Save", icon=":material/save:", key=f"{key}_save")
            archived = archive.form_submit_button("Archive", icon=":material/archive:", key=f"{key}_archive",
                                                  help="Takes it off the boards; it stays stored with its history.")
        if saved or archived:
            changes = {"archived": True} if archived else {
                "text": text, **{k: v for k, v in changes.items() if v != note[k]}}
            if session.saved(lambda: workshop_store.edit_note(cache.engine(), note["note_id"], int(note["version"]),
                                                              by=session.name(), **changes),
                             "Archived." if archived else "Saved."):
                st.rerun()
        earlier = reads.workshop.history(note["note_id"])
        if not earlier.empty:
            st.caption("Earlier versions")
            st.dataframe(earlier[["version", "text", "status", "owner", "updated_by", "updated_at"]],
                         hide_index=True)


def touchpoint_notes(touchpoint: str, key: str, today: date) -> None:
    """The open notes and actions pinned to a touchpoint, from every workshop."""
    if not session.available():
        st.caption("Read-only mode: workshop notes are not kept here.")
        return
    found = reads.workshop.notes(touchpoint=touchpoint, open_only=True)
    if found.empty:
        st.caption(f"No open notes or actions on {plain(touchpoint)}.")
        return
    for _, note in found.iterrows():
        note_card(note, f"{key}_{note['note_id']}", today)
