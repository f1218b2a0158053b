"""Every page's queries are portable SQL: captured while every page runs on PostgreSQL, then compiled for the
Trino, Snowflake and DuckDB dialects (compile only: no server) and checked for what those engines lack.

Engine-specific SQL belongs in data_access/compat.py only; anything else shows up here as an unknown function,
an inlined value or a construct one of the engines does not have.
"""

from __future__ import annotations

import re
from datetime import date

import pytest
import sqlalchemy as sa
import streamlit as st
from sqlalchemy.engine import make_url
from sqlalchemy.sql import visitors
from sqlalchemy.sql.functions import FunctionElement

from analytics.workshop import ActionFields
from components.page import PAGES
from data_access import compat, stories_store, workshop_store
from data_access.db import open_database
from data_access.reads import READS
from data_access.schema import metadata
from tests.conftest import new_app

DIALECTS = ("postgresql+psycopg", "duckdb", "trino", "snowflake")
PORTABLE_FUNCTIONS = frozenset({"count", "sum", "avg", "min", "max", "coalesce", "corr", "lower", "trim",
                                "substr",  # reads.comments.listed cuts long comments in the engine: every engine has it
                                "lag", "lead", "row_number"})
COMPAT_FUNCTIONS = (compat.month_start, compat.median)
FIXED_LITERALS = frozenset({"'month'"})  # written by compat.month_start, never a user's value
MISSING_CONSTRUCTS = {  # SQL a page query could pick up that the named engine rejects
    "trino": ("ILIKE", "::", "DISTINCT ON"),
    "snowflake": ("FILTER (WHERE", "DISTINCT ON"),
    "duckdb": (),
    "postgresql": (),
}
VIEWS = {"default": {}, "narrow": {"tier": "Gold", "channel": "store", "period": "quarter"}}
WORKSHOP_SECTIONS = ("notes", "actions", "votes", "story", "followup", "takeaway")


def _workshop_held(url: str) -> None:
    """A workshop with a note, an action, a vote and a story, so the Workshop page runs every one of its reads."""
    engine = open_database(url)
    workshop = workshop_store.create_workshop(engine, name="Review", held_on=date(2026, 11, 30), facilitator="Ana",
                                              by="Ana")
    workshop_store.add_note(engine, workshop, kind="action", text="Call the carrier", by="Ana",
                            touchpoint="Home delivery", action=ActionFields("Chris", date(2026, 12, 15)))
    workshop_store.vote(engine, workshop, "Ana", "touchpoint", "Home delivery")
    story = stories_store.create_story(engine, "Delivery", by="Ana")
    stories_store.add_step(engine, story, page="app.py", params="period=quarter", caption="Where we stand")
    engine.dispose()


CALLED: set[str] = set()  # reads the pages called; one that delegates (survey.summary) runs another's SQL
# Reads only the sign-in runs (a password form, a provider's user with a users row): their SQL runs on PostgreSQL in
# tests/integration/test_access_store.py, since users on the shared demo database would lock the other page tests out.
SIGN_IN_READS = {"access.user_row", "access.verify_password"}


@pytest.fixture(scope="module")
def page_queries(demo_postgres_url):
    """(view, page, read, statement) for every SELECT the pages ran on PostgreSQL, after checking each page ran;
    the Workshop page once per section."""
    captured: list[tuple[str, str, str, sa.Select]] = []
    where = {"view": "", "page": "", "read": "page frame"}

    def capture(conn, statement, multiparams, params, execution_options):
        if isinstance(statement, sa.Select | sa.CompoundSelect) and _reads_app_tables(statement):
            captured.append((where["view"], where["page"], where["read"], statement))

    def named(name, read):
        def run(*args, **kwargs):
            outer, where["read"] = where["read"], name
            CALLED.add(name)
            try:
                return read(*args, **kwargs)
            finally:
                where["read"] = outer
        return run

    patch = pytest.MonkeyPatch()
    patch.setenv("CX_DATABASE_URL", demo_postgres_url)
    for name, read in READS.items():
        patch.setattr(read, "fn", named(name, read.fn))
    _workshop_held(demo_postgres_url)
    sa.event.listen(sa.Engine, "before_execute", capture)
    try:
        for view, params in VIEWS.items():
            at = new_app(**params)
            at.session_state["ws_name"] = "Ana"
            for script, label, _ in PAGES:
                where.update(view=view, page=label)
                _ran_cleanly((at.switch_page(script) if script != "app.py" else at).run(), label, view)
                for section in WORKSHOP_SECTIONS if script == "pages/7_Workshop.py" else ():
                    at.segmented_control(key="workshop_section").set_value(section).run()
                    _ran_cleanly(at, f"{label}, {section}", view)
    finally:
        sa.event.remove(sa.Engine, "before_execute", capture)
        patch.undo()
        st.cache_resource.clear()
        st.cache_data.clear()
    return captured


