"""CX Insight from the command line: build the demo, import files, print the numbers the app shows."""

from __future__ import annotations

import argparse
import json
import math
import sys
from datetime import date
from pathlib import Path

import pandas as pd

from analytics import loyalty as loyalty_kpis
from analytics.loyalty import tier_kpis
from analytics.metrics import METRICS, headline, metrics_present, render_markdown
from analytics.service import service_levels
from analytics.survey import summarise
from data_access import contracts, reads
from data_access.db import DatabaseError, open_database
from data_access.export import csv_bytes
from data_access.filters import Filters
from data_access.import_report import ImportReport
from data_access.loaders import import_dataset
from data_access.mapping import Mapping
from data_access.presets import load_mapping, presets
from data_access.readers import READERS, ImportRejected

LOAD_ORDER = ("touchpoints", "customers", "tier_history", "survey", "service", "purchases")
SURVEY_FIELDS = ["nps", "nps_margin", "nps_n", "low_n", "csat", "csat_n", "ces", "ces_n", "sentiment",
                 "sentiment_n", "negative_share", "responses"]
LOYALTY_FIELDS = ["customers", "active_customers", "orders", "returns", "gross_sales", "revenue",
                  "orders_per_customer", "average_order_value", "repeat_rate", "retention", "points_earned",
                  "points_redeemed", "redemption_rate", "breakage"]
OVERALL_LOYALTY = ["customers", "active_customers", "orders", "returns", "gross_sales", "revenue",
                   "average_order_value", "repeat_rate"]
SERVICE_FIELDS = ["tickets", "resolved", "median_first_response_hours", "median_resolution_hours", "csat", "csat_n"]


def _print_report(report: ImportReport, out) -> None:
    print(report.summary(), file=out)
    for row in report.reasons().itertuples():
        print(f"  rejected {row.rows} row(s): {row.column}: {row.reason} (rows {row.first_rows})", file=out)


def demo(args: argparse.Namespace) -> int:
    """Build the demo company: the bundled CSVs at the default seed and scale, else freshly generated."""
    from sample_data import generate

    engine = open_database(args.database_url)
    if args.if_empty:
        with engine.connect() as conn:
            if reads.status.data_date_range(conn) is not None:
                print("The database already holds data; the demo was not loaded.")
                return 0
    bundled = Path(generate.__file__).parent
    if args.scale == "small" and args.seed == generate.DEFAULT_SEED:
        sources = {name: bundled / f"{name}.csv" for name in LOAD_ORDER}
    else:
        print(f"Generating the demo company at scale {args.scale} (seed {args.seed})…", flush=True)
        sources = generate.generate(args.scale, args.seed)
    for name in LOAD_ORDER:
        report = import_dataset(engine, name, sources[name], name=f"demo:{name}", scorer=args.scorer)
        _print_report(report, sys.stdout)
    return 0


def _files(paths: list[str]) -> list[Path]:
    """The files named, a folder standing for every file in it that the app reads, in name order."""
    found: list[Path] = []
    for given in map(Path, paths):
        if given.is_dir():
            inside = sorted(p for p in given.iterdir() if p.suffix.lower() in READERS)
            if not inside:
                raise ImportRejected(str(given), "the folder holds no CSV, Excel or Parquet files.")
            found += inside
        else:
            found.append(given)
    return found


def import_file(args: argparse.Namespace) -> int:
    """Import one file, or several of one layout together (one transaction); exit 1 when rejected whole."""
    mapping = load_mapping(args.mapping) if args.mapping else Mapping()
    mapping = mapping.with_constants(args.set)
    engine = open_database(args.database_url)
    last = [-1]

    def progress(step: str, fraction: float) -> None:
        tenth = int(fraction * 10)
        if tenth != last[0]:
            last[0] = tenth
            print(f"  {step}: {fraction:.0%}", file=sys.stderr, flush=True)

    report = import_dataset(engine, args.dataset, _files(args.files), mapping=mapping, scorer=args.scorer,
                            strict=args.strict, replace=args.replace, sheet=args.sheet, progress=progress)
    _print_report(report, sys.stdout)
    if args.rejected:
        Path(args.rejected).write_bytes(csv_bytes(report.rejections))
        print(f"Every rejected row ({report.rejected:,}): {args.rejected}")
    return 0


