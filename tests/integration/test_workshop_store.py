"""Workshops, notes, actions, votes and stories on both backends: stored, versioned, never lost, budgets held."""

from __future__ import annotations

import threading
from datetime import date, datetime

import pytest
import sqlalchemy as sa

from analytics.workshop import ActionFields, WorkshopError
from data_access import stories_store, workshop_store
from data_access.db import create_engine, upgrade
from data_access.reads import workshop as reads
from data_access.schema import TABLES, comment_themes, customers, survey_responses
from data_access.settings import ReadOnlyError
from tests.conftest import BACKENDS


def _workshop(engine, budget: int = 3) -> str:
    return workshop_store.create_workshop(engine, name="Q3 delivery review", held_on=date(2026, 11, 30),
                                          facilitator="Ana", by="Ana", start_page="pages/1_Journey_map.py",
                                          start_params="period=quarter", vote_budget=budget)


def _read(engine, read, *args, **kwargs):
    with engine.connect() as conn:
        return read.on(conn, *args, **kwargs)


def test_a_workshop_keeps_its_notes_and_actions(engine):
    workshop = _workshop(engine)
    note = workshop_store.add_note(engine, workshop, kind="observation", text="Late parcels  dominate\nthe comments",
                                   by="Ben", touchpoint="Home delivery", view_page="pages/1_Journey_map.py",
                                   view_params="period=90d&tier=Gold")
    action = workshop_store.add_note(engine, workshop, kind="action", text="Call the carrier", by="Ana",
                                     touchpoint="Home delivery",
                                     action=ActionFields("Chris", date(2026, 12, 15), "Delivery NPS +10"))
    listed = _read(engine, reads.workshops_list)
    assert listed[["name", "facilitator", "vote_budget", "notes"]].values.tolist() == [
        ["Q3 delivery review", "Ana", 3, 2]]
    stored = _read(engine, reads.notes, workshop).set_index("note_id")
    assert stored.loc[note, "text"] == "Late parcels  dominate\nthe comments"  # typed text kept as typed
    assert stored.loc[note, "view_params"] == "period=90d&tier=Gold"
    assert stored.loc[action, ["owner", "status", "expected_effect", "author"]].tolist() == [
        "Chris", "open", "Delivery NPS +10", "Ana"]
    assert stored.loc[action, "due_on"] == date(2026, 12, 15)
    assert _read(engine, reads.notes, touchpoint="Home delivery")["note_id"].tolist() == [note, action]
    assert _read(engine, reads.notes, touchpoint="Checkout").empty


def test_an_edit_keeps_the_old_version_and_a_stale_edit_is_refused(engine):
    workshop = _workshop(engine)
    action = workshop_store.add_note(engine, workshop, kind="action", text="Call the carrier", by="Ana",
                                     touchpoint="Home delivery", action=ActionFields("Chris", None))
    assert workshop_store.edit_note(engine, action, 1, by="Chris", status="doing") == 2
    with pytest.raises(workshop_store.ConflictError, match="Chris changed this note"):
        workshop_store.edit_note(engine, action, 1, by="Ben", status="dropped")  # Ben still saw version 1
    with pytest.raises(WorkshopError, match="Unknown status"):
        workshop_store.edit_note(engine, action, 2, by="Chris", status="nonsense")
    workshop_store.edit_note(engine, action, 2, by="Chris", status="done", text="Called the carrier")
    with pytest.raises(WorkshopError, match="done cannot become dropped; reopen it first"):
        workshop_store.edit_note(engine, action, 3, by="Chris", status="dropped")
    now = _read(engine, reads.notes, workshop).iloc[0]
    assert (now["status"], now["text"], now["version"], now["updated_by"]) == ("done", "Called the carrier", 3,
                                                                               "Chris")
    earlier = _read(engine, reads.history, action)
    assert earlier[["version", "status", "text", "updated_by"]].values.tolist() == [
        [2, "doing", "Call the carrier", "Chris"], [1, "open", "Call the carrier", "Ana"]]


