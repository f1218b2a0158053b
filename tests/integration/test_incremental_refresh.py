"""Imports refresh only the part of each pre-aggregate they touched, and it comes out as a full rebuild would.

A small company goes in as daily batches in a random order, with updates that move answers, tickets and orders to
another day or customer, new customers known only from their orders, customers files that change tiers and a new
touchpoint; the pre-aggregated tables must then equal those of a database that got the same final rows in one load
followed by a full rebuild (pre_aggregates.fill_pre_aggregates).
"""

from __future__ import annotations

from datetime import datetime

import numpy as np
import pandas as pd
import pytest
import sqlalchemy as sa
from sqlalchemy.engine import make_url

from data_access import loaders, pre_aggregates
from data_access.db import create_engine, upgrade
from data_access.pre_aggregates import PRE_AGGREGATES, fill_pre_aggregates
from data_access.schema import customers, order_sequence, purchases

PRE_AGGREGATED = [table for table, _, _ in PRE_AGGREGATES]
KEYS = {"customers": "customer_id", "survey": "response_id", "service": "ticket_id", "purchases": "order_id"}
DAYS = pd.date_range("2025-03-01", periods=12, freq="D")
TOUCHPOINTS = pd.DataFrame({"touchpoint": ["Web checkout", "Home delivery", "Hotline"],
                            "stage": ["Buy", "Receive", "Get help"], "stage_order": [2, 3, 5]})


def company(rng: np.random.Generator, n_customers: int = 24) -> dict[str, pd.DataFrame]:
    """Answers, tickets and orders over DAYS for a few customers (and some no customers file holds), on whole hours
    so events often tie; tickets resolved within days, so follow-ups reach across batches."""
    ids = [f"C{i}" for i in range(n_customers)]
    unknown = ["U1", "U2"]

    def moments(n: int) -> pd.Series:
        return pd.Series(rng.choice(DAYS, n) + pd.to_timedelta(rng.choice([9, 9, 14, 20], n), unit="h"))

    def picks(values: list, n: int) -> list:
        return [values[i] for i in rng.integers(0, len(values), n)]

    answers, tickets, orders = 60, 16, 110
    opened = moments(tickets)
    resolved = opened + pd.to_timedelta(rng.integers(1, 72, tickets), unit="h")
    return {
        "customers": pd.DataFrame({"customer_id": ids, "joined_at": picks(["2024-01-01", "2025-03-05"], n_customers),
                                   "tier": picks(["Gold", "Silver", None], n_customers),
                                   "segment": picks(["Premium", "Value seeker"], n_customers),
                                   "region": picks(["North", "South"], n_customers)}),
        "survey": pd.DataFrame({"response_id": [f"R{i}" for i in range(answers)],
                                "customer_id": picks(ids + unknown, answers), "submitted_at": moments(answers),
                                "touchpoint": picks(list(TOUCHPOINTS["touchpoint"]), answers),
                                "channel": picks(["web", "app"], answers),
                                "nps": pd.array(rng.choice([*range(11), None], answers), dtype="Int64"),
                                "csat": rng.integers(1, 6, answers), "ces": rng.integers(1, 8, answers),
                                "comment": picks(["Great service", "Slow delivery, bad", None, "ok"], answers)}),
        "service": pd.DataFrame({"ticket_id": [f"T{i}" for i in range(tickets)], "customer_id": picks(ids, tickets),
                                 "opened_at": opened,
                                 "resolved_at": resolved.where(rng.random(tickets) < 0.8)}),
        "purchases": pd.DataFrame({"order_id": [f"O{i}" for i in range(orders)],
                                   "customer_id": picks(ids + unknown, orders), "ordered_at": moments(orders),
                                   "amount": rng.choice([-20.0, 15.0, 40.0, 80.0], orders),
                                   "channel": picks(["web", "store"], orders),
                                   "points_earned": rng.integers(0, 50, orders),
                                   "points_redeemed": rng.choice([0, 0, 0, 20], orders)}),
    }


MOMENT = {"survey": "submitted_at", "service": "opened_at", "purchases": "ordered_at"}


def updated(rng: np.random.Generator, rows: pd.DataFrame, name: str, ids: list[str]) -> pd.DataFrame:
    """A few rows already imported, changed: moved to another day and often another customer, or a new amount."""
    picked = rows.sample(min(2, len(rows)), random_state=int(rng.integers(1 << 30))).copy()
    picked[MOMENT[name]] = picked[MOMENT[name]] + pd.to_timedelta(rng.choice([-3, -1, 2, 4], len(picked)), unit="D")
    if name == "service":
        picked["resolved_at"] = picked["opened_at"] + pd.Timedelta(hours=30)
    if rng.random() < 0.6:
        picked["customer_id"] = [ids[i] for i in rng.integers(0, len(ids), len(picked))]
    if name == "purchases":
        picked["amount"] = picked["amount"] + 5.0
    return picked


