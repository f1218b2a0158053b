"""How a customer's file maps onto the contract: column names, wide survey layouts, order lines.

A mapping is saved as JSON and read back by the Data page and by `cli.py import --mapping`. A flat
object {"source column": "contract column"} is a mapping of columns only.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field

import pandas as pd

from data_access.contracts import Dataset
from data_access.readers import ROW_COLUMN, ImportRejected
from data_access.validate import normalise_name

SYNONYMS: dict[str, tuple[str, ...]] = {  # common export headers, compared after normalise_name
    "customer_id": ("customer", "customerid", "customerno", "clientid", "memberid", "accountid", "userid"),
    "response_id": ("responseid", "surveyid", "respondentid", "recordid"),
    "submitted_at": ("submittedat", "responsedate", "recordeddate", "enddate", "date", "timestamp", "surveydate"),
    "nps": ("likelihoodtorecommend", "recommend", "npsscore", "ltr", "howlikelyareyoutorecommendus", "score"),
    "csat": ("satisfaction", "csatscore", "overallsatisfaction", "rating"),
    "ces": ("effort", "customereffort", "cesscore", "easeofuse"),
    "comment": ("comments", "feedback", "verbatim", "opentext", "freetext", "why", "reason"),
    "ticket_id": ("ticketid", "ticketnumber", "caseid", "casenumber", "id"),
    "opened_at": ("createdat", "created", "opened", "opendate", "datecreated"),
    "first_response_at": ("firstreplyat", "firstresponse", "firstresponsetime"),
    "resolved_at": ("solvedat", "closedat", "resolved", "resolutiondate", "closed"),
    "description": ("subject", "body", "message", "text"),
    "order_id": ("orderid", "invoice", "invoiceno", "invoicenumber", "orderno", "ordernumber", "transactionid"),
    "ordered_at": ("invoicedate", "orderdate", "purchasedate", "transactiondate", "createdat"),
    "amount": ("total", "ordertotal", "revenue", "value", "sales", "grandtotal"),
    "points_earned": ("pointsearned", "earnedpoints", "points"),
    "points_redeemed": ("pointsredeemed", "redeemedpoints", "pointsspent"),
    "joined_at": ("joined", "signupdate", "createdat", "registrationdate", "customersince"),
    "tier": ("loyaltytier", "tiername", "level", "status"),
    "touchpoint": ("journeystep", "interaction", "touchpointname"),
    "effective_from": ("effectivedate", "since", "validfrom", "changedat"),
}
SCALES = {"1-5": (1, 5, None), "0-5": (0, 5, 0)}  # scale -> (lowest, highest, value meaning 'not applicable')


def suggest_mapping(columns: list[str], contract: Dataset) -> dict[str, str]:
    """A first guess: each contract column takes the source column of the same name, else a known synonym."""
    by_name = {normalise_name(c): c for c in columns}
    suggestion: dict[str, str] = {}
    for column in contract.columns:
        for candidate in (normalise_name(column.name), *SYNONYMS.get(column.name, ())):
            source = by_name.get(candidate)
            if source is not None and source not in suggestion:
                suggestion[source] = column.name
                break
    return suggestion


@dataclass
class WideSurvey:
    """One row per respondent, one rating column per touchpoint: stored as one response per touchpoint.

    Ratings on a 1-5 or 0-5 scale are CSAT (0 = not applicable, nothing stored); a 0-10 recommend
    column becomes one response on the `overall` touchpoint carrying the NPS.
    """

    respondent: str
    touchpoints: dict[str, str]  # source column -> touchpoint name
    scale: str = "1-5"
    recommend: str | None = None
    overall: str = "Overall experience"
    stages: dict[str, str] = field(default_factory=dict)  # new touchpoint -> the journey stage it joins


@dataclass
class OrderLines:
    """One row per order line: lines are summed to orders; cancellations become negative amounts."""

    quantity: str
    unit_price: str
    cancel_prefix: str | None = "C"  # an order id starting with this is a cancellation


@dataclass
class Mapping:
    """Column renames plus, optionally, a wide-survey or order-lines layout."""

    columns: dict[str, str] = field(default_factory=dict)
    wide: WideSurvey | None = None
    lines: OrderLines | None = None
    date_order: str = "auto"  # or "day-first" / "month-first" for files whose dates are ambiguous (01/12)

    def to_json(self) -> str:
        data: dict = {"columns": self.columns, "date_order": self.date_order}
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
        if not {"columns", "wide", "lines", "date_order"} & set(data):
            return cls(columns={str(k): str(v) for k, v in data.items()})
        try:
            return cls(columns=dict(data.get("columns", {})),
                       wide=WideSurvey(**data["wide"]) if data.get("wide") else None,
                       lines=OrderLines(**data["lines"]) if data.get("lines") else None,
                       date_order=data.get("date_order", "auto"))
        except TypeError as error:
            raise ImportRejected(source, f"the mapping has an unknown or missing setting ({error}).") from None


def _rows(frame: pd.DataFrame) -> pd.Series:
    """Each row's number as the file shows it (header = row 1), kept through reshaping."""
    return frame[ROW_COLUMN] if ROW_COLUMN in frame else pd.Series(frame.index + 2, index=frame.index)


