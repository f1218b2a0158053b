"""Every page as a user's rerun runs it (AppTest from app.py, switched to the page), cold and warm, then the
page's queries alone and the same SQL on the engine's own driver.

Runs as its own process (`python -m bench.pages --url URL`), so its peak RSS is the app process's while
every page is visited. The page's queries are recorded while the pages run cold (each registered read that
reached the database) and replayed three ways: as the app runs them (a connection per read, SQLAlchemy
Core, a DataFrame), the same reads on one connection, and the SQL SQLAlchemy sent, captured at the
cursor, on the driver's connection (DuckDB's or psycopg's) with the driver's own fetch.
"""

from __future__ import annotations

import argparse
import os
import warnings
from collections.abc import Callable
from contextlib import contextmanager
from typing import Any

import sqlalchemy as sa

from bench.common import ROOT, current_rss_mb, emit, median, peak_rss_mb, timed

PAGES = (("Overview", "app.py"), ("Journey map", "pages/1_Journey_map.py"), ("Touchpoints", "pages/2_Touchpoints.py"),
         ("Loyalty", "pages/3_Loyalty.py"), ("Service", "pages/4_Service.py"), ("Voices", "pages/5_Voices.py"))
VIEWS = {"default": {}, "narrow": {"tier": "Gold", "period": "quarter"}}  # narrow: one tier, one quarter
Call = tuple[str, tuple, dict]


def available_pages() -> list[tuple[str, str]]:
    """The pages present in this checkout (Voices may not exist yet)."""
    return [(label, script) for label, script in PAGES if (ROOT / script).exists()]


@contextmanager
def recording(calls: list[Call]):
    """Record every registered read that reaches the database (cache misses) while the block runs."""
    from data_access.reads import READS

    originals = {name: read.fn for name, read in READS.items()}

    def wrap(name: str, read: Callable) -> Callable:
        def recorded(conn, *args, **kwargs):
            calls.append((name, args, kwargs))
            return read(conn, *args, **kwargs)
        return recorded

    for name, read in READS.items():
        read.fn = wrap(name, originals[name])
    try:
        yield
    finally:
        for name, read in READS.items():
            read.fn = originals[name]


def _errors(at) -> list[str]:
    return [str(e.value).splitlines()[0][:200] for e in at.exception]


def visit(repeat: int) -> tuple[list[dict], dict[tuple[str, str], list[Call]]]:
    """Cold and warm wall times of every page under every view; the reads each page ran cold."""
    import streamlit as st
    from streamlit.testing.v1 import AppTest

    rows, recorded = [], {}
    for view, params in VIEWS.items():
        at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=600)
        for key, value in params.items():
            at.query_params[key] = value
        at.run()  # the session's first run seeds the filters from the URL
        for label, script in available_pages():
            cold, warm, calls = [], [], []
            for attempt in range(repeat):
                st.cache_data.clear()
                with recording(calls if attempt == 0 else []):
                    seconds, _ = timed(lambda at=at, script=script: at.switch_page(script).run())
                cold.append(seconds)
            errors = _errors(at)
            for _ in range(repeat):
                seconds, _ = timed(at.run)
                warm.append(seconds)
            recorded[(view, label)] = calls
            if not at.get("plotly_chart"):
                errors.append("no chart drawn: " + "; ".join(i.value[:80] for i in at.info) if at.info else
                              "no chart drawn")
            rows.append({"view": view, "page": label, "script": script, "cold_seconds": median(cold),
                         "warm_seconds": median(warm), "cold_all": cold, "warm_all": warm,
                         "queries": len(calls), "errors": errors + _errors(at),
                         "charts": len(at.get("plotly_chart"))})
    return rows, recorded


@contextmanager
def capturing(engine: sa.Engine, statements: list[tuple[str, Any]]):
    """The SQL and parameters SQLAlchemy hands the driver, as the driver receives them."""
    def capture(conn, cursor, statement, parameters, context, executemany):
        statements.append((statement, parameters))

    sa.event.listen(engine, "before_cursor_execute", capture)
    try:
        yield
    finally:
        sa.event.remove(engine, "before_cursor_execute", capture)


def _app_reads(engine: sa.Engine, calls: list[Call]) -> list[float]:
    """As data_access.cache runs them (cache.run_read: on DuckDB, the connection shared by close reads)."""
    from data_access.cache import run_read
    from data_access.reads import READS

    seconds = []
    for name, args, kwargs in calls:
        def read(name=name, args=args, kwargs=kwargs):
            return run_read(engine, lambda conn: READS[name].on(conn, *args, **kwargs))
        seconds.append(timed(read)[0])
    return seconds


def _one_connection(engine: sa.Engine, calls: list[Call]) -> float:
    from data_access.reads import READS

    def reads():
        with engine.connect() as conn:
            for name, args, kwargs in calls:
                READS[name].on(conn, *args, **kwargs)
    return timed(reads)[0]


def _raw(engine: sa.Engine, statements: list[tuple[str, Any]]) -> float:
    """The captured SQL on the driver's own connection and fetch, no SQLAlchemy or pandas in between."""
    def run():
        raw = engine.raw_connection()
        try:
            driver = raw.driver_connection
            for sql, params in statements:
                driver.execute(sql, params or None).fetchall()
        finally:
            raw.close()
    return timed(run)[0]


def replay(url: str, recorded: dict[tuple[str, str], list[Call]], repeat: int) -> list[dict]:
    """Per page and view: the page's reads as the app runs them, on one connection, and as raw SQL."""
    from data_access.db import create_engine

    engine = create_engine(url)
    rows = []
    for (view, label), calls in recorded.items():
        statements: list[tuple[str, Any]] = []
        with capturing(engine, statements):
            _app_reads(engine, calls)  # also warms the engine's buffers, as the page runs before did
        app, one, raw = [], [], []
        for _ in range(repeat):
            app.append(sum(_app_reads(engine, calls)))
            one.append(_one_connection(engine, calls))
            raw.append(_raw(engine, statements))
        per_read = [median(list(s)) for s in zip(*(_app_reads(engine, calls) for _ in range(repeat)), strict=True)] \
            if calls else []
        rows.append({"view": view, "page": label, "queries": len(calls), "statements": len(statements),
                     "app_seconds": median(app), "one_connection_seconds": median(one), "raw_seconds": median(raw),
                     "reads": [{"name": name, "seconds": s} for (name, _, _), s in zip(calls, per_read, strict=True)]})
    engine.dispose()
    return rows


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--url", required=True)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args(argv)
    os.environ["CX_DATABASE_URL"] = args.url
    warnings.filterwarnings("ignore")
    import logging
    logging.getLogger("streamlit").setLevel(logging.ERROR)
    start_rss = current_rss_mb()
    pages, recorded = visit(args.repeat)
    visit_peak = peak_rss_mb()
    queries = replay(args.url, recorded, args.repeat)
    emit({"pages": pages, "queries": queries, "rss": {"start_mb": start_rss, "peak_mb": visit_peak}})


if __name__ == "__main__":
    main()
