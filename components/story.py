"""A story on screen: the step a link opens (`?story=<id>&step=<n>`), its controls, and presentation mode
(`&present=1`: no sidebar or widgets, large type, the caption as the headline, previous/next and "step 3 of 7").

Each step's filters are stored as the URL query string of its view; the links built here carry them, and the
global filters apply them exactly when the step changes (components.filters.sidebar_filters' `seed`).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from urllib.parse import parse_qs, urlencode

import pandas as pd
import streamlit as st

from components.editor_state import plain

STORY_PARAMS = ("story", "step", "present")  # the URL parameters of a story, kept beside the filters'
PRESENT_CSS = """
<style>
  [data-testid="stSidebar"], [data-testid="stSidebarCollapsedControl"], [data-testid="stHeader"],
  [data-testid="stExpander"], [data-testid="stElementContainer"]:has(.stSelectbox, .stMultiSelect, .stTextInput,
  .stDownloadButton, .stButton, .stToggle, .stCheckbox, .stRadio, .stDateInput, [data-testid="stButtonGroup"],
  [data-testid="stForm"], [data-testid="stDataFrame"]) { display: none !important; }
  .block-container { padding: 1rem 3rem; max-width: 100%; }
  h1 { font-size: 3.2rem !important; }
  [data-testid="stMarkdownContainer"] p, [data-testid="stCaptionContainer"] { font-size: 1.35rem !important; }
</style>
"""


def query_string(params: Mapping[str, str | list[str]]) -> str:
    """A view's parameters as the query string a story step stores."""
    return urlencode(params, doseq=True)


def view_params(text: str) -> dict[str, list[str]]:
    """A stored query string back as URL parameters (lists, as st.query_params.get_all gives them)."""
    return {key: values for key, values in parse_qs(text or "", keep_blank_values=False).items()
            if key not in STORY_PARAMS}


@dataclass(frozen=True)
class Step:
    """The story step this page run shows."""

    story_id: str
    name: str
    number: int
    steps: pd.DataFrame  # position, page, params, caption

    @property
    def count(self) -> int:
        return len(self.steps)

    @property
    def row(self) -> pd.Series:
        return self.steps.iloc[self.number - 1]

    @property
    def params(self) -> dict[str, list[str]]:
        return view_params(self.row["params"])

    @property
    def seed_key(self) -> str:
        """Changes with the step, so the filters are set from it once per step and stay the person's after."""
        return f"{self.story_id}:{self.number}"

    def link(self, number: int, present: bool) -> dict[str, str | list[str]]:
        """The query parameters that open step `number` of this story, presented or not."""
        row = self.steps.iloc[number - 1]
        return {**view_params(row["params"]), "story": self.story_id, "step": str(number),
                **({"present": "1"} if present else {})}


def step_number(text: str | None, count: int) -> int:
    """The step a link asks for, kept within the story (a bad or missing number opens step 1)."""
    try:
        number = int(text or 1)
    except ValueError:
        return 1
    return min(max(number, 1), count)


def story_controls(step: Step, script: str, present: bool) -> None:
    """Previous / next, where we are, and the way in or out of presentation mode."""
    if step.row["page"] != script:
        st.warning("This link's step belongs on another page.")
        st.page_link(step.row["page"], label=f"Open step {step.number}", query_params=step.link(step.number, present))
        st.stop()
    back, where, forward, mode = st.columns([2, 5, 2, 2], vertical_alignment="center")
    if step.number > 1:
        with back:
            st.page_link(step.steps.iloc[step.number - 2]["page"], label="Previous", icon=":material/arrow_back:",
                         query_params=step.link(step.number - 1, present))
    where.markdown(f"**Step {step.number} of {step.count}** · {plain(step.name)}")
    if step.number < step.count:
        with forward:
            st.page_link(step.steps.iloc[step.number]["page"], label="Next", icon=":material/arrow_forward:",
                         query_params=step.link(step.number + 1, present))
    with mode:
        if present:
            st.page_link(script, label="Leave presentation", icon=":material/close_fullscreen:",
                         query_params=step.params)
        else:
            st.page_link(script, label="Present", icon=":material/slideshow:",
                         query_params=step.link(step.number, True))
