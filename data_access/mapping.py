"""How a customer's file maps onto the contract: column names, fixed values, text labels, wide survey layouts
and order lines.

A mapping is saved as JSON and read back by the Data page and by `cli.py import --mapping` (a file, or
`preset:NAME` for one of data_access/presets/). A flat object {"source column": "contract column"} is a
mapping of columns only.
"""

from __future__ import annotations

import json
from collections.abc import Collection
from dataclasses import asdict, dataclass, field

import pandas as pd

from data_access.contracts import Dataset
from data_access.readers import ROW_COLUMN, ImportRejected
from data_access.suggest import SCALES, SYNONYMS, infer_scale
from data_access.validate import map_columns, normalise_name

AUTO = "auto"  # a wide-survey setting that the file's columns and values decide (resolve_wide)
LINE_ROWS = "_line_rows"  # on orders built from lines: the file rows of every line of the order
MELTED = ("response_id", "touchpoint", "csat", "nps")  # the contract columns widen_to_long makes
NPS_GROUP = "_NPS_GROUP"  # suffix of a column an export derived from a recommend question (_nps_groups)


@dataclass
class WideSurvey:
    """One row per respondent, one rating column per touchpoint: stored as one response per touchpoint.

    Ratings are CSAT: on 1-5 as they are, on 0-5 with 0 = not applicable (nothing stored), on 1-7, 1-10 and
    0-10 stretched onto 1-5 and rounded. A 0-10 recommend column becomes one response on the `overall`
    touchpoint carrying the NPS. `touchpoints`, `scale` and `recommend` may be "auto": every unmapped column of
    whole numbers from 0 to 10, the scale those values fit, a column whose name asks about recommending.
    """

    respondent: str
    touchpoints: dict[str, str] | str  # source column -> touchpoint name, or "auto"
    scale: str = AUTO
    recommend: str | None = None
    overall: str = "Overall experience"
    stages: dict[str, str] = field(default_factory=dict)  # new touchpoint -> the journey stage it joins

    def __post_init__(self) -> None:
        if not isinstance(self.touchpoints, dict) and self.touchpoints != AUTO:
            raise ValueError(f'touchpoints must map columns to touchpoints or be "{AUTO}", not {self.touchpoints!r}')


@dataclass
class OrderLines:
    """One row per order line: lines are summed to orders; cancellations become negative amounts."""

    quantity: str
    unit_price: str
    cancel_prefix: str | None = "C"  # an order id starting with this is a cancellation


@dataclass
class Mapping:
    """Column renames, fixed values, text labels and, optionally, a wide-survey or order-lines layout."""

    columns: dict[str, str] = field(default_factory=dict)
    wide: WideSurvey | None = None
    lines: OrderLines | None = None
    date_order: str = "auto"  # or "day-first" / "month-first" for files whose dates are ambiguous (01/12)
    constants: dict[str, str] = field(default_factory=dict)  # contract column -> value where the file has none
    labels: dict[str, dict[str, str]] = field(default_factory=dict)  # contract column -> {text label: value}
    skip_rows: int = 0  # rows under the header that are not answers (question texts, import ids)

    def to_json(self) -> str:
        data: dict = {"columns": self.columns, "date_order": self.date_order}
        data.update({k: v for k, v in (("constants", self.constants), ("labels", self.labels),
                                       ("skip_rows", self.skip_rows)) if v})
        if self.wide:
            data["wide"] = asdict(self.wide)
        if self.lines:
            data["lines"] = asdict(self.lines)
        return json.dumps(data, indent=2, ensure_ascii=False)

    @classmethod
    def from_json(cls, text: str, source: str = "mapping") -> Mapping:
        try:
            data = json.loads(text)
        except json.JSONDecodeError as error:
            raise ImportRejected(source, f"the mapping is not valid JSON ({error}).") from None
        if not isinstance(data, dict):
            raise ImportRejected(source, "the mapping must be a JSON object.")
        data = data.get("mapping", data)  # a preset file wraps its mapping with a description
        if not {"columns", "wide", "lines", "date_order", "constants", "labels", "skip_rows"} & set(data):
            return cls(columns={str(k): str(v) for k, v in data.items()})
        try:
            return cls(columns=dict(data.get("columns", {})),
                       wide=WideSurvey(**data["wide"]) if data.get("wide") else None,
                       lines=OrderLines(**data["lines"]) if data.get("lines") else None,
                       date_order=data.get("date_order", "auto"),
                       constants={str(k): str(v) for k, v in data.get("constants", {}).items()},
                       labels={str(k): {str(a): str(b) for a, b in v.items()}
                               for k, v in data.get("labels", {}).items()},
                       skip_rows=int(data.get("skip_rows", 0)))
        except (TypeError, ValueError, AttributeError) as error:
            raise ImportRejected(source, f"the mapping has an unknown or missing setting ({error}).") from None

    def with_constants(self, settings: list[str]) -> Mapping:
        """This mapping plus COLUMN=VALUE settings (the CLI's --set), which win over the mapping's own."""
        extra = {}
        for setting in settings:
            column, equals, value = setting.partition("=")
            if not equals or not column.strip():
                raise ImportRejected("--set", f"{setting!r} is not COLUMN=VALUE (e.g. submitted_at=2025-06-30).")
            extra[column.strip()] = value.strip()
        return Mapping(self.columns, self.wide, self.lines, self.date_order, {**self.constants, **extra},
                       self.labels, self.skip_rows)