def widen_to_long(frame: pd.DataFrame, wide: WideSurvey, name: str) -> pd.DataFrame:
    """Melt per-touchpoint rating columns into one response per respondent and touchpoint."""
    missing = [c for c in (wide.respondent, *wide.touchpoints, wide.recommend) if c and c not in frame]
    if missing:
        raise ImportRejected(name, f"the wide-survey mapping names columns the file lacks: {', '.join(missing)}.")
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
        parts.append(base[answered].assign(touchpoint=touchpoint, csat=rating[answered],
                                           response_id=frame.loc[answered, wide.respondent].astype("string")
                                           + ":" + touchpoint))
    if wide.recommend:
        recommend = frame[wide.recommend].astype("string").str.strip()
        answered = recommend.notna() & (recommend != "")
        parts.append(base[answered].assign(touchpoint=wide.overall, nps=recommend[answered],
                                           response_id=frame.loc[answered, wide.respondent].astype("string")
                                           + ":" + wide.overall))
    return pd.concat(parts, ignore_index=True) if parts else base.iloc[0:0]


def lines_to_orders(frame: pd.DataFrame, lines: OrderLines, name: str) -> pd.DataFrame:
    """Sum order lines (quantity × unit price) to orders; cancellations are kept as negative amounts.

    An order with a non-numeric quantity or price keeps that text as its amount, so the validator rejects
    the order at the row of that line, saying what was wrong.
    """
    missing = [c for c in ("order_id", lines.quantity, lines.unit_price) if c not in frame]
    if missing:
        raise ImportRejected(name, f"the order-lines mapping needs columns the file lacks: {', '.join(missing)}.")
    quantity = pd.to_numeric(frame[lines.quantity], errors="coerce")
    price = pd.to_numeric(frame[lines.unit_price], errors="coerce")
    order = frame["order_id"].astype("string").str.strip()
    cancelled = order.str.startswith(lines.cancel_prefix).fillna(False) if lines.cancel_prefix else False
    value = quantity * price
    value = value.where(~(cancelled & (value > 0)), -value)  # a cancelled line is money going back
    rows = _rows(frame)
    bad = value.isna()
    bad_text = frame[lines.quantity].where(quantity.isna(), frame[lines.unit_price]).astype("string")
    first = frame.assign(**{ROW_COLUMN: rows}).groupby(order, sort=False).first()
    amount = value.groupby(order, sort=False).sum().round(2).astype(object)
    if bad.any():
        first_bad = bad_text[bad].groupby(order[bad], sort=False).first()
        amount.loc[first_bad.index] = first_bad
        first.loc[first_bad.index, ROW_COLUMN] = rows[bad].groupby(order[bad], sort=False).first()
    orders = first.drop(columns=[lines.quantity, lines.unit_price, "order_id"], errors="ignore")
    orders["amount"] = amount
    return orders.reset_index(names="order_id")
