"""The column-mapping editor of the Data page: suggested columns a person can change, fixed values, text labels,
file layouts, and saved mappings (shipped presets or a JSON file) that fill it.

The editor keeps its state in st.session_state under keys starting with PREFIX: a widget's value is put there
before the widget is drawn (its default, or what a saved mapping says), so a saved mapping can fill the editor
and a new file can reset it. Nothing from a file is ever rendered as markdown: see `plain`.
"""

from __future__ import annotations

import hashlib
import re
from datetime import date
from typing import Any

import pandas as pd
import streamlit as st

from data_access.contracts import Column, Dataset
from data_access.loaders import UNPLACED_STAGE
from data_access.mapping import AUTO, Mapping, OrderLines, WideSurvey, resolve_wide
from data_access.presets import presets
from data_access.readers import HEADERLESS, ROW_COLUMN, ImportRejected
from data_access.suggest import SCALES, infer_scale, suggest_mapping, suggest_respondent, text_labels
from data_access.validate import DATE_ORDERS, normalise_name

PREFIX = "data_map"  # every key of the editor's state starts with this; clearing them resets the editor
NOT_MAPPED = "(not mapped)"
NO_PRESET = "(none)"
NEW_STAGE = "New stage…"
UNPLACED = ""  # the stage choice that leaves new touchpoints to UNPLACED_STAGE
OVERALL = "Overall experience"
LAYOUTS = {"rows": "One row per record", "wide": "Wide survey: one rating column per touchpoint",
           "lines": "Order lines: one row per product line"}
PRODUCED = {"wide": {"response_id", "touchpoint", "csat", "nps"}, "lines": {"amount"}}  # built by the layout
SCORES = ("nps", "csat", "ces")  # score columns whose text labels can be given values
QUANTITY_NAMES = ("quantity", "qty", "units", "amount")
PRICE_NAMES = ("unitprice", "price", "priceeach", "itemprice")
MARKDOWN = re.compile(r"([\\`*_\[\]<>#|~$])")


def plain(text: object) -> str:
    """Text from a file (names, values, messages about them) made safe for st.error/st.info/st.success, which
    render markdown: markdown characters are escaped, so the text shows as the characters it is."""
    escaped = MARKDOWN.sub(r"\\\1", str(text))
    return re.sub(r"(?m)^(\s*)([-+]|\d+\.)", lambda m: m.group(1) + "\\" + m.group(2), escaped)


def _key(name: str) -> str:
    return f"{PREFIX}_{name}"


def _digest(*parts: Any) -> str:
    return hashlib.sha1(repr(parts).encode()).hexdigest()[:10]


def _default(name: str, value: Any, options: list | None = None) -> str:
    """The widget's key, its state set to value unless the state already holds a usable value."""
    key = _key(name)
    held = st.session_state.get(key)
    if key not in st.session_state or (options is not None and held not in options):
        st.session_state[key] = value
    return key


def reset_editor() -> None:
    """Forget every setting of the editor, so the next draw starts from the suggestions."""
    for key in [k for k in st.session_state if str(k).startswith(PREFIX + "_")]:
        del st.session_state[key]


def _layouts(contract: Dataset) -> list[str]:
    return ["rows", *(["wide"] if contract.name == "survey" else []),
            *(["lines"] if contract.name == "purchases" else [])]


def _match(columns: list[str], name: str | None) -> str | None:
    """The file's column a saved mapping names, ignoring case, spaces, underscores and dashes."""
    if not name:
        return None
    wanted = normalise_name(name)
    return next((c for c in columns if normalise_name(c) == wanted), None)


def _guess(columns: list[str], names: tuple[str, ...]) -> str:
    by_name = {normalise_name(c): c for c in columns}
    return next((by_name[n] for n in names if n in by_name), columns[0])


# --- saved mappings -------------------------------------------------------------------------------------------


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