def _rows(frame: pd.DataFrame) -> pd.Series:
    """Each row's number as the file shows it (header = row 1), kept through reshaping."""
    return frame[ROW_COLUMN] if ROW_COLUMN in frame else pd.Series(frame.index + 2, index=frame.index)


def _column(frame: pd.DataFrame, name: str) -> str | None:
    """The file's column a mapping names, matched ignoring case, spaces, underscores and dashes."""
    wanted = normalise_name(name)
    return next((c for c in frame.columns if normalise_name(c) == wanted), None)


def _nps_groups(frame: pd.DataFrame) -> dict[str, str]:
    """Columns an export derives from a recommend question, by that question's column: Qualtrics writes
    `Q5_NPS_GROUP` (1-3 = detractor, passive, promoter) beside its 0-10 question `Q5`. They are never ratings."""
    return {str(c)[:-len(NPS_GROUP)]: c for c in frame.columns if str(c).upper().endswith(NPS_GROUP)}


def _recommend_column(frame: pd.DataFrame, candidates: list[str], grouped: Collection[str] = ()) -> str | None:
    """A column that asks how likely the respondent is to recommend, answered 0-10: named so, or one the
    export derived an NPS group from (`grouped`)."""
    names = {*SYNONYMS["nps"], "nps"}
    for column in candidates:
        name = normalise_name(column)
        if ((name in names or "recommend" in name or column in grouped)
                and infer_scale(frame[column]) in {"0-10", "1-10"}):
            return column
    return None


def resolve_wide(frame: pd.DataFrame, wide: WideSurvey, mapped: Collection[str] = frozenset()) -> WideSurvey:
    """The wide layout with its "auto" settings decided from the file and its columns matched by name.

    `mapped` are source columns the mapping already renames (matched ignoring case, spaces, underscores and
    dashes, as renames are); they are never ratings, and neither is an NPS group an export derived (_nps_groups).
    """
    respondent = _column(frame, wide.respondent) or wide.respondent
    groups = _nps_groups(frame)
    used = {respondent, ROW_COLUMN, *(_column(frame, c) or c for c in mapped), *groups.values()}
    if wide.recommend == AUTO:
        recommend = _recommend_column(frame, [c for c in frame.columns if c not in used], groups)
    else:
        recommend = (_column(frame, wide.recommend) or wide.recommend) if wide.recommend else None
    if recommend:
        used.add(recommend)
    if isinstance(wide.touchpoints, dict):
        touchpoints = {(_column(frame, c) or c): t for c, t in wide.touchpoints.items()}
    else:  # AUTO (__post_init__)
        touchpoints = {c: str(c).strip() for c in frame.columns if c not in used and infer_scale(frame[c])}
    scale = wide.scale
    if scale == AUTO:
        ratings = pd.concat([frame[c] for c in touchpoints if c in frame] or [pd.Series(dtype="string")])
        scale = infer_scale(ratings) or "1-5"
    return WideSurvey(respondent, touchpoints, scale, recommend, wide.overall, wide.stages)