def list_presets(_: argparse.Namespace) -> int:
    """Print the shipped mapping presets."""
    for preset in presets().values():
        print(f"preset:{preset.name}  ({preset.dataset})  {preset.description}")
    return 0


def _clean(value):
    if isinstance(value, float) and math.isnan(value):
        return None
    if isinstance(value, (pd.Timestamp, date)):
        return value.isoformat()
    return value.item() if hasattr(value, "item") else value


def _records(frame: pd.DataFrame, fields: list[str]) -> list[dict]:
    return [{k: _clean(v) for k, v in row.items()} for row in frame[fields].to_dict("records")]


def build_report(engine, filters: Filters) -> dict:
    """The numbers of the Overview: overall, per touchpoint (with stage) and per tier (with loyalty)."""
    with engine.connect() as conn:
        span = reads.status.data_date_range(conn)
        if span is None:
            raise ImportRejected("report", "the database holds no survey responses or orders yet; "
                                           "run `python cli.py demo` or import your data first.")
        filters = filters.within(*span)
        totals = reads.survey.counts.on(conn, filters)
        shown = headline(metrics_present(summarise(totals).iloc[0]))  # small samples judged on this metric
        overall = summarise(totals, metric=shown)
        touchpoints = summarise(reads.survey.counts.on(conn, filters, by=("stage_order", "stage", "touchpoint")),
                                metric=shown)
        tiers = summarise(reads.survey.counts.on(conn, filters, by=("tier",)), metric=shown)
        loyalty_sums = reads.loyalty.by_tier.on(conn, filters)
        service = service_levels(reads.service.service_levels.on(conn, filters, by=None)).to_dict("records")[0]
        scorers = reads.status.sentiment_scorers(conn)
    loyalty = tier_kpis(loyalty_sums)
    everyone = loyalty_kpis.overall(loyalty_sums)
    by_tier = tiers[["tier", *SURVEY_FIELDS]].merge(loyalty[["tier", *LOYALTY_FIELDS]], on="tier", how="outer")
    order = {t: i for i, t in enumerate(contracts.TIERS)}
    by_tier = by_tier.sort_values("tier", key=lambda s: s.map(order).fillna(len(order)))
    for frame in (overall, touchpoints, by_tier):
        frame["n"] = frame["nps_n"].fillna(0).astype(int)
    return {
        "period": {"from": filters.start.isoformat(), "to": filters.end.isoformat(),
                   "tiers": list(filters.tiers)},
        "sentiment_scorer": ", ".join(scorers) or None,
        "headline_metric": shown,
        "overall": _records(overall, ["n", *SURVEY_FIELDS])[0],
        "by_touchpoint": _records(touchpoints, ["stage_order", "stage", "touchpoint", "n", *SURVEY_FIELDS]),
        "by_tier": _records(by_tier, ["tier", "n", *SURVEY_FIELDS, *LOYALTY_FIELDS]),
        "loyalty": {field: _clean(everyone[field]) for field in OVERALL_LOYALTY},
        "service": {field: _clean(service[field]) for field in SERVICE_FIELDS},
    }


TEXT_COLUMNS = ("stage", "touchpoint", "tier")
TOUCHPOINT_COLUMNS = ["stage", "touchpoint", "n", "nps", "nps_margin", "csat", "ces", "sentiment"]
TIER_COLUMNS = ["tier", "n", "nps", "nps_margin", "active_customers", "orders_per_customer", "average_order_value",
                "repeat_rate", "retention", "redemption_rate"]
SERVICE_METRICS = {"csat": "ticket_csat"}  # service report keys that name another registry metric


def _header(key: str, names: dict[str, str] | None = None) -> str:
    """A column's heading: the registry's label for a metric, ± for a margin, the name for the rest."""
    metric = METRICS.get((names or {}).get(key, key))
    if metric:
        return metric.label
    return "±" if key.endswith("_margin") else f"n ({key[:-2]})" if key.endswith("_n") else key.replace("_", " ")


def _fmt(value, key: str, names: dict[str, str] | None = None) -> str:
    """A value in the registry's format for its metric (margins as the NPS margin, counts with separators)."""
    if value is None:
        return "–"
    metric = METRICS.get((names or {}).get(key, key))
    number_format = metric.number_format if metric else METRICS["nps"].margin_format if key.endswith("_margin") \
        else "{:,}" if isinstance(value, int) else "{}"
    return number_format.format(value)