def _ran_cleanly(at, label: str, view: str) -> None:
    assert not at.exception, f"{label} ({view} view) failed on PostgreSQL: {at.exception[0].message}"
    assert not at.error, f"{label} ({view} view) shows an error on PostgreSQL: {at.error[0].value}"


def _reads_app_tables(statement: sa.Select | sa.CompoundSelect) -> bool:
    """The app's own reads, not the driver's or Alembic's catalog queries when the engine first connects."""
    tables = {element for element in visitors.iterate(statement) if isinstance(element, sa.Table)}
    return bool(tables) and all(table.metadata is metadata for table in tables)


def _dialect(name: str) -> sa.Dialect:
    return make_url(f"{name}://").get_dialect()()


def _where(view: str, page: str, read: str) -> str:
    return f"{read} on {page} ({view} view)"


@pytest.mark.postgres
def test_every_named_read_ran_on_postgresql(page_queries):
    ran = {read for _, _, read, _ in page_queries} | CALLED | SIGN_IN_READS
    assert set(READS) <= ran, f"no page ran {sorted(set(READS) - ran)}: the test would not cover them"
    assert {view for view, *_ in page_queries} == set(VIEWS)


@pytest.mark.postgres
@pytest.mark.parametrize("dialect_name", DIALECTS)
def test_page_queries_compile_with_bound_values_and_known_constructs(page_queries, dialect_name):
    dialect = _dialect(dialect_name)
    missing = MISSING_CONSTRUCTS[dialect.name]
    for view, page, read, statement in page_queries:
        try:
            sql = str(statement.compile(dialect=dialect))
        except sa.exc.CompileError as error:
            pytest.fail(f"{_where(view, page, read)} does not compile for {dialect.name}: {error}")
        inlined = set(re.findall(r"'[^']*'", sql)) - FIXED_LITERALS
        assert not inlined, f"{_where(view, page, read)} inlines {inlined} for {dialect.name} instead of binding it"
        rejected = [construct for construct in missing if construct in sql.upper()]
        assert not rejected, f"{_where(view, page, read)} uses {rejected}, which {dialect.name} lacks:\n{sql}"


@pytest.mark.postgres
def test_page_queries_use_portable_functions_or_compat_only(page_queries):
    for view, page, read, statement in page_queries:
        functions = [element for element in visitors.iterate(statement) if isinstance(element, FunctionElement)]
        foreign = {f.name for f in functions
                   if not isinstance(f, COMPAT_FUNCTIONS) and f.name.lower() not in PORTABLE_FUNCTIONS}
        assert not foreign, (f"{_where(view, page, read)} calls {sorted(foreign)}: put engine-specific SQL in "
                             "data_access/compat.py with a variant per dialect")


def test_the_checks_catch_what_they_look_for():
    """The inspections above find an engine-specific function, an inlined value and a FILTER clause."""
    t = sa.table("t", sa.column("at"), sa.column("tier"))
    statement = (sa.select(sa.func.date_trunc("month", t.c.at), sa.func.count().filter(t.c.tier == "Gold"))
                 .where(t.c.tier == sa.literal_column("'Gold'")))
    names = {e.name for e in visitors.iterate(statement) if isinstance(e, FunctionElement)}
    assert "date_trunc" in names - PORTABLE_FUNCTIONS
    sql = str(statement.compile(dialect=_dialect("snowflake")))
    assert "'Gold'" in set(re.findall(r"'[^']*'", sql)) - FIXED_LITERALS
    assert "FILTER (WHERE" in sql.upper()


@pytest.mark.parametrize(("dialect_name", "month", "median"), [
    ("postgresql+psycopg", "date_trunc('month', t.at)", "percentile_cont(0.5) WITHIN GROUP (ORDER BY t.x)"),
    ("duckdb", "date_trunc('month', t.at)", "percentile_cont(0.5) WITHIN GROUP (ORDER BY t.x)"),
    ("snowflake", "date_trunc('month', t.at)", "percentile_cont(0.5) WITHIN GROUP (ORDER BY t.x)"),
    ("trino", "date_trunc('month', t.at)", "approx_percentile(t.x, 0.5)"),
])
def test_compat_compiles_each_engines_own_function(dialect_name, month, median):
    t = sa.table("t", sa.column("at"), sa.column("x"))
    sql = str(sa.select(compat.month_start(t.c.at), compat.median(t.c.x)).compile(dialect=_dialect(dialect_name)))
    assert month in sql
    assert median in sql
