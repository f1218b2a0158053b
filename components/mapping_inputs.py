"""The Data page editor's inputs: fixed values for columns the files lack, text labels as scores, the wide-survey
settings (respondent, ratings, scale, touchpoint names and stages) and the order-lines columns."""

from __future__ import annotations

from datetime import date
from typing import Any

import pandas as pd
import streamlit as st

from components.editor_state import NOT_MAPPED, default, digest, state_key
from data_access.contracts import Column, Dataset
from data_access.loaders import UNPLACED_STAGE
from data_access.mapping import AUTO, OrderLines, WideSurvey, resolve_wide
from data_access.suggest import SCALES, infer_scale, suggest_respondent, text_labels
from data_access.validate import normalise_name

NEW_STAGE = "New stage…"
UNPLACED = ""  # the stage choice that leaves new touchpoints to UNPLACED_STAGE
OVERALL = "Overall experience"
QUANTITY_NAMES = ("quantity", "qty", "units", "amount")
PRICE_NAMES = ("unitprice", "price", "priceeach", "itemprice")


def guess(columns: list[str], names: tuple[str, ...]) -> str:
    by_name = {normalise_name(c): c for c in columns}
    return next((by_name[n] for n in names if n in by_name), columns[0])


def fixed_state(column: Column, value: str) -> Any:
    """A fixed value as its input widget holds it (a date for dates)."""
    if column.kind in {"date", "datetime"}:
        parsed = pd.to_datetime(value, errors="coerce")
        return None if pd.isna(parsed) else parsed.date()
    if column.kind in {"int", "float"}:
        number = pd.to_numeric(value, errors="coerce")
        return None if pd.isna(number) else (int(number) if column.kind == "int" else float(number))
    return value


def _fixed_input(column: Column, container) -> str | None:
    """One input for a column's fixed value; returns the value as the loader takes it, or None."""
    label = f"Every row's {column.name}" + (" *" if column.required else "")
    key = state_key(f"fixed_{column.name}")
    if column.kind in {"date", "datetime"}:
        value = container.date_input(label, value=None, key=key, format="YYYY-MM-DD", help=column.description)
        return value.isoformat() if isinstance(value, date) else None
    if column.allowed or column.kind == "bool":
        options = ["", *(column.allowed or ("true", "false"))]
        key = default(f"fixed_{column.name}", "", options)
        return container.selectbox(label, options, key=key, help=column.description,
                                   format_func=lambda v: v or "(none)") or None
    if column.kind in {"int", "float"}:
        whole = column.kind == "int"
        value = container.number_input(label, value=None, key=key, help=column.description,
                                       min_value=int(column.minimum) if whole else column.minimum,
                                       max_value=int(column.maximum) if whole else column.maximum,
                                       step=1 if whole else None)
        return None if value is None else str(int(value) if whole else value)
    key = default(f"fixed_{column.name}", "")
    return container.text_input(label, key=key, help=column.description).strip() or None


def fixed_values(contract: Dataset, lacking: list[Column]) -> dict[str, str]:
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


def labels_editor(target: str, labels: list[str], low: int, high: int) -> dict[str, str]:
    """A small table label → value for a score column holding text labels (e.g. 'satisfied'); returns the
    labels given a value ('' for no answer), the saved mapping's labels for other files included."""
    stored = st.session_state.setdefault(state_key("labels"), {}).setdefault(target, {})
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
                            key=state_key(f"labels_{target}_{digest(labels)}"),
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


def wide_settings(frame: pd.DataFrame, columns: list[str], mapped: set[str],
                  stages: list[str]) -> tuple[WideSurvey, dict]:
    """The wide-survey settings; returns the layout and the text labels of its ratings and recommend question."""
    left, right = st.columns(2)
    key = default("respondent", suggest_respondent(frame), columns)
    respondent = left.selectbox("Respondent id column", columns, key=key,
                                help="Each answer is stored as the response respondent:touchpoint. The suggestion "
                                     "is a column of unique ids, never the row number a spreadsheet wrote.")
    candidates = [c for c in columns if c != respondent and c not in mapped]
    detected = resolve_wide(frame, WideSurvey(respondent, AUTO, AUTO, AUTO), mapped)
    recommend_options = [NOT_MAPPED, *candidates]
    key = default("recommend", detected.recommend or NOT_MAPPED, recommend_options)
    recommend = right.selectbox("0-10 'recommend' question (stored as NPS)", recommend_options, key=key)
    recommend = None if recommend == NOT_MAPPED else recommend
    automatic = [c for c in detected.touchpoints if c != recommend]
    if st.button("Detect rating columns", key=state_key("detect"),
                 help="Every column of whole numbers from 0 to 10 that no other setting uses."):
        st.session_state[state_key("ratings")] = automatic
    ratings_options = [c for c in candidates if c != recommend]
    key = default("ratings", automatic)
    st.session_state[key] = [c for c in st.session_state[key] if c in ratings_options]
    ratings = st.multiselect("Touchpoint rating columns", ratings_options, key=key,
                             help="Preselected: the columns whose values are whole numbers from 0 to 10.")
    found = infer_scale(_values(frame, ratings))
    if st.session_state.get(state_key("scale_for")) != ratings:
        if not st.session_state.pop(state_key("scale_given"), False):
            st.session_state[state_key("scale")] = found or "1-5"
        st.session_state[state_key("scale_for")] = ratings
    scale = st.segmented_control("Rating scale", list(SCALES), required=True, key=default("scale", "1-5"),
                                 help="1-5 ratings are CSAT as they are; on 0-5, 0 means not applicable and stores "
                                      "nothing; 1-7, 1-10 and 0-10 are stretched onto 1-5.")
    _scale_note(_values(frame, ratings), scale or "1-5")
    stage_options = [UNPLACED, *stages, NEW_STAGE]
    left, right = st.columns(2)
    stage = left.selectbox("Journey stage for new touchpoints", stage_options,
                           key=default("stage", UNPLACED, stage_options),
                           format_func=lambda s: f"{UNPLACED_STAGE} (until a touchpoints file places them)"
                           if s == UNPLACED else s,
                           help="Touchpoints the journey already has keep their stage.")
    if stage == UNPLACED:
        stage = ""
    if stage == NEW_STAGE:
        stage = right.text_input("Name of the new stage", key=default("new_stage", "")).strip()
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
    names = st.session_state.setdefault(state_key("tp_names"), {})
    stages = st.session_state.setdefault(state_key("tp_stages"), {})
    overall_stage = st.session_state.get(state_key("overall_stage"))
    if recommend and recommend not in names:
        names[recommend] = st.session_state.get(state_key("overall"), OVERALL)
    shown = {c: names.get(c, str(c).strip()) for c in rows}
    shown_stages = {c: stages.get(c, overall_stage if c == recommend and overall_stage else stage) for c in rows}
    if not rows:
        return {}, {}
    data = pd.DataFrame({"column": rows, "touchpoint": [shown[c] for c in rows],
                         "stage": [shown_stages[c] for c in rows]})
    edited = st.data_editor(data, hide_index=True, disabled=["column"], key=state_key(f"names_{digest(rows, stage)}"),
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


def lines_settings(columns: list[str]) -> OrderLines:
    quantity, price, prefix = st.columns(3)
    return OrderLines(
        quantity.selectbox("Quantity column", columns, key=default("quantity", guess(columns, QUANTITY_NAMES),
                                                                     columns)),
        price.selectbox("Unit price column", columns, key=default("price", guess(columns, PRICE_NAMES), columns)),
        prefix.text_input("Cancelled orders' id starts with", key=default("cancel", "C")).strip() or None)
