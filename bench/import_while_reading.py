"""Pages read while `cli.py import` writes to the same database (issue 15 finding 8, docs/decisions/0010).

This process plays the app: it opens the database as the app does (data_access.cache.engine(), which on an
embedded DuckDB file serves the CLI's commands), records the reads of the Overview page (AppTest, default view),
then N reader threads (Streamlit sessions are threads of the one app process) replay that page's reads through
cache.run_read, uncached, as fast as they can for the whole run. Part-way in, `cli.py import survey FILE --replace`
runs as a real subprocess on the same database. Printed: the import's exit code and time, reader errors, pages
read, and page-read latency p50/p95 during the import and outside it.

    python -m bench.import_while_reading --url duckdb:///tmp/x.duckdb [--readers 10] [--seconds 30]
    python -m bench.import_while_reading --url ... --no-serve   # before decision 0010: the CLI opens the file itself

Not part of `make bench` (it needs its own copy of a database: the import replaces the survey).
"""

from __future__ import annotations

import argparse
import logging
import os
import statistics
import subprocess
import sys
import threading
import time
import warnings
from datetime import UTC, datetime

from bench.common import ROOT, emit, machine
from bench.pages import Call, recording

DEFAULT_FILE = ROOT / "sample_data" / "survey.csv"


def page_reads() -> list[Call]:
    """The registered reads the Overview runs cold under the default view."""
    import streamlit as st
    from streamlit.testing.v1 import AppTest

    calls: list[Call] = []
    st.cache_data.clear()
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=600)
    with recording(calls):
        at.run()
    if at.exception or not calls:
        raise RuntimeError(f"the Overview did not run: {[str(e.value)[:200] for e in at.exception]}")
    return calls


def read_pages(engine, calls: list[Call], stop: threading.Event, pages: list, errors: list) -> None:
    """One session: the page's reads again and again; (start, end) of each page, or (start, error)."""
    from data_access.cache import run_read
    from data_access.db import DatabaseError
    from data_access.reads import READS

    while not stop.is_set():
        start = time.perf_counter()
        try:
            for name, args, kwargs in calls:
                run_read(engine, lambda conn, name=name, args=args, kwargs=kwargs: READS[name].on(conn, *args,
                                                                                                  **kwargs))
        except DatabaseError as error:
            errors.append((start, str(error).splitlines()[0][:300]))
            stop.wait(0.05)  # the app would show the message; the session reads again on the next rerun
            continue
        pages.append((start, time.perf_counter()))


def percentile(values: list[float], share: float) -> float | None:
    if not values:
        return None
    return statistics.quantiles(values, n=100, method="inclusive")[round(share * 100) - 1] if len(values) > 1 \
        else values[0]


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--url", required=True, help="a copy of a demo database: the import replaces its survey")
    parser.add_argument("--readers", type=int, default=10)
    parser.add_argument("--seconds", type=float, default=30.0, help="how long the readers read in all")
    parser.add_argument("--file", default=str(DEFAULT_FILE), help="the survey file to import (--replace)")
    parser.add_argument("--no-serve", action="store_true", help="do not serve the CLI's commands (the old way)")
    args = parser.parse_args(argv)
    os.environ["CX_DATABASE_URL"] = args.url
    warnings.filterwarnings("ignore")
    logging.getLogger("streamlit").setLevel(logging.ERROR)
    from data_access import cache, owner

    engine = cache.engine()
    if args.no_serve:
        owner.stop()
    served = engine.dialect.name == "duckdb" and owner.serving(engine.url.database)
    calls = page_reads()
    stop, pages, errors = threading.Event(), [], []
    readers = [threading.Thread(target=read_pages, args=(engine, calls, stop, pages, errors), daemon=True)
               for _ in range(args.readers)]
    began = time.perf_counter()
    for reader in readers:
        reader.start()
    time.sleep(args.seconds / 5)  # readers in full swing before the import starts
    import_start = time.perf_counter()
    done = subprocess.run([sys.executable, str(ROOT / "cli.py"), "import", "survey", args.file, "--replace",
                           "--database-url", args.url], cwd=ROOT, capture_output=True, text=True, check=False,
                          env={k: v for k, v in os.environ.items() if k != "CX_DATABASE_URL"})
    import_end = time.perf_counter()
    stop.wait(max(0.0, began + args.seconds - time.perf_counter()))
    stop.set()
    for reader in readers:
        reader.join(timeout=120)
    cache.release_embedded_file()

    during = [end - start for start, end in pages if start < import_end and end > import_start]
    outside = [end - start for start, end in pages if end <= import_start or start >= import_end]
    failed = [message for start, message in errors]
    result = {
        "when": datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC"), "url": args.url, "served": served,
        "readers": args.readers, "reads_per_page": len(calls), "seconds": round(time.perf_counter() - began, 1),
        "import_exit": done.returncode, "import_seconds": round(import_end - import_start, 2),
        "import_said": (done.stdout.strip().splitlines() or [""])[-1][:200] if done.returncode == 0
        else (done.stderr.strip().splitlines() or [""])[-1][:300],
        "pages_read": len(pages), "pages_during_import": len(during), "reader_errors": len(failed),
        "reader_errors_during_import": sum(1 for start, _ in errors if import_start <= start <= import_end),
        "first_error": failed[0] if failed else None,
        "p50_during": percentile(during, 0.5), "p95_during": percentile(during, 0.95),
        "p50_outside": percentile(outside, 0.5), "p95_outside": percentile(outside, 0.95),
        "machine": {k: v for k, v in machine().items() if k != "versions"},
    }
    ms = {key: f"{result[key] * 1000:.0f} ms" if result[key] is not None else "—"
          for key in ("p50_during", "p95_during", "p50_outside", "p95_outside")}
    how = "the CLI's command runs in this process" if served else "the CLI opens the database itself"
    print(f"{result['when']} · {args.readers} readers · {how}"
          f" · {args.url}\n"
          f"import: exit {result['import_exit']} in {result['import_seconds']} s — {result['import_said']}\n"
          f"pages read: {len(pages)} ({len(calls)} reads each), {len(during)} during the import; reader errors "
          f"{len(failed)} ({result['reader_errors_during_import']} during the import)"
          + (f": {failed[0]}" if failed else "") + "\n"
          f"page latency during the import p50 {ms['p50_during']}, p95 {ms['p95_during']}; "
          f"outside it p50 {ms['p50_outside']}, p95 {ms['p95_outside']}", file=sys.stderr)
    emit(result)


if __name__ == "__main__":
    main()