def _table(rows: list[dict], columns: list[str]) -> list[str]:
    lines = ["| " + " | ".join(_header(k) for k in columns) + " |",
             "| " + " | ".join("---" if k in TEXT_COLUMNS else "--:" for k in columns) + " |"]
    for row in rows:
        cells = [_fmt(row[k], k) + (" (low n)" if k == "touchpoint" and row["low_n"] else "") for k in columns]
        lines.append("| " + " | ".join(cells) + " |")
    return lines


def to_markdown(report: dict) -> str:
    """The report as Markdown tables a person can paste into a ticket or an e-mail."""
    o = report["overall"]
    headline = ", ".join(f"{METRICS[k].name} {_fmt(o[k], k)}" + (f" ± {_fmt(o['nps_margin'], 'nps_margin')}"
                                                                  if k == "nps" else "")
                         for k in ("nps", "csat", "ces", "sentiment"))
    lines = [f"# CX report {report['period']['from']} to {report['period']['to']}", "",
             f"{headline} (n = {o['n']}; scorer: {report['sentiment_scorer']})", "", "## By touchpoint", "",
             *_table(report["by_touchpoint"], TOUCHPOINT_COLUMNS), "", "## By tier", "",
             *_table(report["by_tier"], TIER_COLUMNS), "", "## Loyalty, all customers", "",
             *_block(report["loyalty"]), "", "## Service", "", *_block(report["service"], SERVICE_METRICS)]
    return "\n".join(lines) + "\n"


def _block(values: dict, names: dict[str, str] | None = None) -> list[str]:
    """One block of overall figures as a two-column table, labelled and formatted by the registry."""
    return ["| measure | value |", "| --- | --: |", *(f"| {_header(key, names)} | {_fmt(value, key, names)} |"
                                                    for key, value in values.items())]


def report(args: argparse.Namespace) -> int:
    """Print the report as JSON or Markdown."""
    filters = Filters(start=args.date_from, end=args.date_to, tiers=tuple(args.tier or ()))
    result = build_report(open_database(args.database_url), filters)
    print(json.dumps(result, indent=2) if args.format == "json" else to_markdown(result))
    return 0


def metrics(_: argparse.Namespace) -> int:
    """Print the metric registry and thresholds as the generated part of docs/metrics.md."""
    print(render_markdown(), end="")
    return 0


def contract(_: argparse.Namespace) -> int:
    """Print the data contract as Markdown (docs/data-contract.md)."""
    print(contracts.render_markdown(), end="")
    return 0


def _progress_bar(what: str, share: float) -> None:
    """A one-line terminal progress bar on stderr, redrawn in place."""
    filled = round(share * 30)
    print(f"\r{what[:40]:<40} [{'#' * filled}{'.' * (30 - filled)}] {share:4.0%}", end="" if share < 1 else "\n",
          file=sys.stderr, flush=True)


def sentiment(args: argparse.Namespace) -> int:
    """Rebuild the shipped scorers (build), train the company scorer (train), or re-score stored text (rescore)."""
    if args.action == "build":
        from analytics.sentiment import MODELS
        from analytics.sentiment_build import build

        result = build(Path(args.ratings), MODELS, log=lambda line: print(line, file=sys.stderr))
        for name, figures in result["scorers"].items():
            held = figures["held_out"]
            print(f"{name:<9} bands {figures['bands']}  held-out accuracy {held['accuracy']:.3f}  "
                  f"macro-F1 {held['macro_f1']:.3f}")
        return 0
    from data_access import sentiment_models

    engine = open_database(args.database_url)
    if args.action == "train":
        stored = sentiment_models.train_and_store(engine, _progress_bar)
        figures = stored.figures
        print(f"Company scorer trained on {stored.rated_comments:,} rated comments: cross-validated accuracy "
              f"{figures['cv_accuracy']:.3f} against customers' scores; held-out human-rated macro-F1 "
              f"{figures['held_out']['macro_f1']:.3f}. Agreement of the others: "
              + ", ".join(f"{k} {v:.3f}" for k, v in figures["agreement"].items()) + ".")
        return 0
    used, texts, notice = sentiment_models.rescore(engine, args.scorer, _progress_bar)
    if notice:
        print(notice, file=sys.stderr)
    print(f"Re-scored {texts:,} distinct comment and ticket texts with {used}.")
    return 0


