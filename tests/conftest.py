"""Engines for the tests: a fresh DuckDB file, and a fresh PostgreSQL database per use.

Migrating a new database costs 0.3-0.7 s and loading the demo company about 7 s, so each is done once and
copied: a migrated DuckDB file per session (copied per test), a migrated PostgreSQL template per session
(CREATE DATABASE ... TEMPLATE), and the demo DuckDB file once per version of its inputs, kept under
.cache/test-demo/ (docs/decisions/0007-test-fixtures-built-once.md). CX_TEST_DEMO_CACHE=0 rebuilds it.

PostgreSQL tests skip with a reason when no server answers, and fail instead when CX_REQUIRE_POSTGRES=1 (CI).
"""

from __future__ import annotations

import fcntl
import hashlib
import os
import shutil
import sys
import uuid
from contextlib import contextmanager
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import sqlalchemy as sa
import streamlit as st
from streamlit.testing.v1 import AppTest

from data_access.db import open_database

ROOT = Path(__file__).resolve().parent.parent
DEMO_CACHE = ROOT / ".cache" / "test-demo"
# Everything the demo file is made from: pinned versions, the data and its generator, the migrations, the
# loaders and what they call (sentiment is scored at import), the CLI's load order, and load_demo below.
DEMO_INPUTS = ("requirements.txt", "cli.py", "tests/conftest.py", "sample_data", "data_access", "analytics")
DEMO_CACHE_KEEP = 4  # cached demo files kept (newest used first); each is about 20 MB
POSTGRES_ADMIN_URL = os.environ.get("CX_TEST_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test")
BACKENDS = ["duckdb", pytest.param("postgres", marks=pytest.mark.postgres)]


def pytest_collection_modifyitems(items):
    """Everything under tests/browser/ is a browser test, marked or not, so `-m "not browser"` never starts Chromium."""
    browser = ROOT / "tests" / "browser"
    for item in items:
        if browser in item.path.parents:
            item.add_marker(pytest.mark.browser)


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
    """Makes fresh databases of either backend (empty, or migrated from the session's template) and cleans up."""

    def __init__(self, tmp: Path, request):
        self.tmp, self.request, self.cleanups = tmp, request, []

    def url(self, backend: str, *, migrated: bool = False) -> str:
        """A new database: empty, or a copy of the session's migrated one (the same file a migration makes)."""
        if backend == "duckdb":
            path = self.tmp / f"cx-{uuid.uuid4().hex[:8]}.duckdb"
            if migrated:
                shutil.copy(self.request.getfixturevalue("migrated_duckdb"), path)
            return f"duckdb:///{path}"
        admin = self.request.getfixturevalue("postgres_admin")
        template = f' TEMPLATE "{self.request.getfixturevalue("migrated_postgres")}"' if migrated else ""
        name = f"cx_test_{uuid.uuid4().hex[:12]}"
        with admin.connect() as conn:
            conn.execute(sa.text(f'CREATE DATABASE "{name}"{template}'))
        self.cleanups.append(lambda: _drop(admin, name))
        return admin.url.set(database=name).render_as_string(hide_password=False)

    def engine(self, backend: str) -> sa.Engine:
        """A fresh, migrated database through the app's own open_database (its migration finds nothing to do)."""
        engine = open_database(self.url(backend, migrated=True))
        self.cleanups.insert(0, engine.dispose)
        return engine

    def close(self):
        for cleanup in self.cleanups:
            cleanup()


def _drop(admin: sa.Engine, name: str) -> None:
    with admin.connect() as conn:
        conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))


@pytest.fixture(scope="session")
def migrated_duckdb(tmp_path_factory) -> Path:
    """An empty DuckDB file at the newest migration, made once; Databases copies it (about 10 ms)."""
    path = tmp_path_factory.mktemp("migrated-duckdb") / "cx.duckdb"
    open_database(f"duckdb:///{path}").dispose()
    _no_wal(path)
    return path


@pytest.fixture(scope="session")
def migrated_postgres(postgres_admin) -> str:
    """The name of an empty PostgreSQL database at the newest migration, the template of each fresh one."""
    name = f"cx_template_{uuid.uuid4().hex[:12]}"
    with postgres_admin.connect() as conn:
        conn.execute(sa.text(f'CREATE DATABASE "{name}"'))
    try:
        open_database(postgres_admin.url.set(database=name).render_as_string(hide_password=False)).dispose()
        yield name  # nothing may stay connected to it: CREATE DATABASE ... TEMPLATE refuses a template in use
    finally:
        _drop(postgres_admin, name)


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
def loaded_connection(request, tmp_path_factory, data: dict, label: str, scorer: str | None = None):
    """A connection to a fresh database of request.param's backend holding the given frames (for reading tests);
    scorer: the sentiment scorer, when the test's expected figures were computed with a particular one."""
    from data_access.loaders import import_dataset

    made = Databases(tmp_path_factory.mktemp(label), request)
    engine = made.engine(request.param)
    for name, frame in data.items():
        import_dataset(engine, name, frame, name=name, **({"scorer": scorer} if scorer else {}))
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


