"""The Workshop page's sections: start or open a workshop, its notes, the open actions, dot voting, the story,
and what the team takes away. Each draws; the stores write; the live reads read."""

from __future__ import annotations

from datetime import date

import pandas as pd
import streamlit as st

from analytics.workshop import DEFAULT_VOTES, MAX_VOTES, action_order, is_overdue, minutes
from components import workshop_session as session
from components.editor_state import plain
from components.exports import download
from components.notes import note_card
from components.page import LABELS
from components.story import view_params
from data_access import cache, reads, stories_store, workshop_store
from data_access.export import csv_bytes

NOTE_COLUMNS = ["kind", "text", "stage", "touchpoint", "owner", "due_on", "status", "expected_effect", "author",
                "created_at", "updated_by", "updated_at", "version", "view_page", "view_params"]


def start_form(last_view: tuple[str, str] | None) -> None:
    """A new workshop: name, date, facilitator, votes per person, and the view it starts from."""
    with st.expander("Start a workshop", icon=":material/add_circle:", expanded=False):
        with st.form("workshop_start", clear_on_submit=True, border=False):
            name_column, date_column = st.columns([3, 1])
            title = name_column.text_input("Name", max_chars=80, placeholder="e.g. Q4 delivery review",
                                           key="workshop_start_name")
            held_on = date_column.date_input("Date", value=date.today(), format="YYYY-MM-DD", key="workshop_start_date")
            who_column, votes_column = st.columns([3, 1])
            facilitator = who_column.text_input("Facilitator", value=session.name(), max_chars=80,
                                                key="workshop_start_facilitator")
            budget = votes_column.number_input("Votes per participant", 1, MAX_VOTES, DEFAULT_VOTES,
                                               key="workshop_start_votes")
            page, query = last_view or ("app.py", "")
            st.caption(f"It starts from the view you came from: {plain(page)}"
                       + (f" with {plain(query)}" if query else "") + ".")
            sent = st.form_submit_button("Start the workshop", type="primary", icon=":material/play_arrow:",
                                         key="workshop_start_submit")
        if sent:
            def start() -> str:
                made = workshop_store.create_workshop(
                    cache.engine(), name=title, held_on=held_on or date.today(), facilitator=facilitator,
                    by=session.name() or facilitator, start_page=page, start_params=query, vote_budget=int(budget))
                st.session_state["ws_workshop_pending"] = made
                return made
            if session.saved(start, "Workshop started."):
                st.rerun()


def workshop_header(workshop: pd.Series) -> None:
    """The chosen workshop: when, who leads it, and the view it started from."""
    st.markdown(f"**{plain(workshop['name'])}** · {workshop['held_on']:%d %b %Y} · facilitated by "
                f"{plain(workshop['facilitator'])} · {int(workshop['vote_budget'])} votes per participant")
    st.page_link(workshop["start_page"], label="Open the view it started from", icon=":material/open_in_new:",
                 query_params=view_params(workshop["start_params"]))


def notes_board(workshop_id: str, today: date) -> pd.DataFrame:
    """The workshop's notes by kind, each editable and archivable; returns them for the take-away."""
    found = reads.workshop.notes(workshop_id)
    if found.empty:
        st.info("No notes yet. Add them here, or on the **Journey map** and **Touchpoints** pages while the room "
                "looks at the data.")
        return found
    for kind, title in (("action", "Actions"), ("observation", "Observations"), ("question", "Questions"),
                        ("idea", "Ideas")):
        chosen = found[found["kind"] == kind]
        if not chosen.empty:
            st.markdown(f"**{title}** ({len(chosen)})")
            for _, note in chosen.iterrows():
                note_card(note, f"workshop_note_{note['note_id']}", today)
    return found


def actions_board(today: date) -> None:
    """Open actions from every workshop, overdue first, then by owner: they stay until done."""
    found = reads.workshop.actions()
    if found.empty:
        st.info("No open actions. An action is a note of the kind *action*, with an owner and a due date.")
        return
    ordered = pd.DataFrame(action_order(found.to_dict("records"), today))
    overdue = int(sum(is_overdue(s, d, today) for s, d in zip(ordered["status"], ordered["due_on"], strict=True)))
    owners = ordered["owner"].nunique()
    st.markdown(f"**{len(ordered)} open action{'s' * (len(ordered) != 1)}** with {owners} "
                f"owner{'s' * (owners != 1)} · {overdue} overdue")
    for _, note in ordered.iterrows():
        note_card(note, f"workshop_action_{note['note_id']}", today)


