"""The reports at scale: the one-file HTML and the PDF of the default view (last 12 months against the previous),
each built from scratch in this process (reads not cached), best of `repeat` runs."""

from __future__ import annotations

import time

import reports
from data_access.db import open_database
from data_access.filters import Filters
from reports.pdf import chromium


def measure(url: str, repeat: int = 1) -> dict:
    engine = open_database(url)
    try:
        filters = reports.period_filters(engine, Filters(), "last-12-months")
        result: dict = {}
        for fmt in ("html", "pdf"):
            if fmt == "pdf" and chromium() is None:
                result[fmt] = {"skipped": "no Chromium"}
                continue
            seconds = []
            for _ in range(repeat):
                start = time.perf_counter()
                content = reports.render(engine, filters, fmt)
                seconds.append(time.perf_counter() - start)
            result[fmt] = {"seconds": round(min(seconds), 2), "bytes": len(content)}
        return result
    finally:
        engine.dispose()
