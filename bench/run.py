"""Run the whole benchmark and write bench/results/latest.md, latest.json and sentiment.json.

    python -m bench.run [--scale 1m|small] [--skip-load] [--repeat N]

Builds the demo company into bench/.data/cx-<scale>.duckdb (and into CX_BENCH_POSTGRES_URL when set),
times every page cold and warm, the pages' queries against the raw driver, the pandas reference, the
app's peak RSS and the sentiment scorers. Heavy parts run one after another (2 cores here).
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from pathlib import Path

from sqlalchemy.engine import make_url
from sqlalchemy.exc import SQLAlchemyError

from analytics.sentiment import DEFAULT_SCORER
from bench import report, sentiment
from bench import reports as bench_reports
from bench.common import DATA_DIR, RESULTS_DIR, duckdb_url, machine, median, run_child
from data_access.settings import masked

KPI_SETS = ("overview", "loyalty")


def _holds_data(url: str) -> bool:
    """Whether there is a database at url with the app's tables and some data in them (for --skip-load)."""
    from data_access.db import DatabaseError, create_engine
    from data_access.reads import status

    parsed = make_url(url)
    if parsed.get_backend_name() == "duckdb" and not Path(parsed.database).exists():
        return False
    try:
        engine = create_engine(url)
        with engine.connect() as conn:
            return status.data_date_range(conn) is not None
    except (DatabaseError, SQLAlchemyError):
        return False
    finally:
        if "engine" in locals():
            engine.dispose()


def default_period(url: str) -> tuple[tuple[str, str], tuple[str, str]]:
    """The app's default view (its period preset over the data's dates) and its comparison period, as ISO dates."""
    from analytics.periods import preset_dates
    from components.filters import DEFAULT_PRESET
    from data_access.db import create_engine
    from data_access.filters import Filters
    from data_access.reads import status

    engine = create_engine(url)
    with engine.connect() as conn:
        span = status.data_date_range(conn)
    engine.dispose()
    filters = Filters(*preset_dates(DEFAULT_PRESET, *span))
    comparison = filters.previous_period()
    return ((filters.start.isoformat(), filters.end.isoformat()),
            (comparison.start.isoformat(), comparison.end.isoformat()))


def reference(url: str, repeat: int) -> dict:
    """Each KPI set both ways, every run in a fresh process; median seconds, largest memory."""
    period, comparison = default_period(url)
    out: dict = {"period": period, "comparison": comparison, "kpis": {}}
    for kpis in KPI_SETS:
        both = {}
        for mode in ("app", "pandas"):
            runs = [run_child("bench.reference", "--mode", mode, "--kpis", kpis, "--url", url,
                              "--period", *period, "--comparison", *comparison) for _ in range(repeat)]
            both[mode] = {
                **{k: median([r[k] for r in runs]) for k in ("seconds", "read_seconds", "compute_seconds")},
                **{k: max(r[k] for r in runs) for k in ("peak_rss_mb", "added_rss_mb", "baseline_rss_mb")},
                "result": runs[0]["result"]}
        from bench.reference import agree
        both["agree"] = agree(both["app"]["result"], both["pandas"]["result"])
        out["kpis"][kpis] = both
    return out


def store(url: str, scale: str, skip_load: bool, repeat: int, log) -> dict:
    """Load (unless reusing), then pages and queries in their own process."""
    result: dict = {}
    if skip_load and _holds_data(url):
        result["load"] = None
    else:
        log(f"loading scale {scale} into {masked(url)}…")
        result["load"] = run_child("bench.load", "--url", url, "--scale", scale)
    log("pages: cold and warm, then their queries against the raw driver…")
    result["pages"] = run_child("bench.pages", "--url", url, "--repeat", str(repeat))
    return result


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--scale", choices=("1m", "small"), default="1m")
    parser.add_argument("--skip-load", action="store_true", help="reuse the existing database file")
    parser.add_argument("--repeat", type=int, default=3, help="runs per figure (the median is reported)")
    parser.add_argument("--out", type=Path, default=RESULTS_DIR, help="folder for latest.md/json, sentiment.json")
    parser.add_argument("--data", type=Path, default=DATA_DIR, help="folder for the benchmark's database files")
    parser.add_argument("--sentiment-limit", type=int, help="texts per rated set (for quick runs)")
    parser.add_argument("--postgres-url", default=os.environ.get("CX_BENCH_POSTGRES_URL"),
                        help="PostgreSQL to benchmark too (its app tables are dropped and rebuilt); "
                             "default CX_BENCH_POSTGRES_URL")
    args = parser.parse_args(argv)

    def log(message: str) -> None:
        print(f"[bench] {message}", file=sys.stderr, flush=True)

    args.data.mkdir(parents=True, exist_ok=True)
    url = duckdb_url(args.scale, args.data)
    results: dict = {"scale": args.scale, "repeat": args.repeat, "machine": machine()}
    log("sentiment scorers against human ratings…")
    results["sentiment"] = sentiment.measure(limit=args.sentiment_limit)
    args.out.mkdir(parents=True, exist_ok=True)
    (args.out / "sentiment.json").write_text(json.dumps(results["sentiment"], indent=1) + "\n", encoding="utf-8")
    embedded = store(url, args.scale, args.skip_load, args.repeat, log)
    results.update(embedded)
    used = results["sentiment"].get("scorers", {}).get(DEFAULT_SCORER)
    survey = next((d for d in (results["load"] or {}).get("datasets", []) if d["dataset"] == "survey"), None)
    if used and survey and survey.get("texts"):
        results["load"]["all_distinct_seconds"] = survey["texts"] / used["texts_per_second_one_core"]
    log("reports: HTML and PDF of the default view…")
    results["reports"] = bench_reports.measure(url, args.repeat)
    log("company scorer: training on the benchmark's rated comments…")
    results["company_scorer"] = sentiment.company(url)
    log("reference: the KPIs in pandas vs in the engine, each in a fresh process…")
    results["reference"] = reference(url, args.repeat)
    if args.postgres_url:
        results["postgres"] = store(args.postgres_url, args.scale, args.skip_load, args.repeat, log)
    else:
        results["postgres_note"] = "not run: set CX_BENCH_POSTGRES_URL to a PostgreSQL database to include it"
    results["load_average_end"] = [round(x, 2) for x in os.getloadavg()]
    print(report.write(results, args.out))
    return 0


if __name__ == "__main__":
    sys.exit(main())
