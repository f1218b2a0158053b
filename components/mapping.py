"""The column-mapping editor of the Data page: suggested columns a person can change, and file layouts."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from data_access.contracts import Dataset
from data_access.mapping import Mapping, OrderLines, WideSurvey
from data_access.suggest import SCALES, suggest_mapping
from data_access.validate import DATE_ORDERS

NOT_MAPPED = "(not mapped)"
LAYOUTS = {"rows": "One row per record", "wide": "Wide survey: one rating column per touchpoint",
           "lines": "Order lines: one row per product line"}
PRODUCED = {"wide": {"response_id", "touchpoint", "csat", "nps"}, "lines": {"amount"}}  # built by the layout


def _layouts(contract: Dataset) -> list[str]:
    return ["rows", *(["wide"] if contract.name == "survey" else []),
            *(["lines"] if contract.name == "purchases" else [])]


def _wide(columns: list[str], stages: list[str], key: str) -> WideSurvey:
    left, right = st.columns(2)
    respondent = left.selectbox("Respondent id column", columns, key=f"{key}_respondent",
                                help="Each response is stored as respondent:touchpoint.")
    scale = right.segmented_control("Rating scale", list(SCALES), default="1-5", required=True,
                                    key=f"{key}_scale", help="1-5 ratings are CSAT; on 0-5, 0 = not applicable.")
    ratings = st.multiselect("Touchpoint rating columns", [c for c in columns if c != respondent],
                             key=f"{key}_ratings")
    recommend = left.selectbox("0-10 'recommend' question (stored as NPS)", [NOT_MAPPED, *columns],
                               key=f"{key}_recommend")
    stage = right.selectbox("Journey stage for new touchpoints", [*stages, "New stage…"], key=f"{key}_stage")
    if stage == "New stage…":
        stage = right.text_input("Name of the new stage", key=f"{key}_new_stage") or ""
    overall = left.text_input("Touchpoint name for the recommend question", "Overall experience",
                              key=f"{key}_overall")
    names = st.data_editor(pd.DataFrame({"column": ratings, "touchpoint": ratings, "stage": stage}),
                           hide_index=True, disabled=["column"], key=f"{key}_names",
                           column_config={"touchpoint": "Touchpoint name", "stage": "Journey stage"})
    touchpoints = dict(zip(names["column"], names["touchpoint"], strict=True))
    stages_by_touchpoint = dict(zip(names["touchpoint"], names["stage"], strict=True))
    if recommend != NOT_MAPPED:
        stages_by_touchpoint[overall] = stage
    return WideSurvey(respondent, touchpoints, scale, None if recommend == NOT_MAPPED else recommend, overall,
                      {t: s for t, s in stages_by_touchpoint.items() if s})


def _lines(columns: list[str], key: str) -> OrderLines:
    quantity, price, prefix = st.columns(3)
    return OrderLines(quantity.selectbox("Quantity column", columns, key=f"{key}_quantity"),
                      price.selectbox("Unit price column", columns, key=f"{key}_price"),
                      prefix.text_input("Cancelled orders' id starts with", "C", key=f"{key}_cancel") or None)


def mapping_editor(contract: Dataset, columns: list[str], stages: list[str], key: str) -> tuple[Mapping, list[str]]:
    """Draw the editor; returns the mapping and the required contract columns still unmapped."""
    layouts = _layouts(contract)
    layout = st.radio("Layout", layouts, format_func=LAYOUTS.get, horizontal=True, key=f"{key}_layout") \
        if len(layouts) > 1 else "rows"
    produced = PRODUCED.get(layout, set())
    suggested = {target: source for source, target in suggest_mapping(columns, contract).items()}
    renames: dict[str, str] = {}
    grid = st.columns(3)
    for i, column in enumerate(c for c in contract.columns if c.name not in produced):
        options = [NOT_MAPPED, *columns]
        choice = grid[i % 3].selectbox(column.name + (" *" if column.required else ""), options,
                                       index=options.index(suggested.get(column.name, NOT_MAPPED)),
                                       key=f"{key}_column_{column.name}", help=column.description)
        if choice != NOT_MAPPED:
            renames[choice] = column.name
    wide = _wide(columns, stages, key) if layout == "wide" else None
    lines = _lines(columns, key) if layout == "lines" else None
    date_order = st.segmented_control("Dates like 01/02/2025 are", DATE_ORDERS, default="auto", required=True,
                                      key=f"{key}_dates", format_func={"auto": "decided by the file",
                                                                       "day-first": "day first (1 Feb)",
                                                                       "month-first": "month first (Jan 2)"}.get)
    missing = [c for c in contract.required if c not in renames.values() and c not in produced]
    return Mapping(renames, wide, lines, date_order), missing
