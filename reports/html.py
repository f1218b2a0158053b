"""One self-contained HTML file for a period: the brief, the KPI table, and the Overview's and journey's charts with
their tables; plotly.js embedded once, no fonts or scripts from the network, every text from data escaped.

Built from the same reads, analytics and chart builders as the pages (analytics.overview,
components.overview_charts, components.charts), so a report never disagrees with the screen.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field, replace
from datetime import date
from functools import partial
from pathlib import Path

import jinja2
import pandas as pd
import plotly.graph_objects as go
from plotly.offline import get_plotlyjs
from sqlalchemy.engine import Engine

from analytics.journey import JOURNEY_METRICS, journey_grid
from analytics.kpis import KPIS, KpiValue
from analytics.survey import summarise
from analytics.terms import terms_by_band
from analytics.workshop import action_order, filled, is_overdue
from components import charts
from components.comment_charts import term_bars
from components.overview_charts import MOVERS_NOTE, overview_charts
from data_access import reads
from data_access.filters import COMPARISONS, Filters
from data_access.reads.comments import SAMPLE_PER_BAND
from data_access.settings import read_only
from reports.links import app_url, brief_lines, link_hint
from reports.markdown import TIER_COLUMNS, TOUCHPOINT_COLUMNS, _fmt, _header
from reports.numbers import build_report, report_overview

SECTIONS = ("brief", "kpis", "trend", "journey", "touchpoints", "comments", "tiers", "service", "actions")
ACTION_HEADINGS = ["Action", "Touchpoint", "Owner", "Due", "Status", "Expected effect", "Workshop"]
TERMS_NOTE = ("Terms are words and two-word phrases; score: weighted log-odds ratio with an informative Dirichlet "
              "prior (Monroe, Colaresi & Quinn 2008), as a z-score; |z| under 1.96 is left out. Up to {n:,} most "
              "recent comments per side.")
TEMPLATES = jinja2.Environment(loader=jinja2.FileSystemLoader(Path(__file__).parent / "templates"),
                               autoescape=True, trim_blocks=True, lstrip_blocks=True)
PLOT_CONFIG = {"displaylogo": False, "responsive": True}


@dataclass
class Table:
    headings: list[str]
    rows: list[list[str]]
    text_columns: int = 1  # leading columns aligned left


@dataclass
class Section:
    title: str
    figures: list[str] = field(default_factory=list)
    tables: list[Table] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


def _figure(fig: go.Figure) -> str:
    return fig.to_html(full_html=False, include_plotlyjs=False, config=PLOT_CONFIG)


def _kpi_row(kpi: KpiValue) -> dict:
    spec, change = kpi.spec, kpi.change
    tested = change is not None and not math.isnan(change.delta)
    defined = spec.definition if spec.definition.startswith(spec.label) else f"{spec.label}: {spec.definition}"
    return {"label": spec.label, "value": kpi.shown, "definition": defined,
            "previous": "–" if math.isnan(kpi.previous) else spec.number_format.format(kpi.previous),
            "change": (spec.change_format.format(change.delta) + " ± " + spec.margin_format.format(change.margin))
            if tested and change else "–", "verdict": kpi.verdict, "n": f"{kpi.n:,}" if kpi.n is not None else ""}


def _table(rows: list[dict], columns: list[str], text_columns: int) -> Table:
    return Table([_header(c) for c in columns], [[_fmt(row[c], c) for c in columns] for row in rows], text_columns)


def _comments(touchpoint: str | None, terms: pd.DataFrame | None, filters: Filters) -> Section:
    """The Voices page's distinguishing terms, for the touchpoint with the most negative comments."""
    title = "What unhappy customers write"
    if touchpoint is None or terms is None:
        return Section(title, notes=["No negative comments in the period."])
    figure = term_bars(terms, f"{touchpoint}: words that set negative comments apart from positive ones",
                       filters.describe())
    return Section(title, [_figure(figure)], notes=[f"{touchpoint} has the most negative comments in the period. "
                                                    + TERMS_NOTE.format(n=SAMPLE_PER_BAND)])


