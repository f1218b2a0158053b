"""First guesses for the mapping of a file nobody has described yet: from column names and from the values.

The Data page shows them for a person to confirm; nothing here changes a file.
"""

from __future__ import annotations

import pandas as pd

from data_access.contracts import Column, Dataset
from data_access.readers import ROW_COLUMN
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
# scale -> (lowest, highest, value meaning 'not applicable'); the order is the order `infer_scale` tries them
SCALES = {"1-5": (1, 5, None), "0-5": (0, 5, 0), "1-7": (1, 7, None), "1-10": (1, 10, None), "0-10": (0, 10, None)}


def suggest_mapping(columns: list[str], contract: Dataset, frame: pd.DataFrame | None = None) -> dict[str, str]:
    """A first guess: each contract column takes the source column of the same name, else a known synonym.

    Given the file's rows, a column whose values do not fit the target (text for a score, numbers out of
    range, no dates for a date) is never suggested.
    """
    by_name = {normalise_name(c): c for c in columns}
    suggestion: dict[str, str] = {}
    for column in contract.columns:
        for candidate in (normalise_name(column.name), *SYNONYMS.get(column.name, ())):
            source = by_name.get(candidate)
            if (source is not None and source not in suggestion
                    and (frame is None or values_fit(frame[source], column))):
                suggestion[source] = column.name
                break
    return suggestion


def _filled(values: pd.Series) -> pd.Series:
    text = values.astype("string").str.strip()
    return text[text.notna() & (text != "")]


def values_fit(values: pd.Series, column: Column) -> bool:
    """Whether a source column's values can fill a contract column: numbers in range, dates, anything for text."""
    filled = _filled(values)
    if filled.empty or column.kind in {"text", "bool"}:
        return True
    if column.kind in {"int", "float"}:
        numbers = pd.to_numeric(filled, errors="coerce")
        in_range = numbers.between(*column.bounds) if column.bounds is not None else numbers.notna()
        return bool(in_range.fillna(False).all())  # text is NA after to_numeric, and all() skips NA
    return bool(pd.to_datetime(filled, errors="coerce", format="mixed").notna().mean() >= 0.9)


def infer_scale(values: pd.Series) -> str | None:
    """The rating scale whole numbers fit (0-5, 1-5, 1-7, 1-10, 0-10), or None when they are not ratings."""
    numbers = pd.to_numeric(_filled(values), errors="coerce")
    if numbers.empty or numbers.isna().any() or (numbers != numbers.round()).any():
        return None
    lowest, highest = numbers.min(), numbers.max()
    fits = [name for name, (low, high, _) in SCALES.items() if low <= lowest and highest <= high]
    if not fits:
        return None
    if lowest == 0:  # a zero picks a scale that starts at 0
        fits = [name for name in fits if SCALES[name][0] == 0]
    return fits[0]


def text_labels(values: pd.Series, limit: int = 12) -> list[str]:
    """The distinct text labels of a column that should hold numbers (e.g. 'satisfied'), for mapping to values."""
    filled = _filled(values)
    labels = filled[pd.to_numeric(filled, errors="coerce").isna()].unique()
    return sorted(labels, key=str.casefold)[:limit] if len(labels) <= limit else []


def suggest_respondent(frame: pd.DataFrame) -> str:
    """The column that identifies respondents: a known id name with unique values, else never a row counter."""
    names = ("responseid", "respondentid", "respondent", "id", "customerid", "passengerid", "recordid")
    def counter(values: pd.Series) -> bool:  # 0, 1, 2 … or 1, 2, 3 …: the row index written to the file
        numbers = pd.to_numeric(values, errors="coerce")
        return bool(numbers.notna().all() and numbers.diff().iloc[1:].eq(1).all())
    columns = [c for c in frame.columns if c != ROW_COLUMN]
    unique = [c for c in columns if frame[c].is_unique]
    named = [c for c in unique if normalise_name(c) in names]
    others = [c for c in unique if not counter(frame[c]) and not str(c).startswith("Unnamed:")]
    return (named or others or columns)[0]
