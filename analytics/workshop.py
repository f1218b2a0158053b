"""The rules of a review session, with no database and no Streamlit: what a note, an action, a vote and a name may
be, which status may follow which, which actions come first, and the minutes a team takes away."""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any

import pandas as pd

KINDS = ("observation", "question", "idea", "action")
ACTION_STATUSES = ("open", "doing", "done", "dropped")
OPEN_STATUSES = ("open", "doing")
NEXT_STATUSES = {  # open -> doing -> done, or dropped; a done or dropped action can be reopened, never lost
    "open": ("open", "doing", "done", "dropped"),
    "doing": ("doing", "open", "done", "dropped"),
    "done": ("done", "open"),
    "dropped": ("dropped", "open"),
}
DEFAULT_VOTES = 3
MAX_VOTES = 20
MAX_TEXT = 2000
MAX_NAME = 80


class WorkshopError(ValueError):
    """Input a person can correct: the message says what to change."""


def clean_name(text: str | None, what: str = "name") -> str:
    """A person's or a workshop's name: trimmed, one line, not empty, at most MAX_NAME characters."""
    cleaned = " ".join((text or "").split())
    if not cleaned:
        raise WorkshopError(f"Type a {what} first.")
    if len(cleaned) > MAX_NAME:
        raise WorkshopError(f"The {what} is {len(cleaned)} characters long; {MAX_NAME} at most.")
    return cleaned


def clean_text(text: str | None) -> str:
    """A note's text: trimmed, not empty, at most MAX_TEXT characters (line breaks kept)."""
    cleaned = (text or "").strip()
    if not cleaned:
        raise WorkshopError("The note is empty: write what the room saw, asked or decided.")
    if len(cleaned) > MAX_TEXT:
        raise WorkshopError(f"The note is {len(cleaned):,} characters long; {MAX_TEXT:,} at most.")
    return cleaned


def check_kind(kind: str) -> str:
    if kind not in KINDS:
        raise WorkshopError(f"Unknown kind of note '{kind}': one of {', '.join(KINDS)}.")
    return kind


def check_move(before: str | None, after: str) -> str:
    """An action's new status, if it may follow the one it has."""
    if after not in ACTION_STATUSES:
        raise WorkshopError(f"Unknown status '{after}': one of {', '.join(ACTION_STATUSES)}.")
    if before is not None and after not in NEXT_STATUSES[before]:
        raise WorkshopError(f"An action that is {before} cannot become {after}; reopen it first.")
    return after


def check_budget(budget: int) -> int:
    if not 1 <= int(budget) <= MAX_VOTES:
        raise WorkshopError(f"Votes per participant: between 1 and {MAX_VOTES}, not {budget}.")
    return int(budget)


@dataclass(frozen=True)
class ActionFields:
    """What an action adds to a note: who, by when, the effect expected. Checked before anything is stored."""

    owner: str
    due_on: date | None
    expected_effect: str = ""
    status: str = "open"

    def checked(self) -> dict[str, Any]:
        return {"owner": clean_name(self.owner, "owner"), "due_on": self.due_on,
                "expected_effect": (self.expected_effect or "").strip()[:MAX_TEXT] or None,
                "status": check_move(None, self.status)}


def is_overdue(status: str | None, due_on: date | None, today: date) -> bool:
    return status in OPEN_STATUSES and due_on is not None and due_on < today


def action_order(actions: Iterable[Mapping[str, Any]], today: date) -> list[Mapping[str, Any]]:
    """Open actions as the Workshop page lists them: overdue first (longest overdue on top), then by owner and due
    date, undated last."""
    def key(action: Mapping[str, Any]) -> tuple:
        due = action.get("due_on")
        return (not is_overdue(action.get("status"), due, today), due if is_overdue(action.get("status"), due, today)
                else date.min, str(action.get("owner") or "").lower(), due is None, due or date.max)
    return sorted(actions, key=key)


_MARKDOWN = re.compile(r"([\\`*_\[\]<>#|~!])")


def markdown_text(text: object) -> str:
    """People's text inside Markdown minutes: shown as typed, never as links, images or HTML."""
    return _MARKDOWN.sub(r"\\\1", " ".join(str(text or "").split()))


def filled(record: Mapping[Any, Any]) -> dict[str, Any]:
    """A record from a frame with its missing values (NaN, NaT) as None, so `or` and `if` read them as empty."""
    return {str(key): None if not isinstance(value, (list, tuple)) and pd.isna(value) else value
            for key, value in record.items()}


def _when(value: Any) -> str:
    return value.strftime("%d %b %Y") if value else "no date"


