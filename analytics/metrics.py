"""The one registry of metrics: for each its label, formats, definition, the column that counts its answers, how a
change in it is tested, which way is better, and its small-sample rule. Cards, the journey-map switch, tables,
the Loyalty grid, captions, the CLI report and docs/metrics.md read it (a test walks it).

Real surveys often ask only some questions (a CSAT-only survey has no NPS), so pages show the survey metrics the
data has instead of empty NPS charts (metrics_present, headline, missing_note).
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Mapping
from dataclasses import dataclass

import pandas as pd

from analytics.nps import Nps, difference, nps
from analytics.settings import (
    CSAT_TOP_FROM,
    DETRACTOR_UP_TO,
    MIN_N,
    PROMOTER_FROM,
    SLOW_TICKET_HOURS,
)
from analytics.significance import Difference, mean_difference, proportion_difference

Test = Callable[[pd.Series, pd.Series], Difference]  # (this period's row, the comparison's row) -> the change


def _nps_of(row: pd.Series) -> Nps:
    return nps(int(row.promoters), int(row.passives), int(row.detractors))


def _nps_test(a: pd.Series, b: pd.Series) -> Difference:
    return difference(_nps_of(a), _nps_of(b))


def _share_test(hits: str, n: str) -> Test:
    return lambda a, b: proportion_difference(int(a[hits]), int(a[n]), int(b[hits]), int(b[n]))


def _mean_test(total: str, squares: str, n: str) -> Test:
    return lambda a, b: mean_difference(a[total], a[squares], int(a[n]), b[total], b[squares], int(b[n]))


@dataclass(frozen=True)
class Metric:
    """A metric as every view shows it. Survey metrics are samples (tested, with margins and a minimum n);
    loyalty and service figures are complete counts of what happened, so nothing is tested."""

    key: str  # the value column; its margin of error, if any, is in f"{key}_margin"
    label: str  # on axes, cards and in tables
    definition: str  # the hover help, the docs and the report say exactly this
    source: str  # "survey", "loyalty" or "service": which summarised row holds it
    number_format: str
    table_format: str  # printf style, for table columns
    name: str = ""  # inside a sentence (survey metrics)
    answers: str = ""  # what the data lacks when it lacks this metric (survey metrics)
    n_column: str | None = None  # the answers behind it; None for complete counts
    test: Test | None = None  # None: a complete count, not a sample, so there is nothing to test
    higher_is_better: bool | None = True  # None: neither (a volume, such as tickets opened)
    margin_format: str = "{:.0f}"
    change_format: str = "{:+.0f}"
    bounds: tuple[float, float] | None = None  # the ends of the scale

    @property
    def margin_column(self) -> str:
        return f"{self.key}_margin"

    @property
    def unit_label(self) -> str:
        """The label with its unit, for tables and axes whose numbers do not carry it ("CSAT %")."""
        return f"{self.label} %" if self.number_format.endswith("%") else self.label

    @property
    def min_n(self) -> int | None:
        """Below this many answers it is a small sample: greyed, never ranked nor called significant."""
        return MIN_N if self.n_column else None


def _survey(key: str, label: str, name: str, answers: str, definition: str, number_format: str, table_format: str,
            test: Test, margin_format: str, change_format: str, bounds: tuple[float, float]) -> Metric:
    return Metric(key, label, definition, "survey", number_format, table_format, name, answers, f"{key}_n", test,
                  margin_format=margin_format, change_format=change_format, bounds=bounds)


def _count(key: str, label: str, source: str, definition: str, number_format: str = "{:,.0f}",
           table_format: str = "%d", higher_is_better: bool | None = True, test: Test | None = None,
           n_column: str | None = None, name: str = "") -> Metric:
    """A loyalty or service figure; one with a test (a share of customers or tickets) changes in points."""
    return Metric(key, label, definition, source, number_format, table_format, name, n_column=n_column, test=test,
                  higher_is_better=higher_is_better, margin_format="{:.1f}" if test else "{:.0f}",
                  change_format="{:+.1f} pts" if test else "{:+.0f}")


SURVEY_METRICS: dict[str, Metric] = {metric.key: metric for metric in (
    _survey("nps", "NPS", "NPS", "NPS answers",
            f"Net Promoter Score: % promoters ({PROMOTER_FROM}-10) − % detractors (0-{DETRACTOR_UP_TO}) on 'How likely "
            "are you to recommend us?', −100 to +100, shown ± its 95% margin of error.",
            "{:+.0f}", "%+.0f", _nps_test, "{:.0f}", "{:+.0f} pts", (-100, 100)),
    _survey("csat", "CSAT", "CSAT", "CSAT answers",
            f"CSAT: share of answers of {CSAT_TOP_FROM} or 5 on the 1-5 satisfaction question, in %.",
            "{:.0f}%", "%.1f", _share_test("csat_top2", "csat_n"), "{:.0f}", "{:+.0f} pts", (0, 100)),
    _survey("ces", "Effort (CES)", "effort (CES)", "effort (CES) answers",
            "Customer Effort Score: mean of the 1-7 'easy to deal with' answer (7 = very easy).",
            "{:.2f}", "%.2f", _mean_test("ces_sum", "ces_squares", "ces_n"), "{:.2f}", "{:+.2f}", (1, 7)),
    _survey("sentiment", "Sentiment", "sentiment", "comments to score sentiment from",
            "Sentiment: mean comment polarity from −1 (negative) to +1 (positive), scored once at import.",
            "{:+.2f}", "%+.2f", _mean_test("sentiment_sum", "sentiment_squares", "sentiment_n"), "{:.2f}", "{:+.2f}",
            (-1, 1)),
)}
METRICS: dict[str, Metric] = {**SURVEY_METRICS, **{metric.key: metric for metric in (
    Metric("negative_share", "Negative comments",
           "Share of scored comments in the negative band, in %. Each scorer's bands were fitted on human-rated "
           "sentences (analytics/models/sentiment.json); comments not in English are not scored.",
           "survey", "{:.0f}%", "%.0f", n_column="sentiment_n", higher_is_better=False, bounds=(0, 100)),
    _count("responses", "Responses", "survey", "Survey answers in the period.", higher_is_better=None),
    _count("customers", "Customers", "loyalty",
           "Customers in the tier (current tier), including customers known only from their surveys, tickets or "
           "orders (no tier)."),
    _count("active_customers", "Active customers", "loyalty",
           "Customers with at least one purchase order (amount > 0) in the period."),
    _count("orders", "Orders", "loyalty",
           "Purchase orders (amount > 0) in the period; returns and cancellations are counted apart."),
    _count("returns", "Returns", "loyalty", "Returns and cancellations (amount < 0) in the period.",
           higher_is_better=False),
    _count("gross_sales", "Gross sales", "loyalty", "Sum of purchase orders in the period.", table_format="%.2f"),
    _count("revenue", "Revenue", "loyalty", "Net revenue: gross sales plus returns (negative amounts) in the period.",
           table_format="%.0f"),
    _count("orders_per_customer", "Orders per active customer", "loyalty",
           "Purchase orders in the period per active customer.", "{:.2f}", "%.2f"),
    _count("average_order_value", "Average order value", "loyalty", "Gross sales / purchase orders in the period.",
           "{:,.2f}", "%.2f"),
    _count("repeat_rate", "Repeat-purchase rate", "loyalty",
           "Share of active customers with 2 or more purchase orders in the period, in %.", "{:.1f}%", "%.1f",
           test=_share_test("repeat_buyers", "active_customers"), n_column="active_customers",
           name="repeat-purchase rate"),
    _count("retention", "Retention", "loyalty",
           "Share of the previous period's buyers (a purchase order then) who bought again in this period, in %.",
           "{:.1f}%", "%.1f"),
    _count("points_earned", "Points earned", "loyalty", "Loyalty points earned with orders in the period.",
           higher_is_better=None),
    _count("points_redeemed", "Points redeemed", "loyalty", "Loyalty points spent on orders in the period.",
           higher_is_better=None),
    _count("redemption_rate", "Points redemption", "loyalty", "Points redeemed / points earned in the period, in %.",
           "{:.1f}%", "%.1f"),
    _count("breakage", "Breakage", "loyalty",
           "Share of points earned in the period by members who redeemed nothing in the period, in % (points at "
           "risk of never being redeemed).", "{:.1f}%", "%.1f", higher_is_better=False),
    _count("tickets", "Tickets", "service", "Tickets opened in the period.", higher_is_better=None),
    _count("resolved", "Resolved", "service", "Of those, tickets with a resolution time.", higher_is_better=None),
    _count("median_first_response_hours", "Median hours to first response", "service",
           "Median hours from opening to the first agent response.", "{:.1f}", "%.1f", higher_is_better=False),
    _count("median_resolution_hours", "Median hours to resolution", "service",
           "Median hours from opening to resolution (resolved tickets).", "{:.1f}", "%.1f", higher_is_better=False),
    _count("slow_share", f"Over {SLOW_TICKET_HOURS} h", "service",
           f"Share of resolved tickets that took more than {SLOW_TICKET_HOURS} hours, in %.", "{:.1f}%", "%.1f",
           higher_is_better=False, test=_share_test("slow", "resolved"), n_column="resolved",
           name=f"share of tickets resolved in over {SLOW_TICKET_HOURS} h"),
    _count("ticket_csat", "Ticket CSAT", "service",
           f"Ticket CSAT: share of {CSAT_TOP_FROM} and 5 on the 1-5 ticket rating, in %.", "{:.0f}%", "%.1f",
           n_column="csat_n"),
    _count("backlog", "Open tickets", "service", "Tickets opened by a month's end and not resolved by then.",
           higher_is_better=False),
)}}
HEADLINE = ("nps", "csat", "sentiment")  # a page shows the first of these the data holds


def metrics_present(totals: Mapping[str, float] | pd.Series) -> tuple[str, ...]:
    """The metrics with at least one answer in survey totals (a summarised row), in registry order."""
    return tuple(key for key, metric in SURVEY_METRICS.items()
                 if metric.n_column is not None and (totals.get(metric.n_column) or 0) > 0)


def headline(present: Collection[str]) -> str:
    """NPS, else CSAT, else sentiment: the first the data holds (NPS when it holds none, so empty states say so)."""
    return next((key for key in HEADLINE if key in present), HEADLINE[0])


def with_sentiment(shown: str) -> tuple[Metric, ...]:
    """The metric shown and comment sentiment beside it, each once (sentiment may be the metric shown)."""
    return tuple(METRICS[key] for key in dict.fromkeys((shown, "sentiment")))


def missing_note(present: Collection[str], shown: str) -> str | None:
    """One line naming the metrics the data lacks, so an absent metric is not taken for a fault; None if none."""
    missing = [metric for key, metric in SURVEY_METRICS.items() if key not in present]
    if not missing:
        return None
    first, *rest = missing
    note = f"This data has no {first.answers}" + (f": showing {METRICS[shown].name}" if shown != HEADLINE[0] else "")
    return note + "." + (f" Also missing: {', '.join(metric.name for metric in rest)}." if rest else "")


def empty_message(metric: str, present: Collection[str]) -> str:
    """Why a chart of one metric is empty: the data lacks the metric, or the filters leave none of its answers."""
    if metric not in present:
        return f"This data has no {METRICS[metric].answers}."
    return f"No {METRICS[metric].name} answers for these filters. Widen the period or clear a filter."


TEST_NAMES = {"nps": "z-test on NPS (SE from the promoter/detractor variance)", "csat": "two proportions",
              "repeat_rate": "two proportions", "slow_share": "two proportions", "ces": "Welch z on means",
              "sentiment": "Welch z on means"}


def _test_name(metric: Metric) -> str:
    if metric.test:
        return TEST_NAMES[metric.key]
    return "shown, not compared between periods" if metric.n_column else "complete count: no test"


DIRECTIONS = {True: "higher", False: "lower", None: "neither"}


def render_markdown() -> str:
    """The registry and the thresholds as the generated part of docs/metrics.md (kept in sync by a test)."""
    from analytics import settings

    lines = ["| metric | definition | counted over | change tested by | better |", "| --- | --- | --- | --- | --- |"]
    for metric in METRICS.values():
        lines.append(f"| {metric.label} | {metric.definition} | {metric.n_column or 'every row'} | "
                     f"{_test_name(metric)} | {DIRECTIONS[metric.higher_is_better]} |")
    thresholds = [(name, value) for name, value in vars(settings).items() if name.isupper()]
    lines += ["", "Thresholds (`analytics/settings.py`; the SQL, captions and the demo generator read them):", "",
              "| setting | value |", "| --- | --- |", *(f"| `{name}` | {value} |" for name, value in thresholds)]
    return "\n".join(lines) + "\n"
