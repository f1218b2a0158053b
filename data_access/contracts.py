"""The data contract: what every importable dataset must hold.

One registry that the validator, the loaders, the CLI, the import page and
docs/data-contract.md all read, so the rules are written once.
"""

from __future__ import annotations

from dataclasses import dataclass

from analytics.settings import EARLIEST_DATE, FUTURE_DAYS

TIERS: tuple[str, ...] = ("Bronze", "Silver", "Gold", "Platinum")


@dataclass(frozen=True)
class Column:
    """One contract column: its type, whether it is required and its allowed range."""

    name: str
    kind: str  # text | int | float | datetime | date | bool
    description: str
    example: str
    required: bool = False
    minimum: float | None = None
    maximum: float | None = None
    allowed: tuple[str, ...] | None = None
    not_before: str | None = None  # another datetime column of the row this one may not precede

    def __post_init__(self) -> None:
        if (self.minimum is None) != (self.maximum is None):
            raise ValueError(f"column {self.name}: an allowed range needs both a minimum and a maximum")

    @property
    def bounds(self) -> tuple[float, float] | None:
        """(minimum, maximum), or None for a column without an allowed range; a range has both ends."""
        if self.minimum is None or self.maximum is None:
            return None
        return self.minimum, self.maximum


@dataclass(frozen=True)
class Dataset:
    """One importable dataset and the table it lands in."""

    name: str
    table: str
    description: str
    key: tuple[str, ...]
    columns: tuple[Column, ...]
    text_column: str | None = None
    references_customers: bool = True

    @property
    def required(self) -> tuple[str, ...]:
        return tuple(c.name for c in self.columns if c.required)

    def column(self, name: str) -> Column:
        return next(c for c in self.columns if c.name == name)


def _id(name: str, what: str, example: str) -> Column:
    return Column(name, "text", what, example, required=True)


CUSTOMER_ID = _id("customer_id", "The customer's id in your CRM; links every dataset.", "C000123")

DATASETS: dict[str, Dataset] = {
    d.name: d
    for d in (
        Dataset(
            name="customers",
            table="customers",
            description="One row per customer: who they are and their current loyalty tier.",
            key=("customer_id",),
            references_customers=False,
            columns=(
                CUSTOMER_ID,
                Column("joined_at", "date", "When the customer joined.", "2021-04-17", required=True),
                Column("tier", "text", "Current loyalty tier; empty for non-members.", "Gold", allowed=TIERS),
                Column("loyalty_member", "bool", "Member of the loyalty programme (true/false, yes/no, 1/0).", "true"),
                Column("segment", "text", "Marketing segment.", "Convenience"),
                Column("region", "text", "Region the customer belongs to.", "North"),
            ),
        ),
        Dataset(
            name="tier_history",
            table="tier_history",
            description="Every tier change: one row per customer and date the tier took effect.",
            key=("customer_id", "effective_from"),
            columns=(
                CUSTOMER_ID,
                Column("tier", "text", "Tier from this date on.", "Silver", required=True, allowed=TIERS),
                Column("effective_from", "date", "Date the tier took effect.", "2023-01-01", required=True),
            ),
        ),
        Dataset(
            name="touchpoints",
            table="touchpoints",
            description="The journey definition: each touchpoint, its stage and the stage's place in the journey.",
            key=("touchpoint",),
            references_customers=False,
            columns=(
                Column("touchpoint", "text", "Touchpoint name, as used in survey files.", "Home delivery",
                       required=True),
                Column("stage", "text", "Journey stage the touchpoint belongs to.", "Receive", required=True),
                Column("stage_order", "int", "Position of the stage in the journey (1 = first).", "3",
                       required=True, minimum=1, maximum=99),
                Column("channel", "text", "Main channel of the touchpoint.", "web"),
            ),
        ),
        Dataset(
            name="survey",
            table="survey_responses",
            description="One row per survey response about one touchpoint.",
            key=("response_id",),
            text_column="comment",
            columns=(
                _id("response_id", "The response's id in the survey tool.", "R0000001"),
                CUSTOMER_ID,
                Column("submitted_at", "datetime", "When the response was submitted.", "2025-03-02 14:05:00",
                       required=True),
                Column("touchpoint", "text", "Touchpoint the response rates.", "Home delivery", required=True),
                Column("channel", "text", "Channel of the experience rated.", "web"),
                Column("nps", "int", "Likelihood to recommend, 0-10.", "9", minimum=0, maximum=10),
                Column("csat", "int", "Satisfaction, 1-5 (5 = very satisfied).", "4", minimum=1, maximum=5),
                Column("ces", "int", "Customer effort, 1-7 (7 = very easy).", "6", minimum=1, maximum=7),
                Column("comment", "text", "Free-text comment; scored for sentiment at import.", "Fast and friendly."),
            ),
        ),
        Dataset(
            name="service",
            table="service_tickets",
            description="One row per support ticket.",
            key=("ticket_id",),
            text_column="description",
            columns=(
                _id("ticket_id", "The ticket's id in the help desk.", "T000001"),
                CUSTOMER_ID,
                Column("opened_at", "datetime", "When the ticket was opened.", "2025-03-02 09:00:00", required=True),
                Column("first_response_at", "datetime", "First agent response.", "2025-03-02 10:30:00",
                       not_before="opened_at"),
                Column("resolved_at", "datetime", "When the ticket was resolved; empty while open.",
                       "2025-03-04 16:00:00", not_before="opened_at"),
                Column("channel", "text", "Channel the ticket came in through.", "chat"),
                Column("category", "text", "Ticket category.", "Delivery"),
                Column("priority", "text", "Priority.", "high"),
                Column("status", "text", "Status (open, pending, solved, closed).", "solved"),
                Column("csat", "int", "Ticket satisfaction rating, 1-5.", "2", minimum=1, maximum=5),
                Column("description", "text", "What the customer wrote; scored for sentiment at import.",
                       "My parcel is a week late."),
            ),
        ),
        Dataset(
            name="purchases",
            table="purchases",
            description="One row per order (returns and cancellations as negative amounts).",
            key=("order_id",),
            columns=(
                _id("order_id", "The order's id in the shop.", "O0000001"),
                CUSTOMER_ID,
                Column("ordered_at", "datetime", "When the order was placed.", "2025-03-01 18:22:00", required=True),
                Column("amount", "float", "Order value in the shop's currency; negative for returns.", "54.90",
                       required=True, minimum=-1_000_000, maximum=1_000_000),
                Column("channel", "text", "Sales channel.", "app"),
                Column("points_earned", "int", "Loyalty points earned with the order.", "55", minimum=0,
                       maximum=10_000_000),
                Column("points_redeemed", "int", "Loyalty points spent on the order.", "0", minimum=0,
                       maximum=10_000_000),
            ),
        ),
    )
}


