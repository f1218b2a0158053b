"""Pre-aggregated tables stay equal to what they summarise: after every import, removal and migration."""

from __future__ import annotations

from datetime import date, datetime

import pandas as pd
import pytest
import sqlalchemy as sa
from alembic import command
from alembic.config import Config

from data_access import queries
from data_access.db import MIGRATIONS, create_engine
from data_access.filters import NO_TIER, Filters
from data_access.loaders import import_dataset, remove_dataset
from data_access.schema import purchases, response_followups, survey_responses, ticket_followups
from tests.integration.test_queries import DATA, DATA_END

PRE_AGGREGATED = [table for table, _, _ in queries.PRE_AGGREGATES]


def rows(conn, source: sa.FromClause) -> pd.DataFrame:
    """Every row, in a fixed order (NULLs first in every column), so two sources compare row by row."""
    order = [sa.case((column.is_(None), 0), else_=1) for column in source.c] + list(source.c)
    return pd.DataFrame(conn.execute(sa.select(source).order_by(*order)).all()).reset_index(drop=True)


def computed(conn, table: sa.Table) -> pd.DataFrame:
    select = next(build for pre_aggregated, build, _ in queries.PRE_AGGREGATES if pre_aggregated is table)
    return rows(conn, select().subquery())


def assert_current(engine: sa.Engine) -> None:
    with engine.connect() as conn:
        for table in PRE_AGGREGATED:
            pd.testing.assert_frame_equal(rows(conn, table), computed(conn, table), check_dtype=False)


def spend_after_answers(engine: sa.Engine) -> float:
    with engine.connect() as conn:
        return queries.nps_group_outcomes(conn, Filters(), DATA_END, by_tier=False)["spend"].sum()


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
    def reads(conn):
        return [read(conn) for read in (
            lambda c: queries.nps_group_outcomes(c, Filters(), DATA_END),
            lambda c: queries.ticket_outcomes(c, Filters(), DATA_END),
            lambda c: queries.points_by_month(c, Filters()),
            lambda c: queries.points_by_month(c, Filters(tiers=(NO_TIER, "Gold"), channels=("web",))),
            lambda c: queries.points_by_month(c, Filters(date(2025, 2, 3), date(2025, 2, 28), segments=("Premium",))))]

    with engine.connect() as conn:
        stored_frames = reads(conn)
    with engine.begin() as conn:  # a warehouse without the pre-aggregated tables
        for table in PRE_AGGREGATED:
            table.drop(conn)
    with engine.connect() as conn:
        inline_frames = reads(conn)
    assert stored_frames[3]["points_earned"].sum() == 150 + 45  # O1 and O3: C1 is Gold, both on the web
    for pre_aggregated, inline in zip(stored_frames, inline_frames, strict=True):
        pd.testing.assert_frame_equal(pre_aggregated, inline, check_dtype=False)


@pytest.mark.parametrize("backend", ["duckdb", pytest.param("postgres", marks=pytest.mark.postgres)])
def test_the_migration_fills_the_followups_from_rows_stored_before_it(databases, backend):
    engine = create_engine(databases.url(backend))
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    with engine.begin() as conn:
        config.attributes["connection"] = conn
        command.upgrade(config, "0002")
        conn.execute(sa.insert(survey_responses).values(
            response_id="R1", customer_id="C1", submitted_at=datetime(2025, 1, 10), touchpoint="Web", nps=9))
        conn.execute(sa.insert(purchases).values(order_id="O1", customer_id="C1", ordered_at=datetime(2025, 2, 1),
                                                 amount=42.0))
        command.upgrade(config, "head")
    with engine.connect() as conn:
        assert conn.execute(sa.select(response_followups)).all() == [("R1", 1, 42.0)]
    engine.dispose()
