"""Workshop mode in AppTest on a copy of the demo company: a workshop started, notes and actions added where the room
looks, edited with their history kept, archived, voted on within a budget, a story stepped through with its filters."""

from __future__ import annotations

from datetime import date

import pandas as pd
import pytest

from analytics.workshop import ActionFields
from data_access import stories_store, workshop_store
from data_access.db import open_database
from data_access.reads import workshop as reads
from tests.pages.conftest import decode, figures

JOURNEY, TOUCHPOINTS, WORKSHOP = "pages/1_Journey_map.py", "pages/2_Touchpoints.py", "pages/7_Workshop.py"


@pytest.fixture
def demo(demo_copy):
    url = f"duckdb:///{demo_copy}"
    engine = open_database(url)
    yield url, engine
    engine.dispose()


def _live(engine, read, *args, **kwargs):
    with engine.connect() as conn:
        return read.on(conn, *args, **kwargs)


def _named(at, name: str = "Ana"):
    at.text_input(key="ws_name").set_value(name)
    return at


def _add_note(at, form: str, text: str, kind: str = "observation", place: str | None = None, **action):
    at.segmented_control(key=f"{form}_kind").set_value(kind)
    if place:
        at.selectbox(key=f"{form}_place").set_value(place)
    at.text_area(key=f"{form}_text").input(text)
    if "owner" in action:
        at.text_input(key=f"{form}_owner").input(action["owner"])
        at.date_input(key=f"{form}_due").set_value(action["due"])
    return at.button(key=f"{form}_submit").click().run()


def _workshop(engine, **kwargs) -> str:
    return workshop_store.create_workshop(engine, name="Delivery review", held_on=date(2026, 11, 30),
                                          facilitator="Ana", by="Ana", **kwargs)


def test_a_workshop_is_started_on_the_workshop_page(app_on, demo):
    url, engine = demo
    at = _named(app_on(url, JOURNEY)).run()
    at.switch_page(WORKSHOP).run()
    assert any("Start a workshop above" in i.value for i in at.info)
    at.text_input(key="workshop_start_name").input("Q4 delivery review")
    at.number_input(key="workshop_start_votes").set_value(2)
    at.button(key="workshop_start_submit").click().run()
    assert not at.exception and not at.error
    stored = _live(engine, reads.workshops_list)
    assert stored[["name", "facilitator", "vote_budget", "start_page"]].values.tolist() == [
        ["Q4 delivery review", "Ana", 2, JOURNEY]]
    assert at.selectbox(key="ws_workshop").value == stored["workshop_id"].iloc[0]
    assert any("Q4 delivery review" in m.value for m in at.markdown)


def test_notes_and_actions_are_added_from_the_journey_map_and_the_workshop_page(app_on, demo):
    url, engine = demo
    workshop = _workshop(engine)
    at = _named(app_on(url, JOURNEY, tier="Gold"))
    _add_note(at, "journey_note", "Parcels arrive late in the north", place="Home delivery")
    _add_note(at, "journey_note", "Ask the carrier for a recovery plan", kind="action", place="Home delivery",
              owner="Dana", due=date(2026, 12, 20))
    assert not at.exception and not at.error
    at.switch_page(WORKSHOP).run()
    _add_note(at, "workshop_note_form", "Is it only in the north?", kind="question", place="Stage: Receive")
    _add_note(at, "workshop_note_form", "Call the carrier about late parcels", kind="action", place="Home delivery",
              owner="Chris", due=date(2026, 12, 15))
    assert not at.exception and not at.error
    stored = _live(engine, reads.notes, workshop).set_index("text")
    assert stored.loc["Parcels arrive late in the north", ["kind", "touchpoint", "author", "view_page"]].tolist() == [
        "observation", "Home delivery", "Ana", JOURNEY]
    assert "tier=Gold" in stored.loc["Parcels arrive late in the north", "view_params"]  # its view, reproducible
    assert stored.loc["Ask the carrier for a recovery plan", ["kind", "owner", "status"]].tolist() == [
        "action", "Dana", "open"]
    question = stored.loc["Is it only in the north?"]
    assert (question["kind"], question["stage"]) == ("question", "Receive") and pd.isna(question["touchpoint"])
    assert stored.loc["Call the carrier about late parcels", ["owner", "status", "due_on"]].tolist() == [
        "Chris", "open", date(2026, 12, 15)]
    shown = " ".join(m.value for m in at.markdown)
    assert all(text in shown for text in stored.index)