def test_archiving_takes_a_note_off_the_boards_and_keeps_it(engine):
    workshop = _workshop(engine)
    note = workshop_store.add_note(engine, workshop, kind="idea", text="Text the delivery slot", by="Ben",
                                   stage="Delivery")
    workshop_store.archive_note(engine, note, 1, by="Ana")
    assert _read(engine, reads.notes, workshop).empty
    kept = _read(engine, reads.notes, workshop, archived=True)
    assert kept[["text", "archived", "version"]].values.tolist() == [["Text the delivery slot", True, 2]]
    assert _read(engine, reads.history, note)["archived"].tolist() == [False]


def test_open_items_are_counted_per_journey_cell(engine):
    workshop = _workshop(engine)
    add = workshop_store.add_note
    add(engine, workshop, kind="observation", text="a", by="A", stage="Delivery", touchpoint="Home delivery")
    add(engine, workshop, kind="question", text="b", by="A", stage="Delivery", touchpoint="Home delivery")
    done = add(engine, workshop, kind="action", text="c", by="A", stage="Delivery", touchpoint="Home delivery",
               action=ActionFields("Chris", None))
    archived = add(engine, workshop, kind="idea", text="d", by="A", stage="Delivery", touchpoint="Home delivery")
    add(engine, workshop, kind="idea", text="e", by="A", stage="Delivery")
    workshop_store.edit_note(engine, done, 1, by="Chris", status="done")
    workshop_store.archive_note(engine, archived, 1, by="A")
    cells = _read(engine, reads.open_items_by_cell)
    counted = {(row.stage, row.touchpoint if isinstance(row.touchpoint, str) else None): row.items
               for row in cells.itertuples()}
    assert counted == {("Delivery", "Home delivery"): 2, ("Delivery", None): 1}
    assert _read(engine, reads.actions).empty


def test_notes_need_a_place_a_text_and_an_existing_workshop(engine):
    workshop = _workshop(engine)
    with pytest.raises(WorkshopError, match="Pin the note"):
        workshop_store.add_note(engine, workshop, kind="idea", text="x", by="A")
    with pytest.raises(WorkshopError, match="empty"):
        workshop_store.add_note(engine, workshop, kind="idea", text="   ", by="A", stage="Delivery")
    with pytest.raises(WorkshopError, match="does not exist"):
        workshop_store.add_note(engine, "nope", kind="idea", text="x", by="A", stage="Delivery")
    with pytest.raises(WorkshopError, match="owner"):
        workshop_store.add_note(engine, workshop, kind="action", text="x", by="A", stage="Delivery")
    assert _read(engine, reads.notes, workshop, archived=True).empty


def test_two_people_adding_notes_at_the_same_moment_both_keep_theirs(engine):
    workshop = _workshop(engine)
    start = threading.Barrier(2)
    errors: list[BaseException] = []

    def add(person: str) -> None:
        start.wait()
        try:
            for i in range(5):
                workshop_store.add_note(engine, workshop, kind="observation", text=f"{person} {i}", by=person,
                                        touchpoint="Checkout")
        except BaseException as error:  # noqa: BLE001 - reported below
            errors.append(error)

    threads = [threading.Thread(target=add, args=(person,)) for person in ("Ana", "Ben")]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not errors
    assert sorted(_read(engine, reads.notes, workshop)["text"]) == sorted(
        f"{p} {i}" for p in ("Ana", "Ben") for i in range(5))


def test_votes_are_held_to_each_participants_budget(engine):
    workshop = _workshop(engine, budget=2)
    assert workshop_store.vote(engine, workshop, "Ana", "touchpoint", "Home delivery") == 1
    assert workshop_store.vote(engine, workshop, "Ana", "touchpoint", "Home delivery") == 0
    with pytest.raises(WorkshopError, match="spent all 2 votes"):
        workshop_store.vote(engine, workshop, "Ana", "touchpoint", "Checkout")
    workshop_store.vote(engine, workshop, "Ben", "touchpoint", "Checkout")
    workshop_store.unvote(engine, workshop, "Ana", "touchpoint", "Home delivery")
    workshop_store.vote(engine, workshop, "Ana", "touchpoint", "Checkout")
    tally = _read(engine, reads.votes, workshop)
    assert tally[["target", "votes"]].values.tolist() == [["Checkout", 2], ["Home delivery", 1]]
    assert _read(engine, reads.votes_cast, workshop)[["participant", "target", "votes"]].values.tolist() == [
        ["Ana", "Checkout", 1], ["Ana", "Home delivery", 1], ["Ben", "Checkout", 1]]
    with pytest.raises(WorkshopError, match="no vote"):
        workshop_store.unvote(engine, workshop, "Ben", "touchpoint", "Home delivery")


