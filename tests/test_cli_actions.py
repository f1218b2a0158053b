"""`cli.py actions`: the workshops' actions for people who track them elsewhere, in each format."""

from __future__ import annotations

import csv
import io
import json
from datetime import date

import pytest

import cli
from analytics.workshop import ActionFields
from data_access import workshop_store
from data_access.db import open_database


@pytest.fixture
def with_actions(databases):
    url = databases.url("duckdb", migrated=True)
    engine = open_database(url)
    workshop = workshop_store.create_workshop(engine, name="Review", held_on=date(2026, 11, 30), facilitator="Ana",
                                              by="Ana")
    add = workshop_store.add_note
    add(engine, workshop, kind="action", text="Call the | carrier", by="Ana", touchpoint="Home delivery",
        action=ActionFields("Chris", date(2026, 12, 15), "NPS +10"))
    doing = add(engine, workshop, kind="action", text="Fix checkout", by="Ana", touchpoint="App checkout",
                action=ActionFields("Dana", None))
    done = add(engine, workshop, kind="action", text="Old one", by="Ana", touchpoint="Returns",
               action=ActionFields("Eli", None))
    add(engine, workshop, kind="idea", text="Not an action", by="Ana", touchpoint="Returns")
    workshop_store.edit_note(engine, doing, 1, by="Dana", status="doing")
    workshop_store.edit_note(engine, done, 1, by="Eli", status="done")
    engine.dispose()
    return url


def _run(capsys, *argv) -> str:
    assert cli.main(["actions", *argv]) == 0
    return capsys.readouterr().out


def test_open_actions_as_markdown_by_default(with_actions, capsys):
    out = _run(capsys, "--database-url", with_actions).splitlines()
    assert out[0] == "| Action | Touchpoint | Owner | Due | Status | Expected effect |"
    assert out[2:] == [r"| Call the \| carrier | Home delivery | Chris | 15 Dec 2026 | open | NPS +10 |",
                       "| Fix checkout | App checkout | Dana | no date | doing |  |"]


def test_actions_as_csv_of_a_chosen_status(with_actions, capsys):
    rows = list(csv.DictReader(io.StringIO(_run(capsys, "--database-url", with_actions, "--status", "done",
                                                "--format", "csv"))))
    assert [(r["action"], r["owner"], r["status"], r["workshop"]) for r in rows] == [
        ("Old one", "Eli", "done", "Review")]


def test_actions_as_json(with_actions, capsys):
    found = json.loads(_run(capsys, "--database-url", with_actions, "--format", "json", "--status", "open",
                            "--status", "doing"))
    assert [(a["action"], a["due_on"], a["status"]) for a in found] == [
        ("Call the | carrier", "2026-12-15", "open"), ("Fix checkout", None, "doing")]


def test_no_actions_says_so(databases, capsys):
    assert _run(capsys, "--database-url", databases.url("duckdb", migrated=True)).strip() == "No actions."
