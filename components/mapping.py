"""The column-mapping editor of the Data page: suggested columns a person can change, fixed values, text labels,
file layouts (components/mapping_inputs.py), and saved mappings (shipped presets or a JSON file) that fill it.

Its state lives in st.session_state (components/editor_state.py); nothing from a file is rendered as markdown.
"""

from __future__ import annotations

import pandas as pd
import streamlit as st

from components.editor_state import NOT_MAPPED, default, digest, plain, reset_editor, state_key
from components.mapping_inputs import fixed_state, fixed_values, labels_editor, lines_settings, wide_settings
from data_access.contracts import Dataset
from data_access.mapping import AUTO, Mapping, WideSurvey
from data_access.presets import presets
from data_access.readers import HEADERLESS, ROW_COLUMN, ImportRejected
from data_access.suggest import SCALES, suggest_mapping, text_labels
from data_access.validate import DATE_ORDERS, normalise_name

SUGGEST_FROM_ROWS = 5_000  # rows whose values the suggestions and the rating detection look at

NO_PRESET = "(none)"
LAYOUTS = {"rows": "One row per record", "wide": "Wide survey: one rating column per touchpoint",
           "lines": "Order lines: one row per product line"}
PRODUCED = {"wide": {"response_id", "touchpoint", "csat", "nps"}, "lines": {"amount"}}  # built by the layout
SCORES = ("nps", "csat", "ces")  # score columns whose text labels can be given values


def _layouts(contract: Dataset) -> list[str]:
    return ["rows", *(["wide"] if contract.name == "survey" else []),
            *(["lines"] if contract.name == "purchases" else [])]


def _match(columns: list[str], name: str | None) -> str | None:
    """The file's column a saved mapping names, ignoring case, spaces, underscores and dashes."""
    if not name:
        return None
    wanted = normalise_name(name)
    return next((c for c in columns if normalise_name(c) == wanted), None)


def saved_mapping_picker(dataset: str) -> tuple[tuple[str, Mapping] | None, bool]:
    """A shipped preset for this dataset, or an uploaded mapping JSON: the one chosen last, as (what it is, the
    mapping), or None; and whether the choice changed in this run."""
    try:
        shipped = {name: preset for name, preset in presets().items() if preset.dataset == dataset}
    except (ImportRejected, ValueError, KeyError) as error:  # a broken preset file must not hide the page
        st.error(plain(f"The shipped presets cannot be read ({error}); a mapping file still can."))
        shipped = {}
    left, right = st.columns(2)
    chosen = left.selectbox("Use a saved mapping: preset", [NO_PRESET, *shipped], key=f"data_preset_{dataset}",
                            format_func=lambda n: n if n == NO_PRESET else f"{n} — {shipped[n].description}",
                            disabled=not shipped,
                            help="Mappings for common exports, shipped with the app (python cli.py presets)."
                            if shipped else f"No preset is shipped for {dataset} files yet.")
    upload = right.file_uploader("…or a mapping file (JSON)", type=["json"], key="data_mapping_file",
                                 help="A mapping saved with 'Download this mapping', or one written for "
                                      "python cli.py import --mapping.")
    preset = None if chosen == NO_PRESET else chosen
    file_id = upload.file_id if upload else None
    seen = st.session_state.get("data_saved_seen", (None, None, None))
    active = seen[2]
    if file_id != seen[1]:
        active = "file" if file_id else "preset" if preset else None
    elif preset != seen[0]:
        active = "preset" if preset else "file" if file_id else None
    st.session_state["data_saved_seen"] = (preset, file_id, active)
    changed = (preset, file_id, active) != seen
    if active == "file" and upload is not None:
        try:
            return (f"The mapping file {upload.name}",
                    Mapping.from_json(upload.getvalue().decode("utf-8-sig"), upload.name)), changed
        except (ImportRejected, UnicodeDecodeError) as error:
            st.error(plain(f"The mapping file cannot be used. {error}"))
            return None, False  # the editor keeps what it holds
    if active == "preset" and preset:
        return (f"The preset {preset}", shipped[preset].mapping), changed
    return None, changed


