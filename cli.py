"""CX Insight from the command line: build the demo, import files, print the numbers the app shows."""

from __future__ import annotations

import argparse
import getpass
import sys
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import TextIO

from analytics.access import ROLES, NotAllowed
from analytics.metrics import render_markdown
from analytics.settings import EARLIEST_DATE
from analytics.workshop import ACTION_STATUSES
from data_access import contracts, identity, owner, reads, users_store
from data_access.audit import ACTIONS
from data_access.db import DatabaseError, open_database
from data_access.export import csv_bytes
from data_access.filters import COMPARISONS, Filters
from data_access.import_report import ImportReport
from data_access.loaders import demo_interrupted, demo_load, import_dataset
from data_access.mapping import Mapping
from data_access.presets import load_mapping, presets
from data_access.readers import READERS, ImportRejected
from data_access.settings import database_url, read_only
from reports import FORMATS, PERIODS

LOAD_ORDER = ("touchpoints", "customers", "tier_history", "survey", "service", "purchases")


def _print_report(report: ImportReport, out: TextIO) -> None:
    print(report.summary(), file=out)
    for row in report.reasons().itertuples():
        print(f"  rejected {row.rows} row(s): {row.column}: {row.reason} (rows {row.first_rows})", file=out)


def demo(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    """Build the demo company: the bundled CSVs at the default seed and scale, else freshly generated.

    With --if-empty it loads only into a database without data, or over a demo load that was interrupted.
    """
    from sample_data import generate

    engine = open_database(args.database_url)
    if args.if_empty:
        with engine.connect() as conn:
            if not demo_interrupted(conn) and reads.status.data_date_range(conn) is not None:
                print("The database already holds data; the demo was not loaded.", file=out)
                return 0
    with demo_load(engine) as interrupted:
        if interrupted:
            print("The last demo load was interrupted before its end: loading the whole demo company again, "
                  "replacing what it left.", file=out, flush=True)
        bundled = Path(generate.__file__).parent
        if args.scale == "small" and args.seed == generate.DEFAULT_SEED:
            sources = {name: bundled / f"{name}.csv" for name in LOAD_ORDER}
        else:
            print(f"Generating the demo company at scale {args.scale} (seed {args.seed})…", file=out, flush=True)
            sources = generate.generate(args.scale, args.seed)
        for name in LOAD_ORDER:
            report = import_dataset(engine, name, sources[name], name=f"demo:{name}", scorer=args.scorer,
                                    replace=interrupted)
            _print_report(report, out)
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


def import_file(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    """Import one file, or several of one layout together (one transaction); exit 1 when rejected whole."""
    mapping = load_mapping(args.mapping) if args.mapping else Mapping()
    mapping = mapping.with_constants(args.set)
    engine = open_database(args.database_url)
    last = [-1]

    def progress(step: str, fraction: float) -> None:
        tenth = int(fraction * 10)
        if tenth != last[0]:
            last[0] = tenth
            print(f"  {step}: {fraction:.0%}", file=err, flush=True)

    report = import_dataset(engine, args.dataset, _files(args.files), mapping=mapping, scorer=args.scorer,
                            strict=args.strict, replace=args.replace, sheet=args.sheet, progress=progress,
                            allow_any_date=args.allow_any_date)
    _print_report(report, out)
    if args.rejected:
        Path(args.rejected).write_bytes(csv_bytes(report.rejections))
        print(f"Every rejected row ({report.rejected:,}): {args.rejected}", file=out)
    return 0


def list_presets(_: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    """Print the shipped mapping presets."""
    for preset in presets().values():
        print(f"preset:{preset.name}  ({preset.dataset})  {preset.description}", file=out)
    return 0


def report(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    """Write the report: exit 0 written, 1 bad arguments or no data in the period, 2 database unreachable."""
    import reports
    from reports.html import SECTIONS
    from reports.pdf import NoChromium

    sections = tuple(s.strip() for s in args.sections.split(",")) if args.sections else SECTIONS
    unknown = [s for s in sections if s not in SECTIONS]
    if unknown:
        return _fail(f"unknown section(s) {', '.join(unknown)}; choose from {', '.join(SECTIONS)}", err)
    if args.format == "pdf" and not args.out:
        return _fail("a PDF needs --out FILE or --out DIRECTORY", err)
    try:
        engine = open_database(args.database_url)
        filters = reports.period_filters(engine, Filters(args.date_from, args.date_to, tuple(args.tier or ())),
                                         args.period)
        content = reports.render(engine, filters, args.format, args.compare, sections)
    except DatabaseError as error:
        print(f"error: {error}", file=err)
        return 2
    except (reports.NoData, NoChromium) as error:
        return _fail(str(error), err)
    if not args.out:
        out.write(content.decode("utf-8"))
        return 0
    target = Path(args.out)
    path = target / reports.file_name(filters, args.format) if target.is_dir() else target
    path.write_bytes(content)
    print(f"Wrote {path} ({len(content):,} bytes).", file=out)
    return 0


def actions(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    """Print the workshops' actions (open and doing by default) for people who track them elsewhere."""
    import json

    from analytics.workshop import OPEN_STATUSES, actions_table

    engine = open_database(args.database_url)
    with engine.connect() as conn:
        found = reads.workshop.actions.on(conn, tuple(args.status or OPEN_STATUSES))
    engine.dispose()
    if args.format == "markdown":
        print("\n".join(actions_table(found.to_dict("records"))) if not found.empty else "No actions.", file=out)
        return 0
    found = found[["text", "touchpoint", "stage", "owner", "due_on", "status", "expected_effect", "workshop", "author",
                   "updated_at"]].rename(columns={"text": "action"})
    if args.format == "csv":
        out.write(csv_bytes(found).decode("utf-8"))
    else:
        print(json.dumps(found.to_dict("records"), default=str, indent=2, ensure_ascii=False), file=out)
    return 0


def _fail(message: str, err: TextIO) -> int:
    print(f"error: {message}", file=err)
    return 1


def metrics(_: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    """Print the metric registry and thresholds as the generated part of docs/metrics.md."""
    print(render_markdown(), end="", file=out)
    return 0


def contract(_: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    """Print the data contract as Markdown (docs/data-contract.md)."""
    print(contracts.render_markdown(), end="", file=out)
    return 0


def _progress_bar(err: TextIO) -> Callable[[str, float], None]:
    """A one-line terminal progress bar on err, redrawn in place."""
    def draw(what: str, share: float) -> None:
        filled = round(share * 30)
        print(f"\r{what[:40]:<40} [{'#' * filled}{'.' * (30 - filled)}] {share:4.0%}", end="" if share < 1 else "\n",
              file=err, flush=True)
    return draw


def sentiment(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    """Rebuild the shipped scorers (build), train the company scorer (train), or re-score stored text (rescore)."""
    if args.action == "build":
        from analytics.sentiment import MODELS
        from analytics.sentiment_build import build

        result = build(Path(args.ratings), MODELS, log=lambda line: print(line, file=err))
        for name, figures in result["scorers"].items():
            held = figures["held_out"]
            print(f"{name:<9} bands {figures['bands']}  held-out accuracy {held['accuracy']:.3f}  "
                  f"macro-F1 {held['macro_f1']:.3f}", file=out)
        return 0
    from data_access import sentiment_models

    engine = open_database(args.database_url)
    if args.action == "train":
        stored = sentiment_models.train_and_store(engine, _progress_bar(err))
        figures = stored.figures
        print(f"Company scorer trained on {stored.rated_comments:,} rated comments: cross-validated accuracy "
              f"{figures['cv_accuracy']:.3f} against customers' scores; held-out human-rated macro-F1 "
              f"{figures['held_out']['macro_f1']:.3f}. Agreement of the others: "
              + ", ".join(f"{k} {v:.3f}" for k, v in figures["agreement"].items()) + ".", file=out)
        return 0
    used, texts, notice = sentiment_models.rescore(engine, args.scorer, _progress_bar(err))
    if notice:
        print(notice, file=err)
    print(f"Re-scored {texts:,} distinct comment and ticket texts with {used}.", file=out)
    return 0


def _password_hash(args: argparse.Namespace) -> str:
    """Read the new password where the command runs (twice at a terminal, or once from stdin) and hash it here."""
    if args.password_stdin:
        password = sys.stdin.readline().rstrip("\n")
    else:
        password = getpass.getpass("Password (12 characters or more): ")
        if getpass.getpass("Again: ") != password:
            raise ValueError("the two passwords differ; nothing was changed.")
    return users_store.hash_password(password)


def users(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    """Who may sign in with a password (or through the provider, with --provider), their role and scope."""
    engine = open_database(args.database_url)
    if args.action == "list":
        with engine.connect() as conn:
            listed = reads.access.users_list.on(conn)
        print(listed.drop(columns="updated_at").to_string(index=False) if not listed.empty else "No users.", file=out)
        return 0
    if not args.name:
        raise ValueError(f"users {args.action} needs a user name.")
    scope = {"regions": args.region or [], "tiers": args.tier or []}
    if args.action == "add":
        if not args.role:
            raise ValueError("users add needs --role viewer, analyst or admin.")
        users_store.add(engine, args.name, args.role, args.password_hash, **scope)
    elif args.action == "remove":
        users_store.remove(engine, args.name)
    elif args.action == "set-role":
        users_store.set_role(engine, args.name, args.role or "")
    elif args.action == "set-scope":
        users_store.set_scope(engine, args.name, **scope)
    else:
        users_store.set_password(engine, args.name, args.password_hash or "")
    print(f"{args.action}: {args.name} done.", file=out)
    return 0


def audit(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    """The audit trail, newest first: who signed in, imported, removed, exported, changed users."""
    engine = open_database(args.database_url)
    with engine.connect() as conn:
        trail = reads.access.audit_trail.on(conn, args.limit, args.action)
    if args.format == "csv":
        out.write(csv_bytes(trail).decode("utf-8"))
    else:
        print(trail.to_string(index=False) if not trail.empty else "Nothing recorded yet.", file=out)
    return 0


def _path(cwd: Path | None) -> Callable[[str], str]:
    """The type of every argument naming a file or folder: as given, or (for a command another process forwarded
    to the app's, data_access.owner) made absolute from that process's working folder."""
    def path(given: str) -> str:
        return given if cwd is None or given.startswith("preset:") else str(cwd / Path(given).expanduser())
    return path


def parser(cwd: Path | None = None) -> argparse.ArgumentParser:
    """The commands; cwd: the working folder that relative file names are read from, when it is not this process's.

    A command that never opens the database sets local=True (or a predicate of its arguments); the others run in
    the app's process when it holds an embedded file (main). Each prints only to the out and err it is given.
    """
    from analytics.sentiment import COMPANY, DEFAULT_SCORER, SCORERS, SHARED_RATINGS

    scorers = [*SCORERS, COMPANY]
    path = _path(cwd)

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
    load.add_argument("files", nargs="+", metavar="FILE", type=path,
                      help="files or folders (every CSV, Excel and Parquet file in it), imported in one transaction")
    load.add_argument("--mapping", type=path, help='JSON mapping file, or preset:NAME (see: python cli.py presets)')
    load.add_argument("--set", action="append", default=[], metavar="COLUMN=VALUE",
                      help="a fixed value for a contract column the files lack, e.g. submitted_at=2025-06-30 "
                           "(repeatable)")
    load.add_argument("--rejected", metavar="FILE", type=path,
                      help="write every rejected row, with its reason, to this CSV")
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
    show.add_argument("--out", type=path, help="a file, or a directory to write a dated file into (needed for pdf)")
    show.set_defaults(run=report)

    listed = commands.add_parser("presets", parents=[common], help="list the mapping presets for common exports")
    listed.set_defaults(run=list_presets, local=True)

    defined = commands.add_parser("metrics", parents=[common], help="print the metric registry as Markdown")
    defined.set_defaults(run=metrics, local=True)

    tone = commands.add_parser("sentiment", parents=[common], help="sentiment scorers: build, train, rescore")
    tone.add_argument("action", choices=("build", "train", "rescore"),
                      help="build: refit bands and the general scorer from human-rated sets (analytics/models/); "
                           "train: the company scorer from your rated comments; rescore: every stored text again")
    tone.add_argument("--scorer", choices=scorers, default=DEFAULT_SCORER, help="for rescore")
    tone.add_argument("--ratings", type=path, default=str(SHARED_RATINGS),
                      help="for build: folder of *_GroundTruth.txt")
    tone.set_defaults(run=sentiment, local=lambda args: args.action == "build")

    todo = commands.add_parser("actions", parents=[common], help="print the workshops' actions: CSV, Markdown, JSON")
    todo.add_argument("--status", action="append", choices=ACTION_STATUSES,
                      help="repeat for several (default: open and doing)")
    todo.add_argument("--format", choices=("markdown", "csv", "json"), default="markdown")
    todo.set_defaults(run=actions)

    people = commands.add_parser("users", parents=[common], help="who may sign in: add, remove, set-role, set-scope, "
                                                                 "set-password, list (docs/security.md)")
    people.add_argument("action", choices=("add", "remove", "set-role", "set-scope", "set-password", "list"))
    people.add_argument("name", nargs="?", help="the user name (for the identity provider: their e-mail)")
    people.add_argument("role", nargs="?", choices=ROLES, help="for set-role")
    people.add_argument("--role", dest="role", choices=ROLES, help="for add")
    people.add_argument("--region", action="append", help="limit to this region (repeat for several; none: all)")
    people.add_argument("--tier", action="append", choices=contracts.TIERS, help="limit to this tier (repeatable)")
    people.add_argument("--provider", action="store_true",
                        help="for add: no password, they sign in through the identity provider")
    people.add_argument("--password-stdin", action="store_true", help="read the password from stdin, not a prompt")
    people.add_argument("--password-hash", help=argparse.SUPPRESS)  # filled in by main: only the hash travels
    people.set_defaults(run=users)

    trail = commands.add_parser("audit", parents=[common], help="print the audit trail, newest first")
    trail.add_argument("--limit", type=int, default=200)
    trail.add_argument("--action", choices=ACTIONS)
    trail.add_argument("--format", choices=("table", "csv"), default="table")
    trail.set_defaults(run=audit)

    doc = commands.add_parser("contract", parents=[common], help="print the data contract as Markdown")
    doc.set_defaults(run=contract, local=True)
    return main


def main(argv: list[str] | None = None, out: TextIO | None = None, err: TextIO | None = None) -> int:
    """Run a command; on an embedded file that a running app holds, in the app's process (data_access.owner),
    which prints back here what the command prints, and whose exit code this returns."""
    out, err = out or sys.stdout, err or sys.stderr
    argv = sys.argv[1:] if argv is None else list(argv)
    args = parser().parse_args(argv)  # usage errors and --help stay here, before anything is forwarded
    if _needs_password(args):
        try:
            argv += ["--password-hash", _password_hash(args)]
        except ValueError as error:
            print(f"error: {error}", file=err)
            return 1
        args = parser().parse_args(argv)
    local = args.local(args) if callable(getattr(args, "local", None)) else getattr(args, "local", False)
    if not local and not read_only():  # read-only mode opens the file itself (and only reads)
        code = owner.forward_command(database_url(args.database_url), argv, out, err)
        if code is not None:
            return code
    args.os_user = identity.os_user()
    return _run(args, out, err)


def run_forwarded(request: dict, url: str, out: TextIO, err: TextIO) -> int:
    """A command another process handed to the one that owns the file (data_access.owner): its file names read from
    that process's working folder, its database this process's; os_user names who ran it (for the audit trail)."""
    try:
        args = parser(Path(request["cwd"])).parse_args(request["argv"])
    except SystemExit as stopped:  # the caller parsed the same arguments already; only a different version gets here
        return stopped.code if isinstance(stopped.code, int) else 2
    args.database_url, args.os_user = url, str(request.get("user") or "unknown")
    return _run(args, out, err)


def _needs_password(args: argparse.Namespace) -> bool:
    """A password to ask for where the command is typed, before it may run in the app's process."""
    return (getattr(args, "run", None) is users and args.password_hash is None
            and (args.action == "set-password" or (args.action == "add" and not args.provider)))


def _run(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    """The command, acting as the operating-system user who typed it (an admin: docs/security.md)."""
    try:
        with identity.acting_as(identity.operator(args.os_user)):
            return args.run(args, out, err)
    except (ImportRejected, DatabaseError, NotAllowed, ValueError, KeyError) as error:
        print(f"error: {error.args[0] if isinstance(error, KeyError) else error}", file=err)
        return 1


if __name__ == "__main__":
    sys.exit(main())