def voting(workshop: pd.Series, ranked: pd.DataFrame, places: list[str], figure) -> None:
    """Each participant's votes on touchpoints or open actions, the budget, and the ranking beside the data."""
    workshop_id, budget = workshop["workshop_id"], int(workshop["vote_budget"])
    cast = reads.workshop.votes_cast(workshop_id)
    me = session.name()
    mine = cast[cast["participant"] == me] if me else cast.iloc[0:0]
    left = budget - int(mine["votes"].sum())
    st.plotly_chart(figure, key="workshop_votes_chart")
    if not me:
        st.info("Type your name under **Workshop and story** in the sidebar to vote.")
        return
    actions = reads.workshop.actions()
    targets = {("touchpoint", t): t for t in places} | {
        ("action", a): f"Action: {plain(t)[:60]}" for a, t in zip(actions["note_id"], actions["text"], strict=True)}
    st.markdown(f"**{plain(me)}**: {left} of {budget} votes left · "
                f"{cast['participant'].nunique()} participant{'s' * (cast['participant'].nunique() != 1)} voted")
    choice_column, vote_column, back_column = st.columns([4, 1, 1], vertical_alignment="bottom")
    target = choice_column.selectbox("Vote for", list(targets), format_func=targets.get, key="workshop_vote_target")
    if vote_column.button("Vote", icon=":material/how_to_vote:", disabled=left <= 0, key="workshop_vote") and \
            session.saved(lambda: workshop_store.vote(cache.engine(), workshop_id, me, *target), "Vote counted."):
        st.rerun()
    if back_column.button("Take back", icon=":material/undo:", key="workshop_unvote") and \
            session.saved(lambda: workshop_store.unvote(cache.engine(), workshop_id, me, *target), "Vote taken back."):
        st.rerun()
    with st.expander("Votes per participant; the facilitator's budget"):
        st.dataframe(cast, hide_index=True)
        new_budget = st.number_input("Votes per participant", 1, MAX_VOTES, budget, key="workshop_budget")
        if st.button("Set the budget", key="workshop_set_budget") and session.saved(
                lambda: workshop_store.set_vote_budget(cache.engine(), workshop_id, int(new_budget)),
                "Budget set."):
            st.rerun()


def story_editor(story_id: str | None) -> None:
    """The chosen story's views in order, to reorder, remove, share or present."""
    if not story_id or story_id == session.NEW_STORY:
        st.info("A story is a sequence of views to present. On any page, open **Workshop and story** in the sidebar, "
                "type a caption and press **Add this view to the story**.")
        return
    steps = reads.workshop.story(story_id)
    if steps.empty:
        st.info("This story has no views yet: add them from any page (sidebar, **Workshop and story**).")
        return
    first = steps.iloc[0]
    st.markdown(f"**{plain(first['name'])}** · {len(steps)} view{'s' * (len(steps) != 1)}")
    st.page_link(first["page"], label="Present from step 1", icon=":material/slideshow:",
                 query_params={**view_params(first["params"]), "story": story_id, "step": "1", "present": "1"})
    st.caption(f"Share it: add `?story={story_id}&step=1` to the app's address (and `&present=1` for the big "
               "screen).")
    for row in steps.itertuples():
        text_column, up, down, remove = st.columns([8, 1, 1, 1], vertical_alignment="center")
        with text_column:
            st.markdown(f"{row.position}. **{plain(row.caption)}**")
            st.page_link(row.page, label=f"{LABELS.get(row.page, row.page)} · {row.params or 'default view'}",
                         query_params=view_params(row.params), icon=":material/open_in_new:")
        moves = ((up, "arrow_upward", -1, "Move up"), (down, "arrow_downward", 1, "Move down"))
        for column, icon, offset, label in moves:
            if column.button("", icon=f":material/{icon}:", key=f"story_{row.position}_{offset}", help=label):
                session.saved(lambda p=row.position, o=offset: stories_store.move_step(cache.engine(), story_id, p, o))
                st.rerun()
        if remove.button("", icon=":material/delete:", key=f"story_{row.position}_remove", help="Remove"):
            session.saved(lambda p=row.position: stories_store.remove_step(cache.engine(), story_id, p))
            st.rerun()


def take_away(workshop: pd.Series, notes: pd.DataFrame, ranked: pd.DataFrame, story_id: str | None) -> None:
    """The workshop's notes, votes and actions as CSV, and its minutes as Markdown."""
    workshop_id = workshop["workshop_id"]
    cast = reads.workshop.votes_cast(workshop_id)
    steps = reads.workshop.story(story_id) if story_id and story_id != session.NEW_STORY else pd.DataFrame()
    if not steps.empty:
        steps = steps.assign(page=steps["page"].map(lambda script: LABELS.get(script, script)))
    people = set(cast["participant"]) | set(notes.get("author", pd.Series(dtype=str)))
    text = minutes(workshop.to_dict(), notes.to_dict("records"), ranked.to_dict("records"),
                   steps.to_dict("records"), people)
    stem = f"workshop-{workshop['held_on']:%Y-%m-%d}"
    notes_column, votes_column, minutes_column = st.columns(3)
    download("Notes and actions (CSV)", lambda: csv_bytes(notes.reindex(columns=NOTE_COLUMNS)),
             f"{stem}-notes.csv", "text/csv", "workshop_notes_csv", container=notes_column)
    download("Votes (CSV)", lambda: csv_bytes(cast), f"{stem}-votes.csv", "text/csv", "workshop_votes_csv",
             container=votes_column)
    download("Minutes (Markdown)", text.encode, f"{stem}-minutes.md", "text/markdown", "workshop_minutes",
             container=minutes_column, icon=":material/description:")