def parser() -> argparse.ArgumentParser:
    from analytics.sentiment import COMPANY, DEFAULT_SCORER, SCORERS, SHARED_RATINGS

    scorers = [*SCORERS, COMPANY]

    common = argparse.ArgumentParser(add_help=False)
    common.add_argument("--database-url", help="SQLAlchemy URL; default CX_DATABASE_URL or data/cx.duckdb")
    main = argparse.ArgumentParser(prog="cli.py", description=__doc__)
    commands = main.add_subparsers(dest="command", required=True)

    build = commands.add_parser("demo", parents=[common], help="build the demo company into the database")
    build.add_argument("--scale", choices=("small", "1m"), default="small")
    build.add_argument("--seed", type=int, default=42)
    build.add_argument("--scorer", choices=scorers, default=DEFAULT_SCORER)
    build.add_argument("--if-empty", action="store_true", help="only when the database holds no data yet")
    build.set_defaults(run=demo)

    load = commands.add_parser("import", parents=[common], help="import files (several of one layout together)")
    load.add_argument("dataset", choices=list(contracts.DATASETS))
    load.add_argument("files", nargs="+", metavar="FILE",
                      help="files or folders (every CSV, Excel and Parquet file in it), imported in one transaction")
    load.add_argument("--mapping", help='JSON mapping file, or preset:NAME (see: python cli.py presets)')
    load.add_argument("--set", action="append", default=[], metavar="COLUMN=VALUE",
                      help="a fixed value for a contract column the files lack, e.g. submitted_at=2025-06-30 "
                           "(repeatable)")
    load.add_argument("--rejected", metavar="FILE", help="write every rejected row, with its reason, to this CSV")
    load.add_argument("--scorer", choices=scorers, default=DEFAULT_SCORER,
                      help="company: the scorer trained on your rated comments (python cli.py sentiment train)")
    load.add_argument("--sheet", help="sheet to read from an Excel workbook with several")
    load.add_argument("--strict", action="store_true", help="reject rows naming unknown customers")
    load.add_argument("--replace", action="store_true", help="delete the dataset's rows first (same transaction)")
    load.set_defaults(run=import_file)

    show = commands.add_parser("report", parents=[common], help="print NPS, CSAT, CES, sentiment and loyalty KPIs")
    show.add_argument("--from", dest="date_from", type=date.fromisoformat)
    show.add_argument("--to", dest="date_to", type=date.fromisoformat)
    show.add_argument("--tier", action="append", choices=contracts.TIERS, help="repeat for several")
    show.add_argument("--format", choices=("json", "markdown"), default="markdown")
    show.set_defaults(run=report)

    listed = commands.add_parser("presets", parents=[common], help="list the mapping presets for common exports")
    listed.set_defaults(run=list_presets)

    defined = commands.add_parser("metrics", parents=[common], help="print the metric registry as Markdown")
    defined.set_defaults(run=metrics)

    tone = commands.add_parser("sentiment", parents=[common], help="sentiment scorers: build, train, rescore")
    tone.add_argument("action", choices=("build", "train", "rescore"),
                      help="build: refit bands and the general scorer from human-rated sets (analytics/models/); "
                           "train: the company scorer from your rated comments; rescore: every stored text again")
    tone.add_argument("--scorer", choices=scorers, default=DEFAULT_SCORER, help="for rescore")
    tone.add_argument("--ratings", default=str(SHARED_RATINGS), help="for build: folder of *_GroundTruth.txt")
    tone.set_defaults(run=sentiment)

    doc = commands.add_parser("contract", parents=[common], help="print the data contract as Markdown")
    doc.set_defaults(run=contract)
    return main


def main(argv: list[str] | None = None) -> int:
    args = parser().parse_args(argv)
    try:
        return args.run(args)
    except (ImportRejected, DatabaseError, ValueError, KeyError) as error:
        print(f"error: {error.args[0] if isinstance(error, KeyError) else error}", file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main())
