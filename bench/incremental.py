"""Adding one day to a loaded company: the daily import that refreshes only what it touched (issue 16 part 3).

    python -m bench.incremental prepare --url URL --days DIR [--scale 1m]   # load the company, write one more day
    python -m bench.incremental day --url URL --days DIR                    # import that day into a copy, timed
    python -m bench.incremental crossover --url URL                         # partial vs whole refresh, by share

`prepare` builds the demo company through bench.load (the real import path) and writes one extra day: the rows
of the company's last-but-one day (survey answers, tickets, orders, about 1,400 / 400 / 7,000 at scale 1m) with
new ids, moved two days later, to DIR/<dataset>.parquet. `day` copies the database (the DuckDB file, or a
PostgreSQL database made from it as a template) so the loaded company stays as it was, imports the day's three
files in the CLI's order, each in its own transaction as a daily import does, and prints the seconds of each.
With --customers N it also imports a customers file that moves N customers to another tier.

`crossover` times, for each pre-aggregate, the refresh of a random share of the customers (or of the days, for
the per-day tables) against the whole rebuild, each in a transaction that is rolled back: where the two cross is
where pre_aggregates.FULL_REBUILD_SHARE belongs.
"""

from __future__ import annotations

import argparse
import os
import shutil
import time
from contextlib import contextmanager
from pathlib import Path

import pandas as pd
import sqlalchemy as sa
from sqlalchemy.engine import make_url

from bench.common import emit, timed

DAY_DATASETS = ("survey", "service", "purchases")
MOMENTS = {"survey": ("submitted_at",), "service": ("opened_at", "first_response_at", "resolved_at"),
           "purchases": ("ordered_at",)}
KEYS = {"survey": "response_id", "service": "ticket_id", "purchases": "order_id"}
SHIFT = pd.Timedelta(days=2)


def one_more_day(frames: dict[str, pd.DataFrame]) -> dict[str, pd.DataFrame]:
    """The last-but-one day's answers, tickets and orders, with new ids, two days later (after the data's end)."""
    last = frames["purchases"]["ordered_at"].max().normalize()
    copied = {}
    for name in DAY_DATASETS:
        frame = frames[name]
        first = frame[MOMENTS[name][0]]
        rows = frame[(first >= last - pd.Timedelta(days=1)) & (first < last)].copy()
        rows[KEYS[name]] = "X" + rows[KEYS[name]].astype(str)
        for column in MOMENTS[name]:
            rows[column] = rows[column] + SHIFT
        copied[name] = rows.reset_index(drop=True)
    return copied


def prepare(url: str, scale: str, days: Path) -> dict:
    from bench import load
    from sample_data import generate

    days.mkdir(parents=True, exist_ok=True)
    frames = generate.generate(scale)
    for name, frame in one_more_day(frames).items():
        frame.to_parquet(days / f"{name}.parquet")
    customers = frames["customers"]
    customers.to_parquet(days / "customers.parquet")
    del frames
    return load.build(url, scale)