def test_a_note_needs_a_name_and_people_text_is_shown_as_text(app_on, demo):
    url, engine = demo
    workshop = _workshop(engine)
    at = app_on(url, JOURNEY)
    _add_note(at, "journey_note", "x", place="Home delivery")
    assert any("Type your name" in e.value for e in at.error)
    assert _live(engine, reads.notes, workshop).empty
    workshop_store.add_note(engine, workshop, kind="idea", text="[Click here](http://evil.example/) **now**",
                            by="Eve", touchpoint="Home delivery")
    at.switch_page(WORKSHOP).run()
    shown = [m.value for m in at.markdown if "evil" in m.value]
    assert shown == [r"\[Click here\](http://evil.example/) \*\*now\*\*"]  # escaped: no link, no bold


def test_an_action_status_edit_keeps_the_old_value_and_a_note_can_be_archived(app_on, demo):
    url, engine = demo
    workshop = _workshop(engine)
    action = workshop_store.add_note(engine, workshop, kind="action", text="Call the carrier", by="Ana",
                                     touchpoint="Home delivery", action=ActionFields("Chris", date(2026, 12, 15)))
    note = workshop_store.add_note(engine, workshop, kind="idea", text="Text the slot", by="Ben", stage="Delivery")
    at = _named(app_on(url, WORKSHOP))
    at.selectbox(key=f"workshop_note_{action}_status").set_value("doing")
    at.button(key=f"workshop_note_{action}_save").click().run()
    assert not at.exception and not at.error
    assert _live(engine, reads.notes, workshop).set_index("note_id").loc[action, "status"] == "doing"
    earlier = _live(engine, reads.history, action)
    assert earlier[["version", "status"]].values.tolist() == [[1, "open"]]
    history = [d for d in at.dataframe if "status" in d.value.columns]
    assert history and history[0].value["status"].tolist() == ["open"]  # the page shows the kept value
    at.button(key=f"workshop_note_{note}_archive").click().run()
    assert _live(engine, reads.notes, workshop)["note_id"].tolist() == [action]
    assert _live(engine, reads.notes, workshop, archived=True)["note_id"].tolist() == [action, note]


def test_two_sessions_adding_notes_at_once_both_keep_theirs(app_on, demo):
    url, engine = demo
    workshop = _workshop(engine)
    first, second = _named(app_on(url, WORKSHOP), "Ana").run(), _named(app_on(url, WORKSHOP), "Ben").run()
    for at, text in ((first, "Ana's note"), (second, "Ben's note")):  # both opened the page before either wrote
        at.segmented_control(key="workshop_note_form_kind").set_value("observation")
        at.text_area(key="workshop_note_form_text").input(text)
    first.button(key="workshop_note_form_submit").click().run()
    second.button(key="workshop_note_form_submit").click().run()
    assert sorted(_live(engine, reads.notes, workshop)[["author", "text"]].values.tolist()) == [
        ["Ana", "Ana's note"], ["Ben", "Ben's note"]]
    assert "Ana's note" in " ".join(m.value for m in second.markdown)  # Ben's page shows Ana's note too