def _on_csat_scale(rating: pd.Series, scale: str) -> pd.Series:
    """Ratings as 1-5 CSAT: 1-5 and 0-5 as they are, longer scales stretched onto 1-5 and rounded."""
    low, high, _ = SCALES[scale]
    if (low, high) in {(1, 5), (0, 5)}:
        return rating
    numbers = pd.to_numeric(rating, errors="coerce")
    stretched = (1 + 4 * (numbers - low) / (high - low)).round().astype("Int64").astype("string")
    return stretched.where(numbers.notna(), rating)  # text stays, for the validator to name


def widen_to_long(frame: pd.DataFrame, wide: WideSurvey, name: str,
                  mapped: Collection[str] = frozenset()) -> pd.DataFrame:
    """Melt per-touchpoint rating columns into one response per respondent and touchpoint."""
    wide = resolve_wide(frame, wide, mapped)
    assert isinstance(wide.touchpoints, dict)  # resolve_wide always decides "auto"
    missing = [c for c in (wide.respondent, *wide.touchpoints, wide.recommend) if c and c not in frame]
    if missing:
        raise ImportRejected(name, f"the wide-survey mapping names columns the file lacks: {', '.join(missing)}.")
    if not wide.touchpoints and not wide.recommend:
        raise ImportRejected(name, "the wide-survey mapping found no rating columns (whole numbers 0-10) and no "
                                   "recommend question; name them in the mapping.")
    if wide.scale not in SCALES:
        raise ImportRejected(name, f"unknown rating scale {wide.scale!r}; use one of {', '.join(SCALES)}.")
    _, _, not_applicable = SCALES[wide.scale]
    base = frame.drop(columns=[*wide.touchpoints, *([wide.recommend] if wide.recommend else [])])
    base = base.assign(**{ROW_COLUMN: _rows(frame)})
    parts = []
    for column, touchpoint in wide.touchpoints.items():
        rating = frame[column].astype("string").str.strip()
        answered = rating.notna() & (rating != "")
        if not_applicable is not None:
            answered &= rating != str(not_applicable)
        parts.append(base[answered].assign(touchpoint=touchpoint,
                                           csat=_on_csat_scale(rating[answered], wide.scale),
                                           response_id=frame.loc[answered, wide.respondent].astype("string")
                                           + ":" + touchpoint))
    if wide.recommend:
        recommend = frame[wide.recommend].astype("string").str.strip()
        answered = recommend.notna() & (recommend != "")
        parts.append(base[answered].assign(touchpoint=wide.overall, nps=recommend[answered],
                                           response_id=frame.loc[answered, wide.respondent].astype("string")
                                           + ":" + wide.overall))
    melted = pd.concat(parts, ignore_index=True) if parts else base.iloc[0:0]
    made = [c for c in MELTED if c in melted]  # first, so they win over a source column of the same name
    return melted[[*made, *(c for c in melted.columns if c not in made)]]  # (Qualtrics' ResponseId)


