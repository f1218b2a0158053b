"""Pre-aggregated tables stay equal to what they summarise: after every import, removal and migration."""

from __future__ import annotations

from datetime import date, datetime

import numpy as np
import pandas as pd
import pytest
import sqlalchemy as sa

from data_access import reads, sql
from data_access.db import create_engine, upgrade
from data_access.filters import NO_TIER, Filters
from data_access.loaders import import_dataset, remove_dataset
from data_access.pre_aggregates import PRE_AGGREGATES
from data_access.schema import purchases, response_followups, survey_responses, ticket_followups
from tests.integration.test_queries import DATA, DATA_END

PRE_AGGREGATED = [table for table, _, _ in PRE_AGGREGATES]


def rows(conn, source: sa.FromClause) -> pd.DataFrame:
    """Every row, in a fixed order (NULLs first in every column), so two sources compare row by row."""
    order = [sa.case((column.is_(None), 0), else_=1) for column in source.c] + list(source.c)
    return pd.DataFrame(conn.execute(sa.select(source).order_by(*order)).all()).reset_index(drop=True)


def computed(conn, table: sa.Table) -> pd.DataFrame:
    select = next(build for pre_aggregated, build, _ in PRE_AGGREGATES if pre_aggregated is table)
    return rows(conn, select().subquery())


def assert_current(engine: sa.Engine) -> None:
    with engine.connect() as conn:
        for table in PRE_AGGREGATED:
            pd.testing.assert_frame_equal(rows(conn, table), computed(conn, table), check_dtype=False)


def spend_after_answers(engine: sa.Engine) -> float:
    with engine.connect() as conn:
        return reads.loyalty.nps_group_outcomes.on(conn, Filters(), DATA_END, by=())["spend"].sum()


def load(engine: sa.Engine, names=tuple(DATA)) -> None:
    for name in names:
        import_dataset(engine, name, DATA[name], name=name)


def test_imports_and_removals_keep_the_followups_equal_to_the_rows(engine):
    load(engine)
    assert_current(engine)
    with engine.connect() as conn:
        assert conn.execute(sa.select(sa.func.count()).select_from(response_followups)).scalar_one() == 6
    before = spend_after_answers(engine)
    later_order = pd.DataFrame({"order_id": ["O7"], "customer_id": ["C1"], "ordered_at": ["2025-01-12 10:00"],
                                "amount": [25.0], "channel": ["web"], "points_earned": [0], "points_redeemed": [0]})
    import_dataset(engine, "purchases", later_order, name="one more order")  # 2 days after R1
    assert spend_after_answers(engine) == before + 25.0
    assert_current(engine)
    remove_dataset(engine, "purchases")
    assert spend_after_answers(engine) == 0.0
    assert_current(engine)
    remove_dataset(engine, "survey")
    with engine.connect() as conn:
        assert not conn.execute(sa.select(sa.func.count()).select_from(response_followups)).scalar_one()
        assert conn.execute(sa.select(sa.func.count()).select_from(ticket_followups)).scalar_one() == 2


def test_the_pre_aggregated_and_the_inline_outcomes_agree(engine):
    load(engine)
    def every_read(conn):
        return [read(conn) for read in (
            lambda c: reads.loyalty.nps_group_outcomes.on(c, Filters(), DATA_END),
            lambda c: reads.service.ticket_outcomes.on(c, Filters(), DATA_END),
            lambda c: reads.loyalty.points_by_month.on(c, Filters()),
            lambda c: reads.loyalty.points_by_month.on(c, Filters(tiers=(NO_TIER, "Gold"), channels=("web",))),
            lambda c: reads.loyalty.points_by_month.on(c, Filters(date(2025, 2, 3), date(2025, 2, 28),
                                                                  segments=("Premium",))),
            lambda c: reads.survey.counts.on(c, Filters()),
            lambda c: reads.survey.counts.on(c, Filters(date(2025, 1, 15), date(2025, 2, 10)), by=("month", "channel")),
            lambda c: reads.survey.counts.on(c, Filters(channels=("web",)), by=("stage", "stage_order", "touchpoint")),
            lambda c: reads.survey.counts.on(c, Filters(), by=("month",), touchpoint="Home delivery"),
            lambda c: reads.survey.counts.on(c, Filters(tiers=("Gold", NO_TIER)), by=("tier", "touchpoint")),
            lambda c: reads.loyalty.tier_migration.on(c, date(2025, 1, 1), date(2025, 6, 30), Filters()),
            lambda c: reads.journey.path_prefixes.on(c, Filters(date(2025, 1, 9), date(2025, 2, 10))),
            lambda c: reads.loyalty.by_tier.on(c, Filters(date(2025, 2, 1), date(2025, 3, 31))),
            lambda c: pd.DataFrame(reads.status.filter_options(c)["channels"]))]

    with engine.connect() as conn:
        stored_frames = every_read(conn)
    with engine.begin() as conn:  # a warehouse without the pre-aggregated tables
        for table in PRE_AGGREGATED:
            table.drop(conn)
    with engine.connect() as conn:
        inline_frames = every_read(conn)
    assert stored_frames[3]["points_earned"].sum() == 150 + 45  # O1 and O3: C1 is Gold, both on the web
    assert stored_frames[5]["responses"].sum() == 6 and stored_frames[6]["responses"].sum() == 4
    assert stored_frames[9].groupby("tier")["responses"].sum().to_dict() == {"Gold": 2, NO_TIER: 2}  # R1, R4; R3, R6
    for pre_aggregated, inline in zip(stored_frames, inline_frames, strict=True):
        pd.testing.assert_frame_equal(pre_aggregated, inline, check_dtype=False)


