"""Reports people forward: the numbers of a period as JSON, Markdown, one-file HTML and PDF, without Streamlit."""

from __future__ import annotations

from dataclasses import replace

from sqlalchemy.engine import Engine

from analytics.periods import preset_dates
from data_access import reads
from data_access.filters import Filters

PERIODS = {"last-month": "month", "last-quarter": "quarter", "last-12-months": "12m", "ytd": "ytd"}
FORMATS = {"json": "json", "markdown": "md", "html": "html", "pdf": "pdf"}


class NoData(ValueError):
    """The database, or the period asked for, holds nothing to report."""


def period_filters(engine: Engine, filters: Filters, period: str | None = None) -> Filters:
    """The report's dates: a relative period resolved against the data's last day (so a cron job needs no date
    arithmetic), else the dates given, open ends filled from the data; NoData when nothing falls in them."""
    with engine.connect() as conn:
        span = reads.status.data_date_range(conn)
    if span is None:
        raise NoData("the database holds no survey responses or orders yet; run `python cli.py demo` or import data.")
    if period:
        start, end = preset_dates(PERIODS[period], *span)
        filters = replace(filters, start=start, end=end)
    filters = filters.within(*span)
    start, end = filters.period
    if end < span[0] or start > span[1] or start > end:
        raise NoData(f"no data from {start} to {end}: the data runs from {span[0]} to {span[1]}.")
    return filters


def render(engine: Engine, filters: Filters, fmt: str, compare: str = "previous",
           sections: tuple[str, ...] | None = None) -> bytes:
    """The report in one format, as the bytes of a file."""
    import json

    from reports.html import SECTIONS, render_html
    from reports.markdown import to_markdown
    from reports.numbers import build_report

    if fmt in ("json", "markdown"):
        numbers = build_report(engine, filters)
        if fmt == "json":
            return (json.dumps(numbers, indent=2) + "\n").encode("utf-8")
        return to_markdown(numbers, _markdown_brief(engine, filters, compare)).encode("utf-8")
    page = render_html(engine, filters, compare, sections or SECTIONS)
    if fmt == "html":
        return page.encode("utf-8")
    from reports.pdf import to_pdf

    return to_pdf(page, f"CX report · {filters.describe()}")


def file_name(filters: Filters, fmt: str) -> str:
    """A dated name, so reports written to one folder by a scheduled job never overwrite each other."""
    return f"cx-report-{filters.start:%Y-%m-%d}-to-{filters.end:%Y-%m-%d}.{FORMATS[fmt]}"


def _markdown_brief(engine: Engine, filters: Filters, compare: str) -> list[str]:
    """The "What changed" section of the Markdown report, its statements linked when CX_APP_URL is set."""
    from reports.links import app_url, brief_lines, link_hint
    from reports.markdown import brief_block
    from reports.numbers import report_overview

    with engine.connect() as conn:
        span = reads.status.data_date_range(conn)
        assert span is not None  # build_report has refused an empty database
        found, _ = report_overview(conn, filters.within(*span), compare, span)
    base = app_url()
    return brief_block(brief_lines(found.brief, base), found.brief.rule if found.brief else "",
                       link_hint(found.brief, base))