def lines_to_orders(frame: pd.DataFrame, lines: OrderLines, name: str) -> pd.DataFrame:
    """Sum order lines (quantity × unit price) to orders; cancellations are kept as negative amounts.

    An order with a non-numeric quantity or price keeps that text as its amount, so the validator rejects
    the order at the row of that line, saying what was wrong. LINE_ROWS keeps every line's row, so a rejected
    order is reported line by line.
    """
    quantity_column = _column(frame, lines.quantity) or lines.quantity
    price_column = _column(frame, lines.unit_price) or lines.unit_price
    missing = [c for c in ("order_id", quantity_column, price_column) if c not in frame]
    if missing:
        raise ImportRejected(name, f"the order-lines mapping needs columns the file lacks: {', '.join(missing)}.")
    quantity = pd.to_numeric(frame[quantity_column], errors="coerce")
    price = pd.to_numeric(frame[price_column], errors="coerce")
    order = frame["order_id"].astype("string").str.strip()
    cancelled = order.str.startswith(lines.cancel_prefix).fillna(False) if lines.cancel_prefix else False
    value = quantity * price
    value = value.where(~(cancelled & (value > 0)), -value)  # a cancelled line is money going back
    rows = _rows(frame)
    bad = value.isna()
    bad_text = frame[quantity_column].where(quantity.isna(), frame[price_column]).astype("string")
    first = frame.assign(**{ROW_COLUMN: rows}).groupby(order, sort=False).first()
    amount = value.groupby(order, sort=False).sum().round(2).astype(object)
    if bad.any():
        first_bad = bad_text[bad].groupby(order[bad], sort=False).first()
        amount.loc[first_bad.index] = first_bad
        first.loc[first_bad.index, ROW_COLUMN] = rows[bad].groupby(order[bad], sort=False).first()
    orders = first.drop(columns=[quantity_column, price_column, "order_id"], errors="ignore")
    orders["amount"] = amount
    orders[LINE_ROWS] = rows.groupby(order, sort=False).agg(tuple)
    return orders.reset_index(names="order_id")


def apply_labels(frame: pd.DataFrame, labels: dict[str, dict[str, str]], columns: dict[str, list[str]]) -> None:
    """Replace text labels by their values in place (case and surrounding spaces ignored); `columns` names,
    per contract column, the frame's columns that hold its values."""
    for target, table in labels.items():
        lookup = {str(label).strip().casefold(): value for label, value in table.items()}
        if not lookup:
            continue
        for column in columns.get(target, []):
            text = frame[column].astype("string")
            frame[column] = text.str.strip().str.casefold().map(lookup).fillna(text)


def shape(raw: pd.DataFrame, contract: Dataset, mapping: Mapping, name: str) -> pd.DataFrame:
    """A chunk as the contract names it: labels read, wide surveys melted, columns renamed, fixed values
    filled in, order lines summed. A file that lacks a required column (with no fixed value) is refused."""
    unknown = sorted(set(mapping.constants) - {c.name for c in contract.columns})
    if unknown:
        raise ImportRejected(name, f"fixed values for columns that are not in the {contract.name} contract: "
                                   f"{', '.join(unknown)}.")
    raw = raw.copy()
    renamed = {normalise_name(source): target for source, target in mapping.columns.items()}  # as map_columns
    sources = {target: [c for c in raw.columns if normalise_name(c) == normalise_name(target)
                        or normalise_name(renamed.get(normalise_name(c), "")) == normalise_name(target)]
               for target in mapping.labels}
    if mapping.wide:
        wide = resolve_wide(raw, mapping.wide, set(mapping.columns))
        sources.setdefault("csat", []).extend(wide.touchpoints)
        if wide.recommend:
            sources.setdefault("nps", []).append(wide.recommend)
        apply_labels(raw, mapping.labels, sources)
        raw = widen_to_long(raw, wide, name, set(mapping.columns))
    else:
        apply_labels(raw, mapping.labels, sources)
    named = (mapping.lines.quantity, mapping.lines.unit_price) if mapping.lines else ()
    keep = tuple(_column(raw, c) or c for c in named)
    provided = (*mapping.constants, *(("amount",) if mapping.lines else ()))
    frame = map_columns(raw, contract, name, mapping.columns, keep, provided=provided)
    for column, value in mapping.constants.items():
        if column in frame:
            text = frame[column].astype("string").str.strip()
            frame[column] = text.where(text.notna() & (text != ""), value)
        else:
            frame[column] = value
    return lines_to_orders(frame, mapping.lines, name) if mapping.lines else frame
