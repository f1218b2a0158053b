"""The rules of a review session, each on hand-made cases: names and texts, status moves, the order of open
actions, open items per journey cell, votes beside the data, and minutes that show people's text as typed."""

from __future__ import annotations

from datetime import date

import pandas as pd
import pytest

from analytics.workshop import (
    WorkshopError,
    action_order,
    check_budget,
    check_move,
    clean_name,
    clean_text,
    is_overdue,
    markdown_text,
    minutes,
    open_items,
    votes_beside_data,
)

TODAY = date(2026, 12, 1)


@pytest.mark.parametrize(("text", "expected"), [
    ("  Ana   Silva ", "Ana Silva"), ("Ana\nSilva", "Ana Silva"), ("x" * 80, "x" * 80)])
def test_names_are_one_trimmed_line(text, expected):
    assert clean_name(text) == expected


@pytest.mark.parametrize(("text", "message"), [("", "Type a name"), ("   ", "Type a name"), (None, "Type a name"),
                                               ("x" * 81, "81 characters long")])
def test_bad_names_say_what_to_change(text, message):
    with pytest.raises(WorkshopError, match=message):
        clean_name(text)


def test_note_text_keeps_its_lines_and_has_bounds():
    assert clean_text("  first line\nsecond  ") == "first line\nsecond"
    with pytest.raises(WorkshopError, match="empty"):
        clean_text(" \n ")
    with pytest.raises(WorkshopError, match="2,001 characters"):
        clean_text("x" * 2001)


@pytest.mark.parametrize(("before", "after", "allowed"), [
    (None, "open", True), ("open", "doing", True), ("doing", "done", True), ("open", "dropped", True),
    ("done", "open", True), ("dropped", "open", True), ("done", "dropped", False), ("dropped", "doing", False),
    ("done", "doing", False)])
def test_status_moves(before, after, allowed):
    if allowed:
        assert check_move(before, after) == after
    else:
        with pytest.raises(WorkshopError, match="reopen it first"):
            check_move(before, after)


@pytest.mark.parametrize("budget", [0, 21, -1])
def test_vote_budgets_are_bounded(budget):
    with pytest.raises(WorkshopError, match="between 1 and 20"):
        check_budget(budget)


@pytest.mark.parametrize(("status", "due", "overdue"), [
    ("open", date(2026, 11, 30), True), ("doing", date(2026, 11, 1), True), ("open", TODAY, False),
    ("done", date(2026, 11, 1), False), ("open", None, False), ("dropped", date(2020, 1, 1), False)])
def test_overdue(status, due, overdue):
    assert is_overdue(status, due, TODAY) is overdue


def test_open_actions_come_overdue_first_then_by_owner_and_date():
    actions = [{"text": "a", "owner": "Zoe", "status": "open", "due_on": date(2026, 12, 20)},
               {"text": "b", "owner": "ann", "status": "open", "due_on": None},
               {"text": "c", "owner": "Ben", "status": "doing", "due_on": date(2026, 11, 25)},
               {"text": "d", "owner": "Ann", "status": "open", "due_on": date(2026, 12, 5)},
               {"text": "e", "owner": "Zoe", "status": "open", "due_on": date(2026, 10, 1)}]
    assert [a["text"] for a in action_order(actions, TODAY)] == ["e", "c", "d", "b", "a"]


def test_open_items_per_touchpoint_and_per_stage():
    cells = pd.DataFrame({"stage": ["Receive", "Receive", None, "Buy"], "touchpoint": ["Home delivery", None,
                                                                                      "Home delivery", None],
                          "items": [2, 1, 1, 3]})
    assert open_items(cells) == ({"Home delivery": 3}, {"Receive": 1, "Buy": 3})


def test_votes_sit_beside_the_data_ranked_by_votes():
    votes = pd.DataFrame({"target_kind": ["touchpoint", "action", "touchpoint", "action"],
                          "target": ["Checkout", "A1", "Home delivery", "gone"], "votes": [2, 3, 2, 5]})
    actions = pd.DataFrame({"note_id": ["A1"], "text": ["Call the carrier about every late parcel this month"],
                            "touchpoint": ["Home delivery"]})
    touchpoints = pd.DataFrame({"touchpoint": ["Checkout", "Home delivery"], "nps": [40.0, 2.0],
                                "nps_margin": [5.0, 9.0], "detractors": [50, 300], "low_n": [False, False]})
    gaps = pd.DataFrame({"touchpoint": ["Home delivery"], "gap_share": [46.0], "low_n": [False]})
    ranked = votes_beside_data(votes, actions, touchpoints, gaps)
    assert ranked["label"].tolist() == ["Action: Call the carrier about every late parce…", "Checkout",
                                        "Home delivery"]  # the archived action's votes are not shown
    assert ranked["votes"].tolist() == [3, 2, 2]
    assert ranked["nps"].tolist() == [2.0, 40.0, 2.0]  # an action counts at its touchpoint's figures
    assert ranked["gap_share"].fillna(-1).tolist() == [46.0, -1, 46.0]


def test_minutes_hold_the_session_and_show_text_as_typed():
    workshop = {"name": "Q4 [review]", "held_on": date(2026, 11, 30), "facilitator": "Ana"}
    notes = [{"kind": "observation", "text": "Late *parcels*", "touchpoint": "Home delivery", "stage": "Receive"},
             {"kind": "idea", "text": "<b>Text</b> the slot", "touchpoint": float("nan"), "stage": "Receive"},
             {"kind": "action", "text": "Call the carrier", "touchpoint": "Home delivery", "stage": "Receive",
              "owner": "Chris", "due_on": date(2026, 12, 15), "status": "open", "expected_effect": float("nan")}]
    text = minutes(workshop, notes, [{"label": "Home delivery", "votes": 3}],
                   [{"caption": "Where we stand", "page": "app.py"}], ["Ben", "Ana", "Ben"])
    assert text.startswith("# Q4 \\[review\\]\n")
    assert "- Date: 30 Nov 2026" in text and "- Participants: Ana, Ben" in text
    assert "1. Where we stand (app.py)" in text and "- Home delivery: 3 votes" in text
    assert "- **Home delivery**: Late \\*parcels\\*" in text
    assert "- **Receive**: \\<b\\>Text\\</b\\> the slot" in text
    assert "| Call the carrier | Home delivery | Chris | 15 Dec 2026 | open |  |" in text


def test_markdown_text_neutralises_links_and_images():
    assert markdown_text("![i](http://x/) [a](http://y)") == "\\!\\[i\\](http://x/) \\[a\\](http://y)"