def _fixed_state(column: Column, value: str) -> Any:
    """A fixed value as its input widget holds it (a date for dates)."""
    if column.kind in {"date", "datetime"}:
        parsed = pd.to_datetime(value, errors="coerce")
        return None if pd.isna(parsed) else parsed.date()
    if column.kind in {"int", "float"}:
        number = pd.to_numeric(value, errors="coerce")
        return None if pd.isna(number) else (int(number) if column.kind == "int" else float(number))
    return value


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
    st.session_state[_key("layout")] = layout
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
            st.session_state[_key(f"column_{target}")] = found
    st.session_state[_key("ignored")] = [c for c in (_match(columns, s) for s, t in mapping.columns.items() if not t)
                                         if c]
    for target, value in mapping.constants.items():
        if target in names:
            st.session_state[_key(f"fixed_{target}")] = _fixed_state(contract.column(target), value)
    st.session_state[_key("labels")] = {t: dict(v) for t, v in mapping.labels.items() if t in names}
    if layout == "wide":
        _fill_wide(mapping.wide, columns, column)
    if layout == "lines":
        for name, value in (("quantity", mapping.lines.quantity), ("price", mapping.lines.unit_price)):
            found = column(value, name.replace("price", "unit price"))
            if found:
                st.session_state[_key(name)] = found
        st.session_state[_key("cancel")] = mapping.lines.cancel_prefix or ""
    st.session_state[_key("dates")] = mapping.date_order if mapping.date_order in DATE_ORDERS else "auto"
    st.session_state[_key("skip")] = int(mapping.skip_rows)
    if lacks:
        notes.insert(0, f"{source} names columns these files lack: {', '.join(lacks)}. The suggested mapping is "
                        "used for those; check them below.")
    return notes


def _fill_wide(wide: WideSurvey, columns: list[str], column) -> None:
    respondent = column(wide.respondent, "respondent")
    if respondent:
        st.session_state[_key("respondent")] = respondent
    names: dict[str, str] = {}
    if wide.touchpoints != AUTO:
        found = {column(c, "rating"): t for c, t in dict(wide.touchpoints).items()}
        names = {c: t for c, t in found.items() if c}
        st.session_state[_key("ratings")] = list(names)
    if wide.recommend and wide.recommend != AUTO:
        recommend = column(wide.recommend, "recommend question")
        if recommend:
            st.session_state[_key("recommend")] = recommend
            names[recommend] = wide.overall
    elif not wide.recommend:
        st.session_state[_key("recommend")] = NOT_MAPPED
    st.session_state[_key("overall")] = wide.overall
    if wide.scale != AUTO and wide.scale in SCALES:
        st.session_state[_key("scale")] = wide.scale
        st.session_state[_key("scale_given")] = True
    st.session_state[_key("tp_names")] = names
    st.session_state[_key("tp_stages")] = {c: wide.stages[t] for c, t in names.items() if t in wide.stages}
    if wide.overall in wide.stages:
        st.session_state[_key("overall_stage")] = wide.stages[wide.overall]


# --- the editor -----------------------------------------------------------------------------------------------


def _fixed_input(column: Column, container) -> str | None:
    """One input for a column's fixed value; returns the value as the loader takes it, or None."""
    label = f"Every row's {column.name}" + (" *" if column.required else "")
    key = _key(f"fixed_{column.name}")
    if column.kind in {"date", "datetime"}:
        value = container.date_input(label, value=None, key=key, format="YYYY-MM-DD", help=column.description)
        return value.isoformat() if isinstance(value, date) else None
    if column.allowed or column.kind == "bool":
        options = ["", *(column.allowed or ("true", "false"))]
        key = _default(f"fixed_{column.name}", "", options)
        return container.selectbox(label, options, key=key, help=column.description,
                                   format_func=lambda v: v or "(none)") or None
    if column.kind in {"int", "float"}:
        whole = column.kind == "int"
        value = container.number_input(label, value=None, key=key, help=column.description,
                                       min_value=int(column.minimum) if whole else column.minimum,
                                       max_value=int(column.maximum) if whole else column.maximum,
                                       step=1 if whole else None)
        return None if value is None else str(int(value) if whole else value)
    key = _default(f"fixed_{column.name}", "")
    return container.text_input(label, key=key, help=column.description).strip() or None


def _fixed_values(contract: Dataset, lacking: list[Column]) -> dict[str, str]:
    """Fixed values for the contract columns the mapping leaves without a file column."""
    if not lacking:
        return {}
    st.markdown("**Fixed values** for columns these files lack")
    st.caption("One value for every row: e.g. the date of an undated survey wave, or the channel of a file from "
               "one channel. A required column with a fixed value is no longer missing.")
    grid = st.columns(3)
    constants = {}
    for i, column in enumerate(sorted(lacking, key=lambda c: not c.required)):
        value = _fixed_input(column, grid[i % 3])
        if value is not None:
            constants[column.name] = value
    return constants


LABEL_GUESSES = {"csat": {"very dissatisfied": 1, "dissatisfied": 2, "neutral": 3, "satisfied": 4,
                          "very satisfied": 5},
                 "ces": {"very difficult": 1, "difficult": 2, "neutral": 4, "easy": 6, "very easy": 7}}


