"""The one call every page starts with: page config, look, data status, global filters."""

from __future__ import annotations

import gc
from dataclasses import dataclass, replace
from datetime import date, datetime
from typing import Any

import streamlit as st

from analytics.access import Principal
from analytics.metrics import METRICS, Metric, headline, metrics_present, missing_note
from components.editor_state import plain
from components.filters import View, sidebar_filters, view_to_params
from components.report_downloads import report_downloads
from components.sign_in import not_allowed, sidebar_identity, signed_in
from components.story import PRESENT_CSS, Step, query_string, step_number, story_controls
from components.workshop_session import available as workshop_available
from components.workshop_session import sidebar_session
from data_access import cache, reads
from data_access.db import DatabaseError, created_empty
from data_access.filters import Filters

# Full collections ten times rarer than Python's default: the server keeps a large heap (remembered figures, cached
# results, every session's state), and with the default each run paid for scanning it; 20 sessions with imports on
# DuckDB went from 5.2 to 5.9 runs/s and the warm CPU per run after that load from 0.32 to 0.18 s
# (bench/results/latest.md). Cyclic garbage waits longer; reference counting frees the rest at once.
gc.set_threshold(700, 10, 100)

CSS = """
<style>
  [data-testid="stMetric"] { background: #FFFFFF; }
  [data-testid="stMetricValue"] { font-size: 2.0rem; }
  .block-container { padding-top: 2.2rem; }
</style>
"""


PAGES = (  # the menu: (script, label, icon); a new view is one more entry here
    ("app.py", "Overview", ":material/monitoring:"),
    ("pages/1_Journey_map.py", "Journey map", ":material/route:"),
    ("pages/2_Touchpoints.py", "Touchpoints", ":material/touch_app:"),
    ("pages/3_Loyalty.py", "Loyalty", ":material/workspace_premium:"),
    ("pages/4_Service.py", "Service", ":material/support_agent:"),
    ("pages/5_Voices.py", "Voices", ":material/forum:"),
    ("pages/7_Workshop.py", "Workshop", ":material/groups:"),
    ("pages/6_Data.py", "Data", ":material/database:"),
)
SCRIPTS = {label: script for script, label, _ in PAGES}
LABELS = {script: label for script, label, _ in PAGES}


def _menu(container, view: View | None, principal: Principal) -> None:
    """Links to every page the person may open, carrying the current view, so filters hold across pages and in
    shared links."""
    params = view_to_params(view) if view else None
    with container:
        for script, label, icon in PAGES:
            if principal.may_open(script):
                st.page_link(script, label=label, icon=icon, query_params=params)


@dataclass(frozen=True)
class Page:
    """What a page needs to draw: the chosen view and the data's status."""

    view: View | None  # None on pages without the global filters (Data)
    status: dict[str, Any]
    script: str = "app.py"
    presenting: bool = False  # a story in presentation mode: components draw no widgets, for a projector

    @property
    def filters(self) -> Filters:
        return self.view.filters

    @property
    def comparison(self) -> Filters:
        return self.view.comparison

    @property
    def history(self) -> Filters:
        """The view's customer filters over every day with data (for long trends)."""
        return replace(self.filters, start=self.span[0], end=self.span[1])

    @property
    def has_comparison(self) -> bool:
        """False when the comparison period ends before the first day with data."""
        return self.comparison.end >= self.span[0]

    @property
    def span(self) -> tuple[date, date]:
        return self.status["span"]

    @property
    def data_end(self) -> datetime:
        return datetime.combine(self.span[1], datetime.max.time())

    @property
    def metrics(self) -> tuple[str, ...]:
        """The survey metrics the data holds (all of it, not only this view), so pages show what it has."""
        return metrics_present(reads.survey.summary(Filters()).iloc[0])

    @property
    def metric(self) -> Metric:
        """The metric the survey pages show first: NPS, else CSAT, else sentiment."""
        return METRICS[headline(self.metrics)]

    def note_missing_metrics(self) -> None:
        """One line under the title naming the metrics the data lacks, so their absence is not taken for a fault."""
        note = missing_note(self.metrics, self.metric.key)
        if note:
            st.caption(note)

    @property
    def query(self) -> str:
        """The view as a URL query string: what a note or a story step stores to reopen it."""
        return query_string(view_to_params(self.view)) if self.view else ""

    def describe(self, filters: Filters | None = None) -> str:
        """The filter in force, for chart subtitles."""
        return (filters or self.filters).describe()


def _stop_with(message: str, kind: str = "error") -> None:
    getattr(st, kind)(message)
    st.stop()


def _story_step() -> Step | None:
    """The story step the link opens (`?story=<id>&step=<n>`), if it names a story that exists."""
    story_id = st.query_params.get("story")
    if not story_id or not workshop_available():
        return None
    steps = reads.workshop.story(story_id)
    if steps.empty:
        st.warning("The story in this link has no views (any more); showing the page as it is.",
                   icon=":material/link_off:")
        return None
    return Step(story_id, steps["name"].iloc[0], step_number(st.query_params.get("step"), len(steps)), steps)


def setup_page(title: str, icon: str, intro: str, needs_data: bool = True) -> Page:
    """Set up the page and return the view; stops with a clear message when there is nothing to show.

    Pages that work on an empty database (Data) pass needs_data=False and get no global filters. A story's link
    opens its step with the step's filters; with `present=1`, as a slide for a projector.
    """
    st.set_page_config(page_title=f"{title} · CX Insight", page_icon=icon, layout="wide")
    st.markdown(CSS, unsafe_allow_html=True)
    principal = signed_in()  # before anything is read
    script = SCRIPTS.get(title, "app.py")
    menu = st.sidebar.container()
    sidebar_identity(principal)
    if not principal.may_open(script):
        _menu(menu, None, principal)
        not_allowed(principal, title)
    try:
        status = cache.status(cache.data_version())
    except DatabaseError as error:
        _stop_with(f"**The data could not be read.** {error}")
    step = _story_step() if needs_data and status["span"] is not None else None
    presenting = step is not None and st.query_params.get("present") == "1"
    if presenting:
        st.markdown(PRESENT_CSS, unsafe_allow_html=True)
    if step:
        story_controls(step, script, presenting)
    st.title(plain(step.row["caption"]) if presenting else title, anchor=False)
    if not needs_data:
        _menu(menu, None, principal)
        st.caption(intro)
        return Page(None, status, script)
    if status["span"] is None:
        _menu(menu, None, principal)
        created = created_empty()  # a deleted or mistyped file is made anew; say so, or the data seems to vanish
        _stop_with("**No data yet.** "
                   + (f"A new, empty database was created at `{created}`: no file was there. " if created else "")
                   + "Load the demo company with `python cli.py demo` (or `make run`), or import "
                   "your survey, service and purchase files on the **Data** page or with `python cli.py import`.",
                   "info")
    view = sidebar_filters(status["span"], principal.scope.narrowed(status["options"]),
                           (step.seed_key, step.params) if step else None)
    view = replace(view, scope=principal.scope)
    _menu(menu, view, principal)
    if principal.may("export"):
        report_downloads(view)
    page = Page(view, status, script, presenting)
    sidebar_session(script, page.query)
    imported = status["last_import"]
    st.caption(f"{intro}  \nData as of {page.span[1]:%d %b %Y}"
               + (f" · last import {imported:%d %b %Y %H:%M} UTC" if imported else "")
               + f" · comparing with the {view.comparison_label}")
    return page