def dataset(name: str) -> Dataset:
    """Look a dataset up by name, with the list of valid names in the error."""
    try:
        return DATASETS[name]
    except KeyError:
        raise KeyError(f"Unknown dataset {name!r}; choose one of: {', '.join(DATASETS)}") from None


def render_markdown() -> str:
    """The contract as the Markdown page in docs/ (kept in sync by a test)."""
    kinds = {"text": "text", "int": "whole number", "float": "number", "datetime": "date and time",
             "date": "date", "bool": "true/false"}
    lines = [
        "# Data contract",
        "",
        "What each import file must hold. Generated from `data_access/contracts.py`",
        "(`python cli.py contract > docs/data-contract.md`); a test keeps the two in sync.",
        "",
        "- Column names match ignoring case, spaces, underscores and dashes (`Customer ID` = `customer_id`),",
        "  or through a mapping (`--mapping mapping.json`, or `--mapping preset:NAME` for a shipped preset).",
        "- Files: CSV (any of `,` `;` tab `|` as delimiter, guessed from the header and the first rows; UTF-8 with",
        "  or without BOM, Windows-1252 or Latin-1; read in chunks, so size is no limit through the CLI), Excel",
        "  (.xlsx; a workbook with several sheets needs `--sheet`), Parquet.",
        "- A CSV whose first row holds only numbers and dates has no header row: its columns are named by",
        "  position (`column 1`, `column 2`, …), the import says so, and the mapping names them that way. Its",
        "  first data row is row 1.",
        "- Several files of one layout (one file per day is common) import together, in one transaction:",
        "  `python cli.py import purchases exports/*.csv` or a folder; on the Data page, upload them together.",
        "- Dates: ISO 8601 (`2025-03-02`, `2025-03-02 14:05:00`), or day-first/month-first forms that are",
        f"  unambiguous across the file. A date before {EARLIEST_DATE:%Y-%m-%d} or more than {FUTURE_DAYS} days "
        "after the day of the import",
        "  is rejected as a likely typo (one row dated 2099 would move every page's period) unless any date is",
        "  allowed (`--allow-any-date`).",
        "- Rows are upserted by their key: importing the same file twice changes nothing.",
        "- A row that breaks a rule below is rejected and reported (file, row, column, reason); the other rows",
        "  are stored. Reasons are grouped with a count and the first rows of each; every rejected row can be",
        "  downloaded (`--rejected FILE` on the CLI). A file that cannot be read, or lacks a required column,",
        "  stores nothing, and neither do the other files of the same import.",
        "- Customers that surveys, tickets, orders or tier changes name and `customers` lacks are customers",
        "  all the same: no tier (`No tier`), unknown segment and region, joined on the day of their first",
        "  event. A customers file imported later fills them in. The Data page counts them.",
        "- With `--strict`, rows that name a customer no customers file holds are rejected instead.",
        "- Row numbers in reports count the header as row 1, as a spreadsheet shows them.",
        "",
        "## What a mapping can say",
        "",
        "- **columns**: `{\"source column\": \"contract column\"}`.",
        "- **constants**: one value for a contract column in every row that has none, for files without a date",
        "  (a survey wave), without an opened date, or from one channel: `\"constants\": {\"submitted_at\":",
        "  \"2025-06-30\"}`; on the CLI `--set submitted_at=2025-06-30` (repeatable); a field on the Data page.",
        "- **labels**: text answers as values, e.g. `\"labels\": {\"csat\": {\"satisfied\": \"5\",",
        "  \"neutral or dissatisfied\": \"2\"}}` (case and surrounding spaces ignored; an empty value stores",
        "  no answer).",
        "- **skip_rows**: rows under the header that are not answers (survey tools write question texts there).",
        "- **date_order**: dates such as `01/12/2009` are ambiguous: `\"day-first\"` or `\"month-first\"`",
        "  (the Data page asks); `auto` takes the reading that fits most values (month first on a tie).",
        "",
        "## File layouts the mapping can describe",
        "",
        "- **Wide surveys** (one row per respondent, one rating column per touchpoint): each rating becomes one",
        "  `survey` response `respondent:touchpoint`. Ratings are CSAT: on 1-5 as they are; on 0-5, 0 means not",
        "  applicable and stores nothing; on 1-7, 1-10 and 0-10 they are stretched onto 1-5 and rounded",
        "  (1 + 4 × (rating − lowest) / (highest − lowest)). `\"scale\": \"auto\"` takes the scale the values",
        "  fit; `\"touchpoints\": \"auto\"` takes every column not mapped otherwise whose values are whole",
        "  numbers from 0 to 10. NPS comes only from a 0-10 'recommend' column (`\"recommend\": \"auto\"` finds",
        "  one by its name), stored as one response on its own touchpoint (`Overall experience` unless named",
        "  otherwise). New touchpoints join the journey in the stage the mapping names, else in `Survey",
        "  touchpoints` until a touchpoints file places them.",
        "- **Order lines** (one row per product line): lines with the same order id are summed (quantity × unit",
        "  price) into one order; an order id starting with the cancel prefix (`C` by default) or negative",
        "  quantities give negative amounts, which are kept as returns, not dropped. An order with a",
        "  non-numeric quantity or price, or without a customer id, is rejected with each of its lines. Reports",
        "  count both: lines read and the orders they formed.",
        "",
        "A mapping file, as the Data page downloads it:",
        "",
        "```json",
        '{"columns": {"Email": "customer_id", "Comments": "comment"},',
        ' "date_order": "auto",',
        ' "constants": {"submitted_at": "2025-06-30"},',
        ' "wide": {"respondent": "Respondent", "touchpoints": {"Checkin service": "Check-in"}, "scale": "0-5",',
        '          "recommend": "Likelihood to recommend", "overall": "Overall experience",',
        '          "stages": {"Check-in": "Departure"}}}',
        "```",
        "",
        "Presets for common exports live in `data_access/presets/` (`python cli.py presets` lists them).",
        "",
    ]
    for d in DATASETS.values():
        lines += [f"## `{d.name}` → table `{d.table}`", "", d.description,
                  f"Key: {', '.join(f'`{k}`' for k in d.key)}.", "",
                  "| column | type | required | allowed | meaning |", "| --- | --- | --- | --- | --- |"]
        for c in d.columns:
            allowed = ", ".join(c.allowed) if c.allowed else (
                f"{c.bounds[0]:g} to {c.bounds[1]:g}" if c.bounds else "")
            lines.append(f"| `{c.name}` | {kinds[c.kind]} | {'yes' if c.required else 'no'} | {allowed} "
                         f"| {c.description} |")
        header = ",".join(c.name for c in d.columns)
        example = ",".join(f'"{c.example}"' if "," in c.example else c.example for c in d.columns)
        lines += ["", "Example:", "", "```csv", header, example, "```", ""]
    return "\n".join(lines)