NO_ANSWER = "no answer"


def _labels_editor(target: str, labels: list[str], low: int, high: int) -> dict[str, str]:
    """A small table label → value for a score column holding text labels (e.g. 'satisfied'); returns the
    labels given a value ('' for no answer), the saved mapping's labels for other files included."""
    stored = st.session_state.setdefault(_key("labels"), {}).setdefault(target, {})
    known = {k.strip().casefold(): v for k, v in stored.items()}
    guesses = LABEL_GUESSES.get(target, {})
    options = [NO_ANSWER, *(str(v) for v in range(low, high + 1))]

    def shown(label: str) -> str | None:
        value = known.get(label.casefold(), guesses.get(label.casefold()))
        if value is None:
            return None
        return NO_ANSWER if str(value).strip() == "" else str(value) if str(value) in options else None

    data = pd.DataFrame({"label": labels, "value": pd.Series([shown(label) for label in labels], dtype=object)})
    st.markdown(f"**Text labels in the {target} column**")
    st.caption(f"Give each label its {target} value ({low}-{high}) or 'no answer'; rows with a label left empty "
               "are rejected as not a number.")
    edited = st.data_editor(data, hide_index=True, disabled=["label"], width=640,
                            key=_key(f"labels_{target}_{_digest(labels)}"),
                            column_config={"label": "Label in the file",
                                           "value": st.column_config.SelectboxColumn(f"{target} value",
                                                                                     options=options)})
    for label, value in zip(edited["label"], edited["value"], strict=True):
        stored.pop(next((k for k in stored if k.strip().casefold() == label.casefold()), label), None)
        if isinstance(value, str) and value:
            stored[label] = "" if value == NO_ANSWER else value
    return dict(stored)


def _values(frame: pd.DataFrame, columns: list[str]) -> pd.Series:
    return pd.concat([frame[c] for c in columns if c in frame] or [pd.Series(dtype="string")], ignore_index=True)


def _wide(frame: pd.DataFrame, columns: list[str], mapped: set[str], stages: list[str]) -> tuple[WideSurvey, dict]:
    """The wide-survey settings; returns the layout and the text labels of its ratings and recommend question."""
    left, right = st.columns(2)
    key = _default("respondent", suggest_respondent(frame), columns)
    respondent = left.selectbox("Respondent id column", columns, key=key,
                                help="Each answer is stored as the response respondent:touchpoint. The suggestion "
                                     "is a column of unique ids, never the row number a spreadsheet wrote.")
    candidates = [c for c in columns if c != respondent and c not in mapped]
    detected = resolve_wide(frame, WideSurvey(respondent, AUTO, AUTO, AUTO), mapped)
    recommend_options = [NOT_MAPPED, *candidates]
    key = _default("recommend", detected.recommend or NOT_MAPPED, recommend_options)
    recommend = right.selectbox("0-10 'recommend' question (stored as NPS)", recommend_options, key=key)
    recommend = None if recommend == NOT_MAPPED else recommend
    automatic = [c for c in detected.touchpoints if c != recommend]
    if st.button("Detect rating columns", key=_key("detect"),
                 help="Every column of whole numbers from 0 to 10 that no other setting uses."):
        st.session_state[_key("ratings")] = automatic
    ratings_options = [c for c in candidates if c != recommend]
    key = _default("ratings", automatic)
    st.session_state[key] = [c for c in st.session_state[key] if c in ratings_options]
    ratings = st.multiselect("Touchpoint rating columns", ratings_options, key=key,
                             help="Preselected: the columns whose values are whole numbers from 0 to 10.")
    found = infer_scale(_values(frame, ratings))
    if st.session_state.get(_key("scale_for")) != ratings:
        if not st.session_state.pop(_key("scale_given"), False):
            st.session_state[_key("scale")] = found or "1-5"
        st.session_state[_key("scale_for")] = ratings
    scale = st.segmented_control("Rating scale", list(SCALES), required=True, key=_default("scale", "1-5"),
                                 help="1-5 ratings are CSAT as they are; on 0-5, 0 means not applicable and stores "
                                      "nothing; 1-7, 1-10 and 0-10 are stretched onto 1-5.")
    _scale_note(_values(frame, ratings), scale or "1-5")
    stage_options = [UNPLACED, *stages, NEW_STAGE]
    left, right = st.columns(2)
    stage = left.selectbox("Journey stage for new touchpoints", stage_options,
                           key=_default("stage", UNPLACED, stage_options),
                           format_func=lambda s: f"{UNPLACED_STAGE} (until a touchpoints file places them)"
                           if s == UNPLACED else s,
                           help="Touchpoints the journey already has keep their stage.")
    if stage == UNPLACED:
        stage = ""
    if stage == NEW_STAGE:
        stage = right.text_input("Name of the new stage", key=_default("new_stage", "")).strip()
        if not stage:
            right.caption(f"Left empty, new touchpoints join the stage '{UNPLACED_STAGE}'.")
    names, stage_of = _touchpoint_table(ratings, recommend, stage)
    overall = names.get(recommend, OVERALL) if recommend else OVERALL
    by_touchpoint = {names[c]: stage_of[c] for c in [*ratings, *([recommend] if recommend else [])] if stage_of[c]}
    wide = WideSurvey(respondent, {c: names[c] for c in ratings}, scale or "1-5", recommend, overall, by_touchpoint)
    high = SCALES[scale or "1-5"][1]
    labels = {"csat": (text_labels(_values(frame, ratings)), 0, high),
              "nps": (text_labels(frame[recommend]) if recommend else [], 0, 10)}
    return wide, labels