def _actions(actions: pd.DataFrame | None, today: date) -> Section:
    """The workshops' open actions, overdue first: what was promised and by whom (issue 14's take-away)."""
    title = "Open actions from workshops"
    if actions is None:
        return Section(title, notes=["Read-only mode: workshops are kept only in the app's own database."])
    if actions.empty:
        return Section(title, notes=["No open actions. Workshops on the Workshop page give each fix an owner and a "
                                     "due date; open ones are listed here."])
    rows = [[str(a["text"]), str(a["touchpoint"] or a["stage"] or ""), str(a["owner"] or ""),
             (f"{a['due_on']:%d %b %Y}" + (" (overdue)" if is_overdue(a["status"], a["due_on"], today) else ""))
             if a["due_on"] else "no date", str(a["status"]), str(a["expected_effect"] or ""), str(a["workshop"])]
            for a in action_order([filled(a) for a in actions.to_dict("records")], today)]
    return Section(title, tables=[Table(ACTION_HEADINGS, rows, text_columns=len(ACTION_HEADINGS))],
                   notes=[f"Open or in progress on {today:%d %b %Y}; overdue first, then by owner."])


def render_html(engine: Engine, filters: Filters, compare: str = "previous", sections: tuple[str, ...] = SECTIONS,
                title: str = "CX report") -> str:
    """The report of one period (open ends filled from the data) against its comparison period."""
    numbers = build_report(engine, filters)
    filters = replace(filters, start=date.fromisoformat(numbers["period"]["from"]),
                      end=date.fromisoformat(numbers["period"]["to"]))
    with engine.connect() as conn:
        span = reads.status.data_date_range(conn)
        assert span is not None  # build_report has refused an empty database
        counts = partial(reads.survey.counts.on, conn)
        found, metric = report_overview(conn, filters, compare, span)
        history = replace(filters, start=span[0], end=span[1])
        trend = summarise(counts(history, by=("month",)), metric=metric.key)
        journey = summarise(counts(filters, by=("stage_order", "stage", "touchpoint")))
        as_of = reads.status.last_import(conn)
        negative = reads.comments.by_touchpoint.on(conn, filters)
        negative = negative[negative["negative"] > 0]
        worst = str(negative["touchpoint"].iloc[0]) if not negative.empty else None
        terms = terms_by_band(reads.comments.sample.on(conn, filters, worst)) if worst else None
        actions = None if read_only() else reads.workshop.actions.on(conn)
    figures = overview_charts(found, trend, metric, filters.period, filters.describe(),
                              history.describe(), COMPARISONS[compare])
    _, label, number_format = JOURNEY_METRICS[metric.key]
    scale, zrange = charts.JOURNEY_SCALES[metric.key]
    built = {
        "trend": Section(f"{metric.name} over time and by tier",
                         [_figure(figures["trend"]), _figure(figures["tiers"])]),
        "journey": Section("The journey", [_figure(charts.journey_heatmap(
            journey_grid(journey, metric.key), label, number_format, f"{label} by touchpoint across the journey",
            filters.describe(), scale, zrange))]),
        "touchpoints": Section("Touchpoints", [_figure(figures["movers"])],
                               [_table(numbers["by_touchpoint"], TOUCHPOINT_COLUMNS, 2)], [MOVERS_NOTE]),
        "comments": _comments(worst, terms, filters),
        "tiers": Section("Loyalty tiers", tables=[_table(numbers["by_tier"], TIER_COLUMNS, 1)]),
        "service": Section("Service", tables=[Table(["Measure", "Value"], [[_header(k, {"csat": "ticket_csat"}),
                                                                          _fmt(v, k, {"csat": "ticket_csat"})]
                                                                         for k, v in numbers["service"].items()])]),
        "actions": _actions(actions, date.today()),
    }
    base = app_url()
    return TEMPLATES.get_template("report.html.j2").render(
        title=title, period=f"{filters.start:%d %b %Y} – {filters.end:%d %b %Y}", comparison=COMPARISONS[compare],
        data_as_of=f"{span[1]:%d %b %Y}" + (f" (last import {as_of:%d %b %Y %H:%M} UTC)" if as_of else ""),
        filters=filters.describe(), sections=sections, plotly_js=get_plotlyjs(),
        brief_lines=brief_lines(found.brief, base), brief_rule=found.brief.rule if found.brief else "",
        link_hint=link_hint(found.brief, base),
        kpis=[_kpi_row(k) for k in found.kpis if k.spec in KPIS],
        figure_sections=[built[name] for name in SECTIONS if name in sections and name in built])