def _no_wal(path: Path) -> None:
    """A closed DuckDB file is checkpointed; a write-ahead log beside it would make a copy of the file alone stale."""
    assert not path.with_name(path.name + ".wal").exists(), f"{path} was left with a write-ahead log"


def demo_key() -> str:
    """A digest of everything the demo file is made from (DEMO_INPUTS), the Python and the DuckDB version."""
    import duckdb

    digest = hashlib.sha256(f"{sys.version_info[:3]} duckdb {duckdb.__version__}".encode())
    for top in DEMO_INPUTS:
        start = ROOT / top
        files = [start] if start.is_file() else sorted(p for p in start.rglob("*") if p.is_file())
        for path in files:
            if "__pycache__" not in path.parts:
                digest.update(str(path.relative_to(ROOT)).encode() + b"\0" + path.read_bytes() + b"\0")
    return digest.hexdigest()[:16]


def build_demo(path: Path) -> None:
    """The demo company into a new DuckDB file, through the real import path."""
    engine = open_database(f"duckdb:///{path}")
    load_demo(engine)
    engine.dispose()
    _no_wal(path)


def cached_demo(destination: Path) -> None:
    """Copy the demo file for the current inputs to destination, building it on a miss.

    One session (or xdist worker) at a time holds the cache's lock, so a miss is built once while the others
    wait; the file is written under another name and renamed, so a crash never leaves half a file behind.
    """
    DEMO_CACHE.mkdir(parents=True, exist_ok=True)
    cached = DEMO_CACHE / f"demo-{demo_key()}.duckdb"
    with open(DEMO_CACHE / ".lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if not cached.exists():
            building = DEMO_CACHE / f".building-{uuid.uuid4().hex[:8]}.duckdb"
            try:
                build_demo(building)
                os.replace(building, cached)
            finally:
                building.unlink(missing_ok=True)
        shutil.copy(cached, destination)
        cached.touch()
        used = sorted(DEMO_CACHE.glob("demo-*.duckdb"), key=lambda p: p.stat().st_mtime, reverse=True)
        for old in used[DEMO_CACHE_KEEP:]:
            old.unlink(missing_ok=True)


@pytest.fixture(scope="session")
def demo_duckdb_path(tmp_path_factory) -> Path:
    """This session's copy of the demo company's DuckDB file; the tests read it, so copy it again to write or serve.

    Built once per version of its inputs and cached under .cache/test-demo/ (or per session with
    CX_TEST_DEMO_CACHE=0); test_cli checks that the CLI's real demo load gives the same rows.
    """
    path = tmp_path_factory.mktemp("demo-duckdb") / "cx.duckdb"
    if os.environ.get("CX_TEST_DEMO_CACHE", "1") == "0":
        build_demo(path)
    else:
        cached_demo(path)
    return path


@pytest.fixture
def demo_copy(demo_duckdb_path, tmp_path) -> Path:
    """A copy of the demo file of this test's own, for a test that writes to it or serves it."""
    path = tmp_path / "cx-demo.duckdb"
    shutil.copy(demo_duckdb_path, path)
    return path


def table_fingerprints(url: str) -> dict[str, tuple[int, int]]:
    """Rows and a digest of their values per table (DuckDB), leaving out the logs of changes (import log, audit
    trail: times and ids) and the app's own state (metadata, and the comment themes the Voices page stores on a
    visit)."""
    from data_access.schema import TABLES

    engine = sa.create_engine(url)
    try:
        with engine.connect() as conn:
            return {name: tuple(conn.execute(sa.text(
                        f"SELECT count(*), coalesce(sum(hash(t)::HUGEINT), 0) FROM {name} t")).one())
                    for name in TABLES if name not in ("import_log", "audit_log", "app_meta", "comment_themes")}
    finally:
        engine.dispose()


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


def new_answers_file(path: Path, rows: int, id_prefix: str) -> Path:
    """A survey file of `rows` new answers (ids `<id_prefix>0000000`…) without comments, so importing it costs no
    scoring time, dated on the first day of 2025, inside the demo's span: for imports that must take a while."""
    at = np.arange(rows)
    pd.DataFrame({"response_id": [f"{id_prefix}{i:07d}" for i in at], "customer_id": [f"C{i % 2000:06d}" for i in at],
                  "submitted_at": pd.Timestamp("2025-01-01") + pd.to_timedelta(at % 86_400, unit="s"),
                  "touchpoint": "Web checkout", "channel": "web", "nps": at % 11, "csat": 1 + at % 5,
                  "ces": 1 + at % 7, "comment": ""}).to_csv(path, index=False)
    return path
