"""CX Insight from the command line: build the demo, import files, print the numbers the app shows."""

from __future__ import annotations

import argparse
import sys
from datetime import date
from pathlib import Path

from analytics.metrics import render_markdown
from analytics.settings import EARLIEST_DATE
from analytics.workshop import ACTION_STATUSES
from data_access import contracts, reads
from data_access.db import DatabaseError, open_database
from data_access.export import csv_bytes
from data_access.filters import COMPARISONS, Filters
from data_access.import_report import ImportReport
from data_access.loaders import demo_interrupted, demo_load, import_dataset
from data_access.mapping import Mapping
from data_access.presets import load_mapping, presets
from data_access.readers import READERS, ImportRejected
from data_access.settings import ReadOnlyError
from reports import FORMATS, PERIODS

LOAD_ORDER = ("touchpoints", "customers", "tier_history", "survey", "service", "purchases")
def _print_report(report: ImportReport, out) -> None:
    print(report.summary(), file=out)
    for row in report.reasons().itertuples():
        print(f"  rejected {row.rows} row(s): {row.column}: {row.reason} (rows {row.first_rows})", file=out)


def demo(args: argparse.Namespace) -> int:
    """Build the demo company: the bundled CSVs at the default seed and scale, else freshly generated.

    With --if-empty it loads only into a database without data, or over a demo load that was interrupted.
    """
    from sample_data import generate

    engine = open_database(args.database_url)
    if args.if_empty:
        with engine.connect() as conn:
            if not demo_interrupted(conn) and reads.status.data_date_range(conn) is not None:
                print("The database already holds data; the demo was not loaded.")
                return 0
    with demo_load(engine) as interrupted:
        if interrupted:
            print("The last demo load was interrupted before its end: loading the whole demo company again, "
                  "replacing what it left.", flush=True)
        bundled = Path(generate.__file__).parent
        if args.scale == "small" and args.seed == generate.DEFAULT_SEED:
            sources = {name: bundled / f"{name}.csv" for name in LOAD_ORDER}
        else:
            print(f"Generating the demo company at scale {args.scale} (seed {args.seed})…", flush=True)
            sources = generate.generate(args.scale, args.seed)
        for name in LOAD_ORDER:
            report = import_dataset(engine, name, sources[name], name=f"demo:{name}", scorer=args.scorer,
                                    replace=interrupted)
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
                            strict=args.strict, replace=args.replace, sheet=args.sheet, progress=progress,
                            allow_any_date=args.allow_any_date)
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


def report(args: argparse.Namespace) -> int:
    """Write the report: exit 0 written, 1 bad arguments or no data in the period, 2 database unreachable."""
    import reports
    from reports.html import SECTIONS
    from reports.pdf import NoChromium

    sections = tuple(s.strip() for s in args.sections.split(",")) if args.sections else SECTIONS
    unknown = [s for s in sections if s not in SECTIONS]
    if unknown:
        return _fail(f"unknown section(s) {', '.join(unknown)}; choose from {', '.join(SECTIONS)}")
    if args.format == "pdf" and not args.out:
        return _fail("a PDF needs --out FILE or --out DIRECTORY")
    try:
        engine = open_database(args.database_url)
        filters = reports.period_filters(engine, Filters(args.date_from, args.date_to, tuple(args.tier or ())),
                                         args.period)
        content = reports.render(engine, filters, args.format, args.compare, sections)
    except DatabaseError as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    except (reports.NoData, NoChromium) as error:
        return _fail(str(error))
    if not args.out:
        sys.stdout.write(content.decode("utf-8"))
        return 0
    out = Path(args.out)
    path = out / reports.file_name(filters, args.format) if out.is_dir() else out
    path.write_bytes(content)
    print(f"Wrote {path} ({len(content):,} bytes).")
    return 0


def actions(args: argparse.Namespace) -> int:
    """Print the workshops' actions (open and doing by default) for people who track them elsewhere."""
    import json

    from analytics.workshop import OPEN_STATUSES, actions_table

    engine = open_database(args.database_url)
    with engine.connect() as conn:
        found = reads.workshop.actions.on(conn, tuple(args.status or OPEN_STATUSES))
    engine.dispose()
    if args.format == "markdown":
        print("\n".join(actions_table(found.to_dict("records"))) if not found.empty else "No actions.")
        return 0
    found = found[["text", "touchpoint", "stage", "owner", "due_on", "status", "expected_effect", "workshop", "author",
                   "updated_at"]].rename(columns={"text": "action"})
    if args.format == "csv":
        sys.stdout.write(csv_bytes(found).decode("utf-8"))
    else:
        print(json.dumps(found.to_dict("records"), default=str, indent=2, ensure_ascii=False))
    return 0


def _fail(message: str) -> int:
    print(f"error: {message}", file=sys.stderr)
    return 1


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
    load.add_argument("--allow-any-date", action="store_true",
                      help=f"keep rows dated before {EARLIEST_DATE:%Y} or after today (else rejected as typos)")
    load.set_defaults(run=import_file)

    show = commands.add_parser("report", parents=[common], help="the report of a period: JSON, Markdown, HTML or PDF")
    show.add_argument("--from", dest="date_from", type=date.fromisoformat)
    show.add_argument("--to", dest="date_to", type=date.fromisoformat)
    show.add_argument("--period", choices=list(PERIODS), help="relative to the data's last day (overrides --from/--to)")
    show.add_argument("--compare", choices=list(COMPARISONS), default="previous")
    show.add_argument("--tier", action="append", choices=contracts.TIERS, help="repeat for several")
    show.add_argument("--format", choices=list(FORMATS), default="markdown")
    show.add_argument("--sections", help="comma-separated, for html and pdf (default: all)")
    show.add_argument("--out", help="a file, or a directory to write a dated file into (needed for pdf)")
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

    todo = commands.add_parser("actions", parents=[common], help="print the workshops' actions: CSV, Markdown, JSON")
    todo.add_argument("--status", action="append", choices=ACTION_STATUSES,
                      help="repeat for several (default: open and doing)")
    todo.add_argument("--format", choices=("markdown", "csv", "json"), default="markdown")
    todo.set_defaults(run=actions)

    doc = commands.add_parser("contract", parents=[common], help="print the data contract as Markdown")
    doc.set_defaults(run=contract)
    return main


def main(argv: list[str] | None = None) -> int:
    args = parser().parse_args(argv)
    try:
        return args.run(args)
    except (ImportRejected, DatabaseError, ReadOnlyError, ValueError, KeyError) as error:
        print(f"error: {error.args[0] if isinstance(error, KeyError) else error}", file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main())
