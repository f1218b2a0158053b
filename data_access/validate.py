"""Raw frame + contract -> typed valid rows + a list of rejected cells (row, column, value, reason).

Row numbers count the header as row 1, as a spreadsheet shows them.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date, timedelta

import pandas as pd

from analytics.settings import EARLIEST_DATE, FUTURE_DAYS
from data_access.contracts import Column, Dataset
from data_access.readers import ROW_COLUMN, ImportRejected

FIRST_DATA_ROW = 2
TRUE_WORDS = {"true", "t", "yes", "y", "1"}
FALSE_WORDS = {"false", "f", "no", "n", "0"}
# Tried, in turn, on the values ISO 8601 did not parse: each round takes the format that reads most of them.
DATE_FORMATS = (
    "%m/%d/%Y %H:%M:%S", "%m/%d/%Y %H:%M", "%m/%d/%Y", "%d/%m/%Y %H:%M:%S", "%d/%m/%Y %H:%M", "%d/%m/%Y",
    "%d-%m-%Y %H.%M", "%d-%m-%Y %H:%M:%S", "%d-%m-%Y %H:%M", "%d-%m-%Y", "%d.%m.%Y %H:%M", "%d.%m.%Y",
    "%Y/%m/%d %H:%M:%S", "%Y/%m/%d",
    "%m/%d/%Y %I:%M:%S %p", "%m/%d/%Y %I:%M %p", "%d/%m/%Y %I:%M:%S %p", "%d/%m/%Y %I:%M %p",  # 12-hour clocks
)
REJECTION_COLUMNS = ["row", "column", "value", "reason"]
DUPLICATE_KEY = "duplicate key: an earlier row has the same key"  # one reason, so a report groups them


def normalise_name(name: object) -> str:
    """Column names match ignoring case, spaces, underscores and dashes."""
    return re.sub(r"[\s_\-]+", "", str(name)).casefold()


@dataclass(frozen=True)
class DateWindow:
    """The dates an import accepts: from EARLIEST_DATE to FUTURE_DAYS after today, so one typo (2099, 1900) cannot
    move every page's period; any date when the person says the outliers are real."""

    today: date = field(default_factory=date.today)
    allow_any: bool = False

    def reasons(self, values: pd.Series) -> pd.Series:
        """Per typed date, why it lies outside the window (NA inside it, when empty, or when any date is allowed)."""
        reasons = pd.Series(pd.NA, index=values.index, dtype="string")
        if self.allow_any:
            return reasons
        latest = pd.Timestamp(self.today + timedelta(days=FUTURE_DAYS + 1))
        reasons[values >= latest] = f"a date after today ({self.today:%Y-%m-%d}); allow any date if this is intended"
        reasons[values < pd.Timestamp(EARLIEST_DATE)] = (
            f"a date before {EARLIEST_DATE:%Y-%m-%d}; allow any date if this is intended")
        return reasons


@dataclass
class Validated:
    """The rows that meet the contract, typed, and every problem found in the others."""

    frame: pd.DataFrame
    rejections: pd.DataFrame
    rows_read: int
    present: tuple[str, ...]
    rejected_records: int = 0  # rows of the frame with at least one problem


def map_columns(frame: pd.DataFrame, contract: Dataset, name: str, mapping: dict[str, str] | None = None,
                keep: tuple[str, ...] = (), provided: tuple[str, ...] = ()) -> pd.DataFrame:
    """Rename source columns to contract columns; refuse the file when a required one is missing.

    `keep` source columns pass through unrenamed for a later step that builds the `provided` columns.
    """
    wanted = {normalise_name(c.name): c.name for c in contract.columns}
    renames: dict[str, str] = {}
    explicit = {normalise_name(k): v for k, v in (mapping or {}).items()}
    for source in frame.columns:
        target = explicit.get(normalise_name(source)) or wanted.get(normalise_name(source))
        if target and target in wanted.values() and target not in renames.values():
            renames[source] = target
    unknown = sorted(set((mapping or {}).values()) - set(wanted.values()) - {""})
    if unknown:
        raise ImportRejected(name, f"the mapping names columns that are not in the {contract.name} contract: "
                                   f"{', '.join(unknown)}.")
    missing = [c for c in contract.required if c not in renames.values() and c not in provided]
    if missing:
        raise ImportRejected(name, f"missing required column(s) {', '.join(missing)} for {contract.name}. "
                                   f"The file has: {', '.join(str(c) for c in frame.columns if c != ROW_COLUMN)}. "
                                   "Map a column to it, or give every row one value (a fixed value on the Data "
                                   "page, --set COLUMN=VALUE on the command line).")
    kept = [c for c in (*keep, ROW_COLUMN) if c in frame and c not in renames]
    return frame[[*renames, *kept]].rename(columns=renames)


def _blank_to_na(values: pd.Series) -> pd.Series:
    if values.dtype == object or pd.api.types.is_string_dtype(values):
        stripped = values.astype("string").str.strip()
        return stripped.mask(stripped == "")
    return values


DATE_ORDERS = ("auto", "day-first", "month-first")


def _formats(date_order: str) -> tuple[str, ...]:
    """DATE_FORMATS with the chosen family first, so an ambiguous 01/12 is read the way the file means it."""
    if date_order not in DATE_ORDERS:
        raise ValueError(f"date order must be one of {', '.join(DATE_ORDERS)}")
    if date_order == "day-first":
        return tuple(sorted(DATE_FORMATS, key=lambda f: not f.startswith("%d")))
    return DATE_FORMATS