def daily_batches(seed: int) -> tuple[list[tuple[str, pd.DataFrame]], dict[str, pd.DataFrame]]:
    """(dataset, frame) imports in order, and each dataset's final rows (the last version of each key)."""
    rng = np.random.default_rng(seed)
    data = company(rng)
    ids = list(data["customers"]["customer_id"])
    first = data["customers"].sample(frac=0.5, random_state=seed)
    batches: list[tuple[str, pd.DataFrame]] = [("touchpoints", TOUCHPOINTS), ("customers", first)]
    order = rng.permutation(len(DAYS))
    for n, day in enumerate(DAYS[order]):
        for name in ("survey", "service", "purchases"):
            rows = data[name][data[name][MOMENT[name]].dt.normalize() == day]
            done = pd.concat([frame for dataset, frame in batches if dataset == name] or [rows.iloc[:0]])
            if len(done) and rng.random() < 0.5:
                rows = pd.concat([rows, updated(rng, done, name, ids)]).drop_duplicates(KEYS[name], keep="last")
            if name == "survey" and n == 5:  # a touchpoint no journey holds yet
                rows = pd.concat([rows, pd.DataFrame({"response_id": ["R-new"], "customer_id": ["C1"],
                                                      "submitted_at": [day + pd.Timedelta(hours=11)],
                                                      "touchpoint": ["Member offers"], "nps": [9]})])
            if len(rows):
                batches.append((name, rows))
        if n in (3, 8):  # a customers file: the rest of the customers, or a few of them with another tier
            changed = data["customers"].sample(6, random_state=seed + n).copy()
            changed["tier"] = rng.choice(["Gold", "Platinum", None], len(changed))
            batches.append(("customers", changed if n == 8 else pd.concat([data["customers"].drop(first.index),
                                                                            changed])
                            .drop_duplicates("customer_id", keep="last")))
    final = {name: pd.concat([frame for dataset, frame in batches if dataset == name])
             .drop_duplicates(KEYS.get(name, "touchpoint"), keep="last") for name in (*KEYS, "touchpoints")}
    return batches, final


def stored_rows(conn: sa.Connection, table: sa.FromClause) -> pd.DataFrame:
    """Every row of a table (or a SELECT), floats rounded, in one fixed order, as text."""
    frame = pd.DataFrame(conn.execute(sa.select(table)).all(), columns=[c.name for c in table.columns])
    for column in frame.columns:
        if frame[column].dropna().map(lambda v: isinstance(v, float)).any():
            frame[column] = frame[column].astype("float64").round(6)
    return (frame.astype(object).where(frame.notna(), None).astype(str)
            .sort_values(list(frame.columns)).reset_index(drop=True))


def assert_same_pre_aggregates(engine: sa.Engine, reference: sa.Engine, when: str) -> None:
    for table in PRE_AGGREGATED:
        with engine.connect() as conn, reference.connect() as other:
            got, want = stored_rows(conn, table), stored_rows(other, table)
        assert len(want), f"{table.name} is empty: the test would prove nothing"
        pd.testing.assert_frame_equal(got, want, obj=f"{table.name} {when}")


def assert_current(engine: sa.Engine, when: str) -> None:
    """Each table equals its SELECT run now (whole) on the same database."""
    with engine.connect() as conn:
        for table, select, _ in PRE_AGGREGATES:
            pd.testing.assert_frame_equal(stored_rows(conn, table), stored_rows(conn, select().subquery()),
                                          obj=f"{table.name} {when}")


@pytest.fixture
def refreshes(monkeypatch):
    """Every refresh the loader runs: (changed tables, whether recorded, tables rebuilt whole)."""
    seen: list[tuple[set[str], bool, list[str]]] = []
    original = loaders.refresh_pre_aggregates

    def spy(conn, changed, touched=None):
        whole = original(conn, changed, touched)
        seen.append((set(changed), touched is not None, whole))
        return whole

    monkeypatch.setattr(loaders, "refresh_pre_aggregates", spy)
    return seen


def one_load(engine: sa.Engine, final: dict[str, pd.DataFrame]) -> None:
    for name in ("touchpoints", "customers", "survey", "service", "purchases"):
        loaders.import_dataset(engine, name, final[name], name=name)
    with engine.begin() as conn:
        fill_pre_aggregates(conn, [table.name for table in PRE_AGGREGATED])