def minutes(workshop: Mapping[str, Any], notes: Iterable[Mapping[str, Any]], votes: Iterable[Mapping[str, Any]],
            steps: Iterable[Mapping[str, Any]] = (), participants: Iterable[str] = ()) -> str:
    """The workshop's minutes in Markdown: what a team takes away and pastes into its own tools."""
    notes = [filled(note) for note in notes]
    lines = [f"# {markdown_text(workshop['name'])}", "",
             f"- Date: {_when(workshop['held_on'])}",
             f"- Facilitator: {markdown_text(workshop['facilitator'])}"]
    people = sorted({markdown_text(p) for p in participants if p})
    if people:
        lines.append(f"- Participants: {', '.join(people)}")
    steps = list(steps)
    if steps:
        lines += ["", "## The story we looked at", ""]
        lines += [f"{i}. {markdown_text(s['caption'])} ({markdown_text(s['page'])})" for i, s in enumerate(steps, 1)]
    votes = list(votes)
    if votes:
        lines += ["", "## What the room voted for", ""]
        lines += [f"- {markdown_text(v['label'])}: {int(v['votes'])} vote{'s' * (int(v['votes']) != 1)}"
                  for v in votes]
    for kind, title in (("observation", "Observations"), ("question", "Questions"), ("idea", "Ideas")):
        chosen = [n for n in notes if n["kind"] == kind]
        if chosen:
            lines += ["", f"## {title}", ""]
            lines += [f"- {_where(n)}{markdown_text(n['text'])}" for n in chosen]
    actions = [n for n in notes if n["kind"] == "action"]
    if actions:
        lines += ["", "## Actions", "", *actions_table(actions)]
    return "\n".join(lines) + "\n"


def actions_table(actions: Iterable[Mapping[str, Any]]) -> list[str]:
    """Actions as the lines of a Markdown table: in the minutes and from `cli.py actions --format markdown`."""
    def cell(value: Any) -> str:
        return markdown_text(value or "")

    return ["| Action | Touchpoint | Owner | Due | Status | Expected effect |", "|---|---|---|---|---|---|",
            *(f"| {cell(a.get('text'))} | {cell(a.get('touchpoint') or a.get('stage'))} | {cell(a.get('owner'))} | "
              f"{_when(a.get('due_on'))} | {cell(a.get('status'))} | {cell(a.get('expected_effect'))} |"
              for a in map(filled, actions))]


def _where(note: Mapping[str, Any]) -> str:
    place = note.get("touchpoint") or note.get("stage")
    return f"**{markdown_text(place)}**: " if place else ""


def open_items(cells: pd.DataFrame) -> tuple[dict[str, int], dict[str, int]]:
    """Open notes per touchpoint, and per stage for notes pinned to a stage only: the journey map's markers."""
    by_touchpoint: dict[str, int] = {}
    by_stage: dict[str, int] = {}
    for stage, touchpoint, items in zip(cells["stage"], cells["touchpoint"], cells["items"], strict=True):
        if isinstance(touchpoint, str):
            by_touchpoint[touchpoint] = by_touchpoint.get(touchpoint, 0) + int(items)
        elif isinstance(stage, str):
            by_stage[stage] = by_stage.get(stage, 0) + int(items)
    return by_touchpoint, by_stage


def journey_places(summary: pd.DataFrame) -> dict[str, str]:
    """Touchpoint -> stage in journey order, from any frame with stage_order, stage and touchpoint: where a note
    can be pinned."""
    ordered = summary.sort_values(["stage_order", "touchpoint"])
    return dict(zip(ordered["touchpoint"], ordered["stage"], strict=True))


def votes_beside_data(votes: pd.DataFrame, actions: pd.DataFrame, touchpoints: pd.DataFrame,
                      gaps: pd.DataFrame) -> pd.DataFrame:
    """What the room voted for beside what the data says: per voted target (a touchpoint, or an action counted
    at its touchpoint's figures) its votes, the touchpoint's NPS and margin, detractors, and the spend gap between
    its promoters and detractors. Ranked by votes, then by name; targets no one voted for are left out.

    votes: target_kind, target, votes; actions: note_id, text, touchpoint; touchpoints: touchpoint, nps,
    nps_margin, detractors, low_n; gaps: analytics.loyalty.spend_gap by touchpoint.
    """
    texts = dict(zip(actions["note_id"], actions["text"], strict=True))
    places = dict(zip(actions["note_id"], actions["touchpoint"], strict=True))
    rows = []
    for kind, target, count in zip(votes["target_kind"], votes["target"], votes["votes"], strict=True):
        if kind == "touchpoint":
            rows.append({"label": target, "kind": kind, "touchpoint": target, "votes": int(count)})
        elif target in texts:  # an action archived since keeps its votes stored, not shown
            short = " ".join(str(texts[target]).split())
            short = short if len(short) <= 40 else short[:39] + "…"
            rows.append({"label": f"Action: {short}", "kind": kind, "touchpoint": places[target],
                         "votes": int(count)})
    ranked = pd.DataFrame(rows, columns=["label", "kind", "touchpoint", "votes"])
    data = touchpoints[["touchpoint", "nps", "nps_margin", "detractors", "low_n"]].merge(
        gaps[["touchpoint", "gap_share", "low_n"]].rename(columns={"low_n": "gap_low_n"}), on="touchpoint",
        how="left")
    out = ranked.merge(data, on="touchpoint", how="left")
    out = out.groupby("label", as_index=False, sort=False).agg(
        {"kind": "first", "touchpoint": "first", "votes": "sum", "nps": "first", "nps_margin": "first",
         "detractors": "first", "low_n": "first", "gap_share": "first", "gap_low_n": "first"})
    return out.sort_values(["votes", "label"], ascending=[False, True], kind="stable").reset_index(drop=True)