def _parse_datetimes(values: pd.Series, date_order: str = "auto") -> pd.Series:
    if pd.api.types.is_datetime64_any_dtype(values):
        parsed = values
    else:
        text = values.astype("string")
        parsed = pd.to_datetime(text, format="ISO8601", errors="coerce", utc=True)
        left = text[parsed.isna() & text.notna()]
        while not left.empty:
            tries = {f: pd.to_datetime(left, format=f, errors="coerce") for f in _formats(date_order)}
            best = max(tries, key=lambda f: tries[f].notna().sum())
            hits = tries[best].dropna()
            if hits.empty:
                break
            parsed.loc[hits.index] = hits.dt.tz_localize("UTC")
            left = left.drop(hits.index)
    if getattr(parsed.dt, "tz", None) is not None:
        parsed = parsed.dt.tz_convert("UTC").dt.tz_localize(None)
    return parsed.astype("datetime64[us]")


def _parse(values: pd.Series, column: Column, date_order: str = "auto",
           window: DateWindow | None = None) -> tuple[pd.Series, pd.Series]:
    """Typed values and, per cell, the reason it is invalid (NA where it is fine or empty)."""
    reasons = pd.Series(pd.NA, index=values.index, dtype="string")
    present = values.notna()
    if column.kind in {"int", "float"}:
        parsed = pd.to_numeric(values, errors="coerce")
        reasons[present & parsed.isna()] = "not a number"
        if column.kind == "int":
            reasons[parsed.notna() & (parsed != parsed.round())] = "not a whole number"
        if column.bounds is not None:
            low, high = column.bounds
            reasons[parsed.notna() & ~parsed.between(low, high) & reasons.isna()] = (
                f"outside the allowed range {low:g} to {high:g}")
        parsed = parsed.where(reasons.isna())
        return (parsed.round().astype("Int64") if column.kind == "int" else parsed.astype("Float64")), reasons
    if column.kind in {"datetime", "date"}:
        parsed = _parse_datetimes(values, date_order)
        reasons[present & parsed.isna()] = "not a recognisable date" + (" and time" if column.kind == "datetime"
                                                                          else "")
        reasons = reasons.fillna((window or DateWindow()).reasons(parsed))
        return (parsed.dt.normalize() if column.kind == "date" else parsed), reasons
    if column.kind == "bool":
        words = values.astype("string").str.casefold()
        parsed = words.map(lambda w: True if w in TRUE_WORDS else False if w in FALSE_WORDS else pd.NA)
        reasons[present & parsed.isna()] = "not true/false (use true, false, yes, no, 1 or 0)"
        return parsed.astype("boolean"), reasons
    parsed = values.astype("string")
    if column.allowed:
        canonical = {a.casefold(): a for a in column.allowed}
        mapped = parsed.str.casefold().map(canonical)
        reasons[present & mapped.isna()] = f"not one of {', '.join(column.allowed)}"
        parsed = mapped.astype("string")
    return parsed, reasons


def _problems(frame: pd.DataFrame, rows: pd.Series, mask: pd.Series, column: str,
              reason: pd.Series | str, detail: pd.Series | None = None) -> pd.DataFrame:
    index = frame.index[mask]
    value = frame.loc[index, column].astype("string").fillna("") if column in frame else pd.Series("", index=index)
    return pd.DataFrame({
        "index": index,
        "row": rows[mask].to_numpy(),
        "column": column,
        "value": (value + detail[mask] if detail is not None else value).to_numpy(),
        "reason": reason[mask].to_numpy() if isinstance(reason, pd.Series) else reason,
    })


def validate(raw: pd.DataFrame, contract: Dataset, date_order: str = "auto",
             window: DateWindow | None = None) -> Validated:
    """Check every cell and row against the contract; keep the valid rows, report the rest.

    window: the dates accepted (by default EARLIEST_DATE to a little after today).
    """
    raw = raw.reset_index(drop=True)
    rows = raw[ROW_COLUMN].astype("int64") if ROW_COLUMN in raw else pd.Series(raw.index + FIRST_DATA_ROW)
    present = tuple(c.name for c in contract.columns if c.name in raw.columns)
    typed = pd.DataFrame(index=raw.index)
    problems: list[pd.DataFrame] = []
    for name in present:
        column = contract.column(name)
        values = _blank_to_na(raw[name])
        typed[name], reasons = _parse(values, column, date_order, window)
        problems.append(_problems(raw, rows, reasons.notna(), name, reasons))
        if column.required:
            problems.append(_problems(raw, rows, values.isna(), name, "missing required value"))
    for name in present:
        earlier = contract.column(name).not_before
        if earlier in typed:
            wrong = typed[name] < typed[earlier]
            problems.append(_problems(raw, rows, wrong.fillna(False).astype(bool), name, f"is before {earlier}"))
    key = list(contract.key)
    duplicated = typed[key].notna().all(axis=1) & typed.duplicated(key, keep="first")
    if duplicated.any():
        first_row = typed[key].assign(row=rows).groupby(key)["row"].transform("min")
        problems.append(_problems(raw, rows, duplicated, key[0], DUPLICATE_KEY, " (first in row " +
                                  first_row.astype(str) + ")"))
    found = pd.concat([p for p in problems if not p.empty] or [pd.DataFrame(columns=["index", *REJECTION_COLUMNS])],
                      ignore_index=True).sort_values(["row", "column"], ignore_index=True)
    valid = typed.loc[~typed.index.isin(set(found["index"]))].copy()
    valid["source_row"] = rows[valid.index].to_numpy()
    return Validated(valid.reset_index(drop=True), found[REJECTION_COLUMNS], len(raw), present,
                     int(found["index"].nunique()))