def _scale_note(values: pd.Series, scale: str) -> None:
    """What the chosen rating columns hold, and a warning when the scale does not cover it."""
    text = values.astype("string").str.strip()
    numbers = pd.to_numeric(text[text.notna() & (text != "")], errors="coerce").dropna()
    if numbers.empty:
        return
    low, high, not_applicable = SCALES[scale]
    lowest, highest = float(numbers.min()), float(numbers.max())
    if lowest < low or highest > high:
        st.warning(f"These columns hold ratings from {lowest:g} to {highest:g}, outside the {scale} scale: those "
                   "ratings would be rejected. Pick the scale the survey used.")
    else:
        zero = f" ({not_applicable:g} = not applicable, nothing stored)" if not_applicable is not None else ""
        st.caption(f"Ratings found in these columns: {lowest:g} to {highest:g}; read on the {scale} scale{zero}.")


def _touchpoint_table(ratings: list[str], recommend: str | None, stage: str) -> tuple[dict, dict]:
    """Touchpoint name and journey stage per rating column (and the recommend question), editable."""
    rows = [*ratings, *([recommend] if recommend else [])]
    names = st.session_state.setdefault(_key("tp_names"), {})
    stages = st.session_state.setdefault(_key("tp_stages"), {})
    overall_stage = st.session_state.get(_key("overall_stage"))
    if recommend and recommend not in names:
        names[recommend] = st.session_state.get(_key("overall"), OVERALL)
    shown = {c: names.get(c, str(c).strip()) for c in rows}
    shown_stages = {c: stages.get(c, overall_stage if c == recommend and overall_stage else stage) for c in rows}
    if not rows:
        return {}, {}
    data = pd.DataFrame({"column": rows, "touchpoint": [shown[c] for c in rows],
                         "stage": [shown_stages[c] for c in rows]})
    edited = st.data_editor(data, hide_index=True, disabled=["column"], key=_key(f"names_{_digest(rows, stage)}"),
                            column_config={"column": "Column in the file", "touchpoint": "Touchpoint name",
                                           "stage": "Journey stage"})
    for column, name, chosen in zip(edited["column"], edited["touchpoint"], edited["stage"], strict=True):
        name = str(name).strip() if pd.notna(name) and str(name).strip() else str(column).strip()
        chosen = str(chosen).strip() if pd.notna(chosen) else ""
        if name != shown[column]:
            names[column] = name
        if chosen != shown_stages[column]:
            stages[column] = chosen
        shown[column], shown_stages[column] = name, chosen
    return shown, shown_stages


def _lines(columns: list[str]) -> OrderLines:
    quantity, price, prefix = st.columns(3)
    return OrderLines(
        quantity.selectbox("Quantity column", columns, key=_default("quantity", _guess(columns, QUANTITY_NAMES),
                                                                     columns)),
        price.selectbox("Unit price column", columns, key=_default("price", _guess(columns, PRICE_NAMES), columns)),
        prefix.text_input("Cancelled orders' id starts with", key=_default("cancel", "C")).strip() or None)