def fill_editor(mapping: Mapping, contract: Dataset, frame: pd.DataFrame, source: str) -> list[str]:
    """Put a saved mapping into the editor's state; returns what of it does not fit these files (columns they
    lack fall back to the suggestion)."""
    reset_editor()
    columns = [c for c in frame.columns if c != ROW_COLUMN]
    notes: list[str] = []
    lacks: list[str] = []

    def column(name: str | None, what: str) -> str | None:
        found = _match(columns, name)
        if name and found is None:
            lacks.append(f"{name} ({what})")
        return found

    layout = "wide" if mapping.wide else "lines" if mapping.lines else "rows"
    if layout not in _layouts(contract):
        notes.append(f"{source} describes a {LAYOUTS[layout].lower()} layout, which {contract.name} files do not "
                     "have; it is left out.")
        layout = "rows"
    st.session_state[state_key("layout")] = layout
    names = {c.name for c in contract.columns}
    outside = sorted({t for t in (*mapping.columns.values(), *mapping.constants, *mapping.labels)
                      if t and t not in names})  # "" = a column the mapping leaves out
    if outside:
        notes.append(f"{source} names columns that are not in the {contract.name} contract: {', '.join(outside)}; "
                     "they are left out.")
    for source_column, target in mapping.columns.items():
        if not target:
            continue
        found = column(source_column, target)
        if target in names and found:
            st.session_state[state_key(f"column_{target}")] = found
    left_out = (_match(columns, s) for s, t in mapping.columns.items() if not t)
    st.session_state[state_key("ignored")] = [c for c in left_out if c]
    for target, value in mapping.constants.items():
        if target in names:
            st.session_state[state_key(f"fixed_{target}")] = fixed_state(contract.column(target), value)
    st.session_state[state_key("labels")] = {t: dict(v) for t, v in mapping.labels.items() if t in names}
    if layout == "wide":
        _fill_wide(mapping.wide, columns, column)
    if layout == "lines":
        for name, value in (("quantity", mapping.lines.quantity), ("price", mapping.lines.unit_price)):
            found = column(value, name.replace("price", "unit price"))
            if found:
                st.session_state[state_key(name)] = found
        st.session_state[state_key("cancel")] = mapping.lines.cancel_prefix or ""
    st.session_state[state_key("dates")] = mapping.date_order if mapping.date_order in DATE_ORDERS else "auto"
    st.session_state[state_key("skip")] = int(mapping.skip_rows)
    if lacks:
        notes.insert(0, f"{source} names columns these files lack: {', '.join(lacks)}. The suggested mapping is "
                        "used for those; check them below.")
    return notes


def _fill_wide(wide: WideSurvey, columns: list[str], column) -> None:
    respondent = column(wide.respondent, "respondent")
    if respondent:
        st.session_state[state_key("respondent")] = respondent
    names: dict[str, str] = {}
    if wide.touchpoints != AUTO:
        found = {column(c, "rating"): t for c, t in dict(wide.touchpoints).items()}
        names = {c: t for c, t in found.items() if c}
        st.session_state[state_key("ratings")] = list(names)
    if wide.recommend and wide.recommend != AUTO:
        recommend = column(wide.recommend, "recommend question")
        if recommend:
            st.session_state[state_key("recommend")] = recommend
            names[recommend] = wide.overall
    elif not wide.recommend:
        st.session_state[state_key("recommend")] = NOT_MAPPED
    st.session_state[state_key("overall")] = wide.overall
    if wide.scale != AUTO and wide.scale in SCALES:
        st.session_state[state_key("scale")] = wide.scale
        st.session_state[state_key("scale_given")] = True
    st.session_state[state_key("tp_names")] = names
    st.session_state[state_key("tp_stages")] = {c: wide.stages[t] for c, t in names.items() if t in wide.stages}
    if wide.overall in wide.stages:
        st.session_state[state_key("overall_stage")] = wide.stages[wide.overall]


def prepare_editor(contract: Dataset, frame: pd.DataFrame, saved: tuple[str, Mapping] | None,
                   changed: bool) -> None:
    """Start the editor afresh for new files (or another dataset), and fill it from a saved mapping when one was
    just chosen; what of the saved mapping does not fit is kept to show until the next start."""
    files = digest(contract.name, [c for c in frame.columns if c != ROW_COLUMN])
    if not changed and st.session_state.get(state_key("for")) == files:
        return
    notes = fill_editor(saved[1], contract, frame, saved[0]) if saved else []
    if not saved:
        reset_editor()
    st.session_state[state_key("for")] = files
    st.session_state[state_key("source")] = saved[0] if saved else None
    st.session_state[state_key("notes")] = notes


def saved_mapping_notes() -> None:
    """Which saved mapping filled the editor, and what of it these files lack."""
    source = st.session_state.get(state_key("source"))
    if source:
        st.info(plain(f"{source} filled the mapping below; change anything before importing."))
    for note in st.session_state.get(state_key("notes"), []):
        st.warning(plain(note))