def _copy(url: str) -> str:
    """A working copy of the loaded database, so every run adds the day to the same company."""
    parsed = make_url(url)
    if parsed.get_backend_name() == "duckdb":
        work = f"{parsed.database}.work.duckdb"
        Path(f"{work}.wal").unlink(missing_ok=True)
        shutil.copyfile(parsed.database, work)
        return parsed.set(database=work).render_as_string(hide_password=False)
    work = f"{parsed.database}_work"
    admin = sa.create_engine(parsed.set(database="postgres"), isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.exec_driver_sql(f'DROP DATABASE IF EXISTS "{work}"')
        conn.exec_driver_sql(f'CREATE DATABASE "{work}" TEMPLATE "{parsed.database}"')
    admin.dispose()
    return parsed.set(database=work).render_as_string(hide_password=False)


def tier_changes(customers: pd.DataFrame, n: int) -> pd.DataFrame:
    """n members (every k-th) moved one tier up, or down from the top: a customers file as a CRM exports it."""
    from data_access.contracts import TIERS

    members = customers[customers["tier"].notna()]
    step = max(len(members) // max(n, 1), 1)
    chosen = members.iloc[::step].head(n).copy()
    order = list(TIERS)
    chosen["tier"] = [order[order.index(t) + 1] if order.index(t) + 1 < len(order) else order[0]
                      for t in chosen["tier"]]
    return chosen


# What the loader calls, timed apart inside each import: the pre-aggregates' refresh (fill_pre_aggregates before
# issue 16 part 3, refresh_pre_aggregates after, and recording what an import touches), the known customers' sync,
# PostgreSQL's VACUUM, the scorer.
CLOCKED = {"refresh": ("loaders", ("refresh_pre_aggregates", "fill_pre_aggregates")),
           "record": ("loaders", ("record_touched",)),
           "sync": ("known_customers", ("sync",)), "tidy": ("loaders", ("_tidy",)),
           "scoring": ("loaders", ("score_texts",))}


@contextmanager
def _clocks(spent: dict[str, float]):
    """Add the seconds spent in each CLOCKED function to spent, for the length of the block."""
    from data_access import known_customers, loaders

    modules = {"loaders": loaders, "known_customers": known_customers}
    patched = []
    for part, (module_name, names) in CLOCKED.items():
        module = modules[module_name]
        name = next((n for n in names if hasattr(module, n)), None)
        if name is None:  # record_touched: not in the code before issue 16 part 3
            continue
        original = getattr(module, name)

        def clocked(*args, _original=original, _part=part, **kwargs):
            start = time.perf_counter()
            try:
                return _original(*args, **kwargs)
            finally:
                spent[_part] = spent.get(_part, 0.0) + time.perf_counter() - start

        setattr(module, name, clocked)
        patched.append((module, name, original))
    try:
        yield
    finally:
        for module, name, original in patched:
            setattr(module, name, original)


def day(url: str, days: Path, customers: int) -> dict:
    from data_access.db import open_database
    from data_access.loaders import import_dataset

    work = _copy(url)
    engine = open_database(work)
    seconds: dict = {}
    for name in DAY_DATASETS:
        frame = pd.read_parquet(days / f"{name}.parquet")
        spent: dict[str, float] = {}
        with _clocks(spent):
            seconds[name], report = timed(lambda name=name, frame=frame: import_dataset(
                engine, name, frame, name=f"day:{name}"))
        seconds[f"{name}_rows"] = report.stored
        seconds[f"{name}_parts"] = {part: round(value, 3) for part, value in spent.items()}
    if customers:
        changed = tier_changes(pd.read_parquet(days / "customers.parquet"), customers)
        seconds["customers"], _ = timed(lambda: import_dataset(engine, "customers", changed, name="day:customers"))
        seconds["customers_rows"] = len(changed)
    engine.dispose()
    seconds["day_total"] = sum(seconds[name] for name in DAY_DATASETS)
    return {"url": make_url(work).render_as_string(hide_password=True), "load_average": os.getloadavg(), **seconds}


def crossover(url: str, shares: list[float], seed: int = 7) -> dict:
    import numpy as np

    from data_access import bulk, pre_aggregates
    from data_access.db import open_database
    from data_access.schema import customers

    engine = open_database(_copy(url))
    rng = np.random.default_rng(seed)
    out: dict = {"load_average_start": os.getloadavg(), "tables": {}}
    with engine.connect() as conn:
        ids = [i for (i,) in conn.execute(sa.select(customers.c.customer_id))]
        days = {table: [d for (d,) in conn.execute(sa.select(table.c.day).distinct())]
                for table in (pre_aggregates.order_days, pre_aggregates.survey_days)}

    def timed_refresh(table: sa.Table, select, values: list | None, column: str) -> float:
        with engine.connect() as conn:
            transaction = conn.begin()
            keys = None
            if values is not None:
                keys = sa.Table(f"bench_keys_{column}", sa.MetaData(),
                                sa.Column(column, sa.String if column == "customer_id" else sa.DateTime),
                                prefixes=["TEMPORARY"])
                keys.create(conn)
                bulk.fill(conn, keys, pd.DataFrame({column: values}))
            seconds, _ = timed(lambda: pre_aggregates._fill(conn, table, select, keys))
            transaction.rollback()
        return seconds

    for table, select, _ in pre_aggregates.PRE_AGGREGATES:
        per_day = table.name in pre_aggregates.PER_DAY
        pool = days[table] if per_day else ids
        column = "day" if per_day else "customer_id"
        row = {"whole": timed_refresh(table, select, None, column)}
        for share in shares:
            picked = list(rng.choice(np.array(pool, dtype=object), max(int(len(pool) * share), 1), replace=False))
            row[f"{share:.0%}"] = timed_refresh(table, select, picked, column)
        out["tables"][table.name] = row
    engine.dispose()
    out["load_average_end"] = os.getloadavg()
    return out


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("action", choices=("prepare", "day", "crossover"))
    parser.add_argument("--url", required=True)
    parser.add_argument("--days", type=Path, default=Path("bench/.data/day"), help="folder of the extra day's files")
    parser.add_argument("--shares", default="0.01,0.05,0.1,0.2,0.4", help="crossover: shares of keys to refresh")
    parser.add_argument("--scale", default="1m")
    parser.add_argument("--customers", type=int, default=0, help="also move this many customers to another tier")
    args = parser.parse_args(argv)
    if args.action == "prepare":
        emit(prepare(args.url, args.scale, args.days))
    elif args.action == "day":
        emit(day(args.url, args.days, args.customers))
    else:
        emit(crossover(args.url, [float(share) for share in args.shares.split(",")]))


if __name__ == "__main__":
    main()