def prepare_editor(contract: Dataset, frame: pd.DataFrame, saved: tuple[str, Mapping] | None,
                   changed: bool) -> None:
    """Start the editor afresh for new files (or another dataset), and fill it from a saved mapping when one was
    just chosen; what of the saved mapping does not fit is kept to show until the next start."""
    files = _digest(contract.name, [c for c in frame.columns if c != ROW_COLUMN])
    if not changed and st.session_state.get(_key("for")) == files:
        return
    notes = fill_editor(saved[1], contract, frame, saved[0]) if saved else []
    if not saved:
        reset_editor()
    st.session_state[_key("for")] = files
    st.session_state[_key("source")] = saved[0] if saved else None
    st.session_state[_key("notes")] = notes


def saved_mapping_notes() -> None:
    """Which saved mapping filled the editor, and what of it these files lack."""
    source = st.session_state.get(_key("source"))
    if source:
        st.info(plain(f"{source} filled the mapping below; change anything before importing."))
    for note in st.session_state.get(_key("notes"), []):
        st.warning(plain(note))


def mapping_editor(contract: Dataset, frame: pd.DataFrame, stages: list[str]) -> tuple[Mapping, list[str]]:
    """Draw the editor for files like `frame`; returns the mapping and what still stops an import."""
    columns = [c for c in frame.columns if c != ROW_COLUMN]
    skip = int(st.session_state.get(_key("skip"), 0) or 0)
    if skip:  # suggestions and detection judge the answers only, as the import will read them
        st.caption(f"The {skip} row{'s' if skip > 1 else ''} under each file's header {'are' if skip > 1 else 'is'} "
                   "skipped: not answers (see 'Dates and skipped rows').")
        frame = frame[frame[ROW_COLUMN] >= (1 if frame.attrs.get(HEADERLESS) else 2) + skip]
    ignored = [c for c in st.session_state.get(_key("ignored"), []) if c in columns]
    if ignored:
        st.caption(plain(f"Left out by the saved mapping (never ratings): {', '.join(ignored)}."))
    layouts = _layouts(contract)
    layout = st.radio("Layout", layouts, format_func=LAYOUTS.get, horizontal=True,
                      key=_default("layout", "rows", layouts)) if len(layouts) > 1 else "rows"
    produced = PRODUCED.get(layout, set())
    suggested = {target: source for source, target in suggest_mapping(columns, contract, frame).items()}
    options = [NOT_MAPPED, *columns]
    chosen: dict[str, str] = {}
    st.markdown("**Columns**")
    grid = st.columns(3)
    for i, column in enumerate(c for c in contract.columns if c.name not in produced):
        key = _default(f"column_{column.name}", suggested.get(column.name, NOT_MAPPED), options)
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
        wide, labels = _wide(frame, columns, {*renames, *ignored}, stages)
        if not wide.touchpoints and not wide.recommend:
            problems.append("Choose the touchpoint rating columns (or a recommend question) of the wide survey.")
    if layout == "lines":
        st.markdown("**Order lines**")
        lines = _lines(columns)
    for target in SCORES:
        source = next((s for s, t in renames.items() if t == target), None)
        if source is not None:
            column = contract.column(target)
            labels[target] = (text_labels(frame[source]), int(column.minimum), int(column.maximum))
    chosen_labels = {target: _labels_editor(target, found, low, high)
                     for target, (found, low, high) in labels.items() if found}
    chosen_labels = {target: table for target, table in chosen_labels.items() if table}
    lacking = [c for c in contract.columns if c.name not in produced and c.name not in renames.values()
               and c.name not in (*contract.key, contract.text_column, *SCORES)]  # one value for all: never these
    constants = _fixed_values(contract, lacking)
    with st.expander("Dates and skipped rows"):
        date_order = st.segmented_control(
            "Dates like 01/02/2025 are", DATE_ORDERS, required=True, key=_default("dates", "auto", list(DATE_ORDERS)),
            format_func={"auto": "decided by the file", "day-first": "day first (1 Feb)",
                         "month-first": "month first (Jan 2)"}.get)
        skip = st.number_input("Rows under the header that are not answers", min_value=0, max_value=100, step=1,
                               key=_default("skip", 0),
                               help="Some survey tools write the question texts or import ids under the header.")
    mapping = Mapping({**renames, **{c: "" for c in ignored if c not in renames}}, wide, lines, date_order or "auto",
                      constants, chosen_labels, int(skip))
    missing = [c for c in contract.required if c not in renames.values() and c not in produced
               and c not in constants]
    if missing:
        problems.insert(0, f"Map the required column(s) {', '.join(missing)} before importing, or give them a "
                           "fixed value.")
    return mapping, problems