def mapping_editor(contract: Dataset, frame: pd.DataFrame, stages: list[str]) -> tuple[Mapping, list[str]]:
    """Draw the editor for files like `frame`; returns the mapping and what still stops an import."""
    columns = [c for c in frame.columns if c != ROW_COLUMN]
    skip = int(st.session_state.get(state_key("skip"), 0) or 0)
    if skip:  # suggestions and detection judge the answers only, as the import will read them
        st.caption(f"The {skip} row{'s' if skip > 1 else ''} under each file's header {'are' if skip > 1 else 'is'} "
                   "skipped: not answers (see 'Dates and skipped rows').")
        frame = frame[frame[ROW_COLUMN] >= (1 if frame.attrs.get(HEADERLESS) else 2) + skip]
    frame = frame.head(SUGGEST_FROM_ROWS)  # suggestions judge a sample on every rerun; the import checks every row
    ignored = [c for c in st.session_state.get(state_key("ignored"), []) if c in columns]
    if ignored:
        st.caption(plain(f"Left out by the saved mapping (never ratings): {', '.join(ignored)}."))
    layouts = _layouts(contract)
    layout = st.radio("Layout", layouts, format_func=LAYOUTS.get, horizontal=True,
                      key=default("layout", "rows", layouts)) if len(layouts) > 1 else "rows"
    produced = PRODUCED.get(layout, set())
    suggested = {target: source for source, target in suggest_mapping(columns, contract, frame).items()}
    options = [NOT_MAPPED, *columns]
    chosen: dict[str, str] = {}
    st.markdown("**Columns**")
    grid = st.columns(3)
    for i, column in enumerate(c for c in contract.columns if c.name not in produced):
        key = default(f"column_{column.name}", suggested.get(column.name, NOT_MAPPED), options)
        choice = grid[i % 3].selectbox(column.name + (" *" if column.required else ""), options, key=key,
                                       help=column.description)
        if choice != NOT_MAPPED:
            chosen[column.name] = choice
    renames: dict[str, str] = {}
    problems = []
    for target, source in chosen.items():
        if source in renames:
            problems.append(f"The column {plain(source)} is chosen for both {renames[source]} and {target}; a file "
                            "column fills one contract column.")
        renames.setdefault(source, target)
    labels: dict[str, tuple[list[str], int, int]] = {}
    wide = lines = None
    if layout == "wide":
        st.markdown("**Wide survey**")
        wide, labels = wide_settings(frame, columns, {*renames, *ignored}, stages)
        if not wide.touchpoints and not wide.recommend:
            problems.append("Choose the touchpoint rating columns (or a recommend question) of the wide survey.")
    if layout == "lines":
        st.markdown("**Order lines**")
        lines = lines_settings(columns)
    for target in SCORES:
        source = next((s for s, t in renames.items() if t == target), None)
        if source is not None:
            column = contract.column(target)
            labels[target] = (text_labels(frame[source]), int(column.minimum), int(column.maximum))
    chosen_labels = {target: labels_editor(target, found, low, high)
                     for target, (found, low, high) in labels.items() if found}
    chosen_labels = {target: table for target, table in chosen_labels.items() if table}
    lacking = [c for c in contract.columns if c.name not in produced and c.name not in renames.values()
               and c.name not in (*contract.key, contract.text_column, *SCORES)]  # one value for all: never these
    constants = fixed_values(contract, lacking)
    with st.expander("Dates and skipped rows"):
        date_order = st.segmented_control(
            "Dates like 01/02/2025 are", DATE_ORDERS, required=True, key=default("dates", "auto", list(DATE_ORDERS)),
            format_func={"auto": "decided by the file", "day-first": "day first (1 Feb)",
                         "month-first": "month first (Jan 2)"}.get)
        skip = st.number_input("Rows under the header that are not answers", min_value=0, max_value=100, step=1,
                               key=default("skip", 0),
                               help="Some survey tools write the question texts or import ids under the header.")
    mapping = Mapping({**renames, **{c: "" for c in ignored if c not in renames}}, wide, lines, date_order or "auto",
                      constants, chosen_labels, int(skip))
    missing = [c for c in contract.required if c not in renames.values() and c not in produced
               and c not in constants]
    if missing:
        problems.insert(0, f"Map the required column(s) {', '.join(missing)} before importing, or give them a "
                           "fixed value.")
    return mapping, problems