@pytest.mark.parametrize("seed", [3])
def test_daily_batches_in_random_order_give_the_pre_aggregates_of_one_full_load(engine, databases, refreshes,
                                                                                   monkeypatch, seed):
    monkeypatch.setattr(pre_aggregates, "FULL_REBUILD_SHARE", 1.0)  # always the partial refresh where recorded
    batches, final = daily_batches(seed)
    for n, (name, frame) in enumerate(batches):
        loaders.import_dataset(engine, name, frame, name=f"{name} batch {n}")
    reference = create_engine(databases.url(engine.dialect.name.replace("postgresql", "postgres"), migrated=True))
    one_load(reference, final)
    assert_same_pre_aggregates(engine, reference, f"after {len(batches)} daily imports (seed {seed})")
    reference.dispose()
    partial = [changed for changed, recorded, whole in refreshes if recorded and not whole]
    assert len(partial) > len(batches) / 2, "most imports should refresh only what they touched"
    assert any("customers" in changed for changed in partial), "a customers file refreshes per-day rows by customer"
    touchpoint_added = [whole for changed, _, whole in refreshes if "touchpoints" in changed]
    assert ["journey_runs"] in touchpoint_added, "a new touchpoint rebuilds the journey runs whole"


def test_every_import_leaves_each_table_equal_to_its_select(engine, monkeypatch):
    """After each import, not only at the end: a partial refresh never leaves a stale or doubled row behind."""
    monkeypatch.setattr(pre_aggregates, "FULL_REBUILD_SHARE", 1.0)
    batches, _ = daily_batches(29)
    for n, (name, frame) in enumerate(batches[:14]):
        loaders.import_dataset(engine, name, frame, name=f"{name} batch {n}")
        assert_current(engine, f"after import {n} ({name})")


def test_a_replace_or_a_large_share_rebuilds_whole_and_a_small_one_only_its_part(engine, refreshes):
    _, final = daily_batches(5)
    for name in ("touchpoints", "customers", "survey", "service", "purchases"):
        loaders.import_dataset(engine, name, final[name], name=name)
    assert refreshes[-1][2] == ["response_followups", "ticket_followups", "order_days", "order_sequence",
                                "journey_runs"], "a first load touches every customer and day: whole"
    one_order = final["purchases"].head(1).assign(amount=123.0)
    loaders.import_dataset(engine, "purchases", one_order, name="one order")
    assert refreshes[-1][1:] == (True, []), "one order of one customer on one day: parts only"
    loaders.import_dataset(engine, "purchases", final["purchases"], name="again", replace=True)
    assert refreshes[-1][1] is False
    assert sorted(refreshes[-1][2]) == sorted(table.name for table, _ in pre_aggregates.stale_after("purchases"))
    unchanged = final["purchases"].head(5)
    loaders.import_dataset(engine, "purchases", unchanged, name="unchanged rows")
    assert refreshes[-1][1:] == (True, []), "rows that change nothing touch nothing"
    assert_current(engine, "after the imports")


@pytest.mark.parametrize("dialect", ["postgresql+psycopg", "duckdb", "trino", "snowflake"])
def test_the_partial_refresh_compiles_with_bound_values_only(dialect):
    """The restricted SELECTs and the deletes join the touched keys' table: no value is ever written into SQL."""
    compiled = make_url(f"{dialect}://").get_dialect()()
    keys = {"customer_id": sa.table("touched_customers", sa.column("customer_id")),
            "day": sa.table("touched_days", sa.column("day"))}
    for table, select, _ in PRE_AGGREGATES:
        key = keys["day" if table.name in pre_aggregates.PER_DAY else "customer_id"]
        for statement in (select(keys=key), sa.delete(table).where(pre_aggregates._stored(table, key))):
            sql = str(statement.compile(dialect=compiled))
            assert key.name in sql, f"{table.name} is not restricted to the keys for {dialect}"
            assert "'" not in sql.replace("'Other feedback'", ""), f"{table.name} inlines a value for {dialect}"


@pytest.mark.parametrize("backend", ["duckdb", pytest.param("postgres", marks=pytest.mark.postgres)])
def test_the_migration_gives_order_sequence_its_customer_from_rows_stored_before_it(databases, backend):
    engine = create_engine(databases.url(backend))
    with engine.begin() as conn:
        upgrade(conn, "0009")
        conn.execute(sa.insert(customers).values(customer_id="C1", joined_at=datetime(2024, 1, 1)))
        conn.execute(sa.insert(purchases).values(order_id="O1", customer_id="C1", ordered_at=datetime(2025, 2, 1),
                                                 amount=42.0))
        upgrade(conn)
    with engine.connect() as conn:
        assert conn.execute(sa.select(order_sequence.c.customer_id, order_sequence.c.amount)).all() == [("C1", 42.0)]
    engine.dispose()