def test_votes_are_limited_to_the_budget_per_participant(app_on, demo):
    url, engine = demo
    workshop = _workshop(engine, vote_budget=2)
    at = _named(app_on(url, WORKSHOP, tab="votes")).run()
    at.selectbox(key="workshop_vote_target").set_value(("touchpoint", "Home delivery"))
    at.button(key="workshop_vote").click().run()
    at.button(key="workshop_vote").click().run()
    assert at.button(key="workshop_vote").disabled
    assert any("0 of 2 votes left" in m.value for m in at.markdown)
    with pytest.raises(workshop_store.WorkshopError, match="spent all 2"):
        workshop_store.vote(engine, workshop, "Ana", "touchpoint", "Checkout")
    assert _live(engine, reads.votes, workshop)[["target", "votes"]].values.tolist() == [["Home delivery", 2]]
    chart = figures(at)["What the room voted for, beside what the data says"]
    assert decode(chart["data"][0]["x"]) == [2] and decode(chart["data"][0]["y"]) == ["Home delivery"]


def test_the_journey_map_counts_open_items_in_their_cell(app_on, demo):
    url, engine = demo
    workshop = _workshop(engine)
    for text in ("late", "damaged"):
        workshop_store.add_note(engine, workshop, kind="observation", text=text, by="Ana",
                                stage="Delivery", touchpoint="Home delivery")
    done = workshop_store.add_note(engine, workshop, kind="action", text="done one", by="Ana",
                                   touchpoint="Home delivery", action=ActionFields("Chris", None))
    workshop_store.edit_note(engine, done, 1, by="Chris", status="done")
    at = app_on(url, JOURNEY)
    texts = [t for row in decode(figures(at)["NPS by touchpoint across the journey"]["data"][0]["text"]) for t in row]
    marked = [t for t in texts if "✎" in t]
    assert len(marked) == 1 and marked[0].startswith("<b>Home delivery</b>") and "✎ 2" in marked[0]
    at.switch_page(TOUCHPOINTS).run()
    at.selectbox(key="touchpoints_trend").set_value("Home delivery").run()
    notes = [m.value for m in at.markdown if m.value in ("late", "damaged", "done one")]
    assert notes == ["late", "damaged"]


def _story(engine) -> str:
    story = stories_store.create_story(engine, "Delivery in three views", by="Ana")
    for page, params, caption in (("app.py", "period=quarter", "Where we stand this quarter"),
                                  (JOURNEY, "tier=Gold&compare=last-year", "Gold customers along the journey"),
                                  (TOUCHPOINTS, "period=30d&tier=Bronze", "Bronze, last 30 days")):
        stories_store.add_step(engine, story, page=page, params=params, caption=caption)
    return story


def _filters(at) -> tuple:
    return (at.selectbox(key="filter_period").value, at.segmented_control(key="filter_compare").value,
            at.multiselect(key="filter_tier").value)


def test_a_story_of_three_views_steps_through_with_each_steps_filters(app_on, demo):
    url, engine = demo
    story = _story(engine)
    at = app_on(url, None, story=story, step="1", present="1")
    assert not at.exception
    assert at.title[0].value == "Where we stand this quarter"  # the caption is the headline
    assert _filters(at) == ("quarter", "previous", [])
    assert any("Step 1 of 3" in m.value for m in at.markdown)
    for step, page, expected, caption in ((2, JOURNEY, ("12m", "last-year", ["Gold"]), "Step 2 of 3"),
                                          (3, TOUCHPOINTS, ("30d", "previous", ["Bronze"]), "Step 3 of 3")):
        at.query_params["step"] = str(step)
        at.switch_page(page).run()
        assert not at.exception
        assert _filters(at) == expected, step
        assert any(caption in m.value for m in at.markdown)
    at.multiselect(key="filter_tier").set_value(["Silver"]).run()  # after a step is applied, filters are people's
    assert _filters(at)[2] == ["Silver"]


def test_a_link_to_a_story_that_is_gone_shows_the_page_as_it_is(app_on, demo):
    url, _ = demo
    at = app_on(url, JOURNEY, story="nope", step="2")
    assert not at.exception
    assert any("no views" in w.value for w in at.warning)
    assert at.title[0].value == "Journey map"

