"""Engines for the tests: a fresh DuckDB file, and a fresh PostgreSQL database per use.

PostgreSQL tests skip with a reason when no server answers, and fail instead when CX_REQUIRE_POSTGRES=1 (CI).
"""

from __future__ import annotations

import os
import uuid
from contextlib import contextmanager
from pathlib import Path

import pytest
import sqlalchemy as sa
import streamlit as st
from streamlit.testing.v1 import AppTest

from data_access.db import open_database

ROOT = Path(__file__).resolve().parent.parent
POSTGRES_ADMIN_URL = os.environ.get("CX_TEST_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test")
BACKENDS = ["duckdb", pytest.param("postgres", marks=pytest.mark.postgres)]


def new_app(**params: str) -> AppTest:
    """An AppTest of app.py with URL parameters, on fresh caches (CX_DATABASE_URL picks the database)."""
    st.cache_resource.clear()
    st.cache_data.clear()
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60)
    for key, value in params.items():
        at.query_params[key] = value
    return at


@pytest.fixture(scope="session")
def postgres_admin():
    """An AUTOCOMMIT engine on the server, to create and drop throw-away databases."""
    engine = sa.create_engine(POSTGRES_ADMIN_URL, isolation_level="AUTOCOMMIT")
    try:
        with engine.connect():
            pass
    except sa.exc.OperationalError as error:
        message = f"PostgreSQL at {POSTGRES_ADMIN_URL} does not answer: {str(error.orig).splitlines()[0]}"
        if os.environ.get("CX_REQUIRE_POSTGRES") == "1":
            pytest.fail(message + " (CX_REQUIRE_POSTGRES=1)")
        pytest.skip(message)
    yield engine
    engine.dispose()


class Databases:
    """Makes fresh, migrated databases of either backend and cleans them up."""

    def __init__(self, tmp: Path, request):
        self.tmp, self.request, self.cleanups = tmp, request, []

    def url(self, backend: str) -> str:
        if backend == "duckdb":
            return f"duckdb:///{self.tmp / f'cx-{uuid.uuid4().hex[:8]}.duckdb'}"
        admin = self.request.getfixturevalue("postgres_admin")
        name = f"cx_test_{uuid.uuid4().hex[:12]}"
        with admin.connect() as conn:
            conn.execute(sa.text(f'CREATE DATABASE "{name}"'))
        self.cleanups.append(lambda: _drop(admin, name))
        return admin.url.set(database=name).render_as_string(hide_password=False)

    def engine(self, backend: str) -> sa.Engine:
        engine = open_database(self.url(backend))
        self.cleanups.insert(0, engine.dispose)
        return engine

    def close(self):
        for cleanup in self.cleanups:
            cleanup()


def _drop(admin: sa.Engine, name: str) -> None:
    with admin.connect() as conn:
        conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))


@pytest.fixture
def databases(tmp_path, request):
    made = Databases(tmp_path, request)
    yield made
    made.close()


@pytest.fixture(params=BACKENDS)
def engine(request, databases):
    """A fresh, empty, migrated database on each backend."""
    return databases.engine(request.param)


@contextmanager
def loaded_connection(request, tmp_path_factory, data: dict, label: str):
    """A connection to a fresh database of request.param's backend holding the given frames (for reading tests)."""
    from data_access.loaders import import_dataset

    made = Databases(tmp_path_factory.mktemp(label), request)
    engine = made.engine(request.param)
    for name, frame in data.items():
        import_dataset(engine, name, frame, name=name)
    try:
        with engine.connect() as connection:
            yield connection
    finally:
        made.close()


def load_demo(engine: sa.Engine) -> None:
    """The bundled demo company, through the real import path."""
    from cli import LOAD_ORDER
    from data_access.loaders import import_dataset

    for name in LOAD_ORDER:
        import_dataset(engine, name, ROOT / "sample_data" / f"{name}.csv")


@pytest.fixture(scope="session")
def demo_duckdb_path(tmp_path_factory) -> Path:
    """An embedded database file holding the demo company (copy it before a server writes to it)."""
    path = tmp_path_factory.mktemp("demo-duckdb") / "cx.duckdb"
    engine = open_database(f"duckdb:///{path}")
    load_demo(engine)
    engine.dispose()
    return path


@pytest.fixture(scope="session")
def demo_postgres_url(request, tmp_path_factory) -> str:
    """A PostgreSQL database holding the demo company, made once per session."""
    made = Databases(tmp_path_factory.mktemp("demo"), request)
    url = made.url("postgres")
    engine = open_database(url)
    load_demo(engine)
    engine.dispose()
    yield url
    made.close()


@pytest.fixture(scope="session", params=BACKENDS)
def demo_engine(request):
    """The demo company on each backend."""
    url = (f"duckdb:///{request.getfixturevalue('demo_duckdb_path')}" if request.param == "duckdb"
           else request.getfixturevalue("demo_postgres_url"))
    engine = open_database(url)
    yield engine
    engine.dispose()