def test_a_story_keeps_its_steps_in_the_order_people_set(engine):
    story = stories_store.create_story(engine, "Delivery in three views", by="Ana")
    for page, caption in (("app.py", "Where we stand"), ("pages/1_Journey_map.py", "Delivery dips"),
                          ("pages/5_Voices.py", "What they say")):
        stories_store.add_step(engine, story, page=page, params="period=quarter", caption=caption)
    stories_store.move_step(engine, story, 3, -1)
    stories_store.move_step(engine, story, 1, -1)  # already first: stays
    assert _read(engine, reads.story, story)[["position", "caption"]].values.tolist() == [
        [1, "Where we stand"], [2, "What they say"], [3, "Delivery dips"]]
    stories_store.remove_step(engine, story, 1)
    assert _read(engine, reads.story, story)["caption"].tolist() == ["What they say", "Delivery dips"]
    assert _read(engine, reads.stories_list)[["name", "steps"]].values.tolist() == [["Delivery in three views", 2]]
    with pytest.raises(WorkshopError, match="caption"):
        stories_store.add_step(engine, story, page="app.py", params="", caption=" ")


def test_nothing_is_written_in_read_only_mode(engine, monkeypatch):
    workshop = _workshop(engine)
    monkeypatch.setenv("CX_READ_ONLY", "1")
    with pytest.raises(ReadOnlyError):
        workshop_store.add_note(engine, workshop, kind="idea", text="x", by="A", stage="Delivery")
    with pytest.raises(ReadOnlyError):
        workshop_store.vote(engine, workshop, "Ana", "touchpoint", "Checkout")
    with pytest.raises(ReadOnlyError):
        stories_store.create_story(engine, "x", by="A")


@pytest.mark.parametrize("backend", BACKENDS)
def test_the_workshop_migration_keeps_every_row_stored_before_it(databases, backend):
    engine = create_engine(databases.url(backend))
    with engine.begin() as conn:
        upgrade(conn, "0007")
        conn.execute(sa.insert(customers).values(customer_id="C1", joined_at=date(2024, 1, 1), tier="Gold"))
        conn.execute(sa.insert(survey_responses).values(
            response_id="R1", customer_id="C1", submitted_at=datetime(2025, 1, 10), touchpoint="Web", nps=9,
            comment="Quick and kind"))
        conn.execute(sa.insert(comment_themes).values(
            theme_id="T1", touchpoint="Web", name="Speed", keywords="quick", pinned=True,
            created_at=datetime(2025, 2, 1), updated_at=datetime(2025, 2, 1)))
        before = {name: conn.execute(sa.select(sa.func.count()).select_from(TABLES[name])).scalar_one()
                  for name in ("customers", "survey_responses", "comment_themes")}
        upgrade(conn)
    with engine.connect() as conn:
        assert conn.execute(sa.select(customers.c.tier)).all() == [("Gold",)]
        assert conn.execute(sa.select(survey_responses.c.comment)).all() == [("Quick and kind",)]
        after = {name: conn.execute(sa.select(sa.func.count()).select_from(TABLES[name])).scalar_one()
                 for name in before}
        assert after == before == {"customers": 1, "survey_responses": 1, "comment_themes": 1}
        assert conn.execute(sa.select(sa.func.count()).select_from(TABLES["workshop_notes"])).scalar_one() == 0
    engine.dispose()
    workshop = _workshop(engine)  # the new tables take writes
    assert _read(engine, reads.workshops_list)["workshop_id"].tolist() == [workshop]