@pytest.mark.parametrize("backend", ["duckdb", pytest.param("postgres", marks=pytest.mark.postgres)])
def test_the_migration_fills_the_followups_from_rows_stored_before_it(databases, backend):
    engine = create_engine(databases.url(backend))
    with engine.begin() as conn:
        upgrade(conn, "0002")
        conn.execute(sa.insert(survey_responses).values(
            response_id="R1", customer_id="C1", submitted_at=datetime(2025, 1, 10), touchpoint="Web", nps=9))
        conn.execute(sa.insert(purchases).values(order_id="O1", customer_id="C1", ordered_at=datetime(2025, 2, 1),
                                                 amount=42.0))
        upgrade(conn)
    with engine.connect() as conn:
        assert conn.execute(sa.select(response_followups)).all() == [("R1", 1, 42.0)]
    engine.dispose()


def random_company(seed: int = 7, customers: int = 40) -> dict[str, pd.DataFrame]:
    """Events on a few days for a few customers, so ties, runs that span a period and repeat redemptions abound."""
    rng = np.random.default_rng(seed)
    ids = [f"C{i}" for i in range(customers)]
    days = pd.date_range("2025-01-01", periods=12, freq="7D")

    def moments(n: int) -> list[str]:  # whole days mostly, so an order and an answer often share a moment
        picked = rng.choice(days, n) + pd.to_timedelta(rng.choice([0, 0, 0, 3600], n), unit="s")
        return [str(moment) for moment in picked]

    def picks(values, n):
        return [values[i] for i in rng.integers(0, len(values), n)]

    orders, answers, tickets = 160, 70, 25
    return {
        "customers": pd.DataFrame({"customer_id": ids, "joined_at": picks(["2024-01-01", "2025-02-01"], customers),
                                   "tier": picks(["Gold", "Silver", None], customers),
                                   "segment": picks(["Premium", "Value seeker"], customers),
                                   "region": picks(["North", "South"], customers)}),
        "touchpoints": pd.DataFrame({"touchpoint": ["Web checkout", "Home delivery"], "stage": ["Buy", "Receive"],
                                     "stage_order": [2, 3]}),
        "survey": pd.DataFrame({"response_id": [f"R{i}" for i in range(answers)],
                                "customer_id": picks(ids, answers), "submitted_at": moments(answers),
                                "touchpoint": picks(["Web checkout", "Home delivery", "Hotline"], answers),
                                "nps": rng.integers(0, 11, answers)}),
        "service": pd.DataFrame({"ticket_id": [f"T{i}" for i in range(tickets)], "customer_id": picks(ids, tickets),
                                 "opened_at": moments(tickets)}),
        "purchases": pd.DataFrame({"order_id": [f"O{i}" for i in range(orders)],
                                   "customer_id": picks([*ids, "C-unknown"], orders), "ordered_at": moments(orders),
                                   "amount": rng.integers(1, 100, orders).astype(float),
                                   "channel": picks(["web", "store"], orders),
                                   "points_earned": rng.integers(0, 50, orders),
                                   "points_redeemed": rng.choice([0, 0, 0, 20], orders)}),
    }


PERIODS = [Filters(date(2025, 1, 1), date(2025, 3, 31)), Filters(date(2025, 1, 8), date(2025, 1, 28)),
           Filters(date(2025, 1, 16), date(2025, 1, 21)), Filters(date(2025, 2, 5), date(2025, 2, 5)),
           Filters(date(2025, 1, 15), date(2025, 2, 19), tiers=("Gold", NO_TIER), segments=("Premium",)),
           Filters(date(2025, 2, 2), date(2025, 3, 20), regions=("South",))]


@pytest.mark.parametrize("seed", [7, 11])
def test_the_stored_journey_runs_and_order_sequence_give_the_inline_answers(engine, seed):
    """Against the shapes that read every event and group every customer, over periods that cut runs anywhere."""
    for name, frame in random_company(seed).items():
        import_dataset(engine, name, frame, name=name)
    assert_current(engine)
    open_ended = [Filters(), Filters(start=date(2025, 2, 1)), Filters(end=date(2025, 2, 1))]
    with engine.connect() as conn:
        for filters in PERIODS + open_ended:
            stored = sql.frame(conn, reads.journey.prefixes_select(reads.journey.moves_from_runs(filters)))
            inline = sql.frame(conn, reads.journey.prefixes_select(reads.journey.moves_from_events(filters)))
            pd.testing.assert_frame_equal(stored, inline, check_dtype=False, obj=f"journey {filters}")
        for filters in PERIODS:
            stored = sql.frame(conn, reads.loyalty.from_sequence_select(filters))
            inline = sql.frame(conn, reads.loyalty.per_customer_select(filters))
            pd.testing.assert_frame_equal(stored, inline, check_dtype=False, obj=f"loyalty {filters}")
        spanned = sql.frame(conn, reads.journey.prefixes_select(reads.journey.moves_from_runs(PERIODS[3])))
        assert spanned["customers"].sum() > 0  # a one-day period: most runs span it, only some hold an event in it


def test_reads_use_the_per_event_and_per_customer_shapes_where_the_stored_ones_do_not_fit(engine):
    load(engine)
    with_channel = Filters(date(2025, 1, 1), date(2025, 3, 31), channels=("web",))
    with engine.connect() as conn:
        journey = reads.journey.path_prefixes.on(conn, with_channel)
        loyalty = reads.loyalty.by_tier.on(conn, with_channel)
        inline = reads.journey.prefixes_select(reads.journey.moves_from_events(with_channel))
        pd.testing.assert_frame_equal(journey, sql.frame(conn, inline))
        pd.testing.assert_frame_equal(loyalty, sql.frame(conn, reads.loyalty.per_customer_select(with_channel)))
        assert loyalty.set_index("tier").loc["Gold", "orders"] == 2  # C1's O1 and O3 on the web
