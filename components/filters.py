"""The global filters: URL query parameters <-> a View <-> sidebar widgets, the same on every page.

Parsing and writing the URL are pure functions (tested without Streamlit); the widgets keep their
state for the whole session (persist_state) so a page change keeps the view, and every run writes the
view back to the URL so the address can be shared.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date

import streamlit as st

from analytics.access import Scope
from analytics.periods import preset_dates
from components.editor_state import plain
from data_access.contracts import TIERS
from data_access.filters import COMPARISONS, NO_TIER, Filters

PRESETS = {"30d": "Last 30 days", "90d": "Last 90 days", "month": "Last full month", "quarter": "Last full quarter",
           "12m": "Last 12 months", "ytd": "Year to date", "all": "All data", "custom": "Custom dates"}
DEFAULT_PRESET, DEFAULT_COMPARISON = "12m", "previous"
TIER_OPTIONS = (*TIERS, NO_TIER)
LISTS = {"tier": "tiers", "segment": "segments", "region": "regions", "channel": "channels"}


@dataclass(frozen=True)
class View:
    """What the person chose: a period preset (or dates), a comparison, and the customer filters."""

    preset: str
    start: date
    end: date
    compare: str = DEFAULT_COMPARISON
    tiers: tuple[str, ...] = ()
    segments: tuple[str, ...] = ()
    regions: tuple[str, ...] = ()
    channels: tuple[str, ...] = ()
    notices: tuple[str, ...] = field(default=(), compare=False)
    scope: Scope = field(default_factory=Scope)  # the signed-in person's, never from the URL

    @property
    def filters(self) -> Filters:
        return Filters(self.start, self.end, self.tiers, self.segments, self.regions, self.channels, self.scope)

    @property
    def comparison(self) -> Filters:
        current = self.filters
        return current.compared_with(self.compare)

    @property
    def comparison_label(self) -> str:
        return COMPARISONS[self.compare]


def _parse_date(text: str | None) -> date | None:
    try:
        return date.fromisoformat(text) if text else None
    except ValueError:
        return None


def view_from_params(params: Mapping[str, Sequence[str]], span: tuple[date, date],
                     options: Mapping[str, Sequence[str]]) -> View:
    """A View from URL parameters; anything unknown or malformed falls back to the default, with a notice."""
    first, last = span
    notices: list[str] = []

    def single(name: str) -> str | None:
        values = params.get(name) or []
        return values[-1] if values else None

    preset = single("period") or DEFAULT_PRESET
    if preset not in PRESETS:
        notices.append(f"Unknown period '{preset}' in the link; showing {PRESETS[DEFAULT_PRESET].lower()}.")
        preset = DEFAULT_PRESET
    start, end = preset_dates(preset, first, last)
    if preset == "custom":
        asked = _parse_date(single("from")), _parse_date(single("to"))
        if None in asked or asked[0] > asked[1]:
            notices.append("The dates in the link are not valid (from=YYYY-MM-DD&to=YYYY-MM-DD); showing all data.")
        elif asked[1] < first or asked[0] > last:  # an old link, or a tampered one: the data has moved on
            notices.append(f"The dates in the link lie outside the data ({first:%d %b %Y} to {last:%d %b %Y}); "
                           "showing all data.")
        else:
            start, end = max(asked[0], first), min(asked[1], last)
            if (start, end) != asked:
                notices.append("The dates in the link reach beyond the data; showing the days that have data.")
    compare = single("compare") or DEFAULT_COMPARISON
    if compare not in COMPARISONS:
        notices.append(f"Unknown comparison '{compare}' in the link; comparing with the previous period.")
        compare = DEFAULT_COMPARISON
    allowed = {"tier": TIER_OPTIONS, "segment": options.get("segments", ()), "region": options.get("regions", ()),
               "channel": options.get("channels", ())}
    chosen: dict[str, tuple[str, ...]] = {}
    for name, valid in allowed.items():
        values = list(dict.fromkeys(params.get(name) or []))
        unknown = [v for v in values if v not in valid]
        if unknown:
            notices.append(f"Ignored unknown {name} {', '.join(repr(v) for v in unknown)} in the link.")
        chosen[LISTS[name]] = tuple(v for v in values if v in valid)
    return View(preset, start, end, compare, notices=tuple(notices), **chosen)


def view_to_params(view: View) -> dict[str, str | list[str]]:
    """The URL parameters that reproduce a view; defaults are left out to keep links short."""
    params: dict[str, str | list[str]] = {}
    if view.preset != DEFAULT_PRESET:
        params["period"] = view.preset
    if view.preset == "custom":
        params["from"], params["to"] = view.start.isoformat(), view.end.isoformat()
    if view.compare != DEFAULT_COMPARISON:
        params["compare"] = view.compare
    for name, attribute in LISTS.items():
        if getattr(view, attribute):
            params[name] = list(getattr(view, attribute))
    return params


KEYS = {"preset": "filter_period", "dates": "filter_dates", "compare": "filter_compare", "tiers": "filter_tier",
        "segments": "filter_segment", "regions": "filter_region", "channels": "filter_channel"}


KEPT_PARAMS = ("story", "step", "present", "tab")  # a story's (components.story) and a page section's: left as they are


def _seed(params: Mapping[str, Sequence[str]], span: tuple[date, date], options: Mapping[str, Sequence[str]]) -> None:
    """The widgets' values from URL parameters: the session's first run, or a story step."""
    view = view_from_params(params, span, options)
    st.session_state.update({
        KEYS["preset"]: view.preset, KEYS["dates"]: (view.start, view.end), KEYS["compare"]: view.compare,
        KEYS["tiers"]: list(view.tiers), KEYS["segments"]: list(view.segments), KEYS["regions"]: list(view.regions),
        KEYS["channels"]: list(view.channels), "filter_notices": view.notices, "filter_seeded": True,
    })


def sidebar_filters(span: tuple[date, date], options: Mapping[str, Sequence[str]],
                    seed: tuple[str, Mapping[str, Sequence[str]]] | None = None) -> View:
    """Draw the global filters in the sidebar and return the chosen view; the URL follows every change.

    seed: (key, parameters) of a story step: its filters are applied exactly, once per key, then are the person's.
    """
    if seed and st.session_state.get("filter_seed_key") != seed[0]:
        _seed(seed[1], span, options)
        st.session_state["filter_seed_key"] = seed[0]
    elif not st.session_state.get("filter_seeded"):
        _seed({key: st.query_params.get_all(key) for key in st.query_params}, span, options)
    for key in KEYS.values():  # re-assigning keeps Streamlit from resetting the widgets on a page change
        if key in st.session_state:
            st.session_state[key] = st.session_state[key]
    first, last = span
    sidebar = st.sidebar
    sidebar.header("Filters")
    preset = sidebar.selectbox("Period", list(PRESETS), format_func=PRESETS.get, key=KEYS["preset"],
                               persist_state="session",
                               help=f"Periods end on the latest day with data ({last:%d %b %Y}).")
    if preset == "custom":
        picked = sidebar.date_input("Dates", min_value=first, max_value=last, key=KEYS["dates"],
                                    persist_state="session")
        start, end = (picked if isinstance(picked, tuple) and len(picked) == 2 else (first, last))
    else:
        start, end = preset_dates(preset, first, last)
        sidebar.caption(f"{start:%d %b %Y} – {end:%d %b %Y}")
    compare = sidebar.segmented_control("Compare with", list(COMPARISONS), format_func=COMPARISONS.get,
                                        key=KEYS["compare"], persist_state="session", required=True)
    tiers = sidebar.multiselect("Loyalty tier", TIER_OPTIONS, key=KEYS["tiers"], persist_state="session",
                                placeholder="All tiers")
    segments = sidebar.multiselect("Segment", options.get("segments", ()), key=KEYS["segments"],
                                   persist_state="session", placeholder="All segments")
    regions = sidebar.multiselect("Region", options.get("regions", ()), key=KEYS["regions"],
                                  persist_state="session", placeholder="All regions")
    channels = sidebar.multiselect("Channel", options.get("channels", ()), key=KEYS["channels"],
                                   persist_state="session", placeholder="All channels")
    for notice in st.session_state.get("filter_notices", ()):
        sidebar.warning(plain(notice), icon=":material/link_off:")  # values from a URL: shown as text
    view = View(preset, start, end, compare or DEFAULT_COMPARISON, tuple(tiers), tuple(segments), tuple(regions),
                tuple(channels))
    wanted = {**view_to_params(view), **{k: st.query_params.get_all(k) for k in KEPT_PARAMS if k in st.query_params}}
    if {k: st.query_params.get_all(k) for k in st.query_params} != {
            k: v if isinstance(v, list) else [v] for k, v in wanted.items()}:
        st.query_params.from_dict(wanted)
    return view
