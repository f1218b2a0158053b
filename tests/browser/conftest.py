"""Helpers for the browser tests: waits that scale with the machine's load, a Streamlit server on a given
database file, and screenshots taken once the page has settled.

CX_BROWSER_WAIT_SCALE (default 1) multiplies every wait: a loaded 2-core machine needs 3 or more.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from contextlib import contextmanager
from pathlib import Path

import pytest

from tests.conftest import ROOT

SCREENSHOTS = ROOT / "screenshots"
WAIT_SCALE = float(os.environ.get("CX_BROWSER_WAIT_SCALE", "1") or 1)


def wait_ms(seconds: float) -> float:
    """A Playwright timeout (milliseconds) for a wait of `seconds` on a quiet machine, scaled by the setting."""
    return seconds * 1000 * WAIT_SCALE


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@contextmanager
def streamlit_server(database: Path):
    """`streamlit run app.py` on 127.0.0.1 and a free port against the DuckDB file `database` (made and migrated
    when new); only this process is stopped on exit."""
    port = _free_port()
    env = {**os.environ, "CX_DATABASE_URL": f"duckdb:///{database}"}
    process = subprocess.Popen(
        [sys.executable, "-m", "streamlit", "run", "app.py", "--server.headless", "true", "--server.address",
         "127.0.0.1", "--server.port", str(port), "--browser.gatherUsageStats", "false",
         "--server.fileWatcherType", "none"], cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 30 * WAIT_SCALE
    try:
        while True:
            try:
                with urllib.request.urlopen(f"{base}/_stcore/health", timeout=1) as answer:
                    if answer.read() == b"ok":
                        break
            except OSError:
                if time.monotonic() > deadline or process.poll() is not None:
                    pytest.fail(f"streamlit did not start: {process.stdout.read().decode()[-2000:]}")
                time.sleep(0.2)
        yield base
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=10)


def settle(page, seconds: float = 30) -> None:
    """Wait until Streamlit has finished the run: no skeletons left and the status widget idle."""
    page.wait_for_function("document.querySelectorAll(\"[data-testid='stSkeleton']\").length === 0",
                           timeout=wait_ms(seconds))
    page.locator("[data-testid='stStatusWidget']").wait_for(state="hidden", timeout=wait_ms(seconds))
    page.wait_for_timeout(300)


def screenshot(page, name: str) -> Path:
    """A screenshot of the settled page under screenshots/ (tall viewport: Streamlit scrolls inside itself)."""
    settle(page)
    SCREENSHOTS.mkdir(exist_ok=True)
    path = SCREENSHOTS / f"{name}.png"
    page.screenshot(path=str(path))
    return path


@pytest.fixture(scope="module")
def server(demo_duckdb_path, tmp_path_factory):
    """One server per test module, on that module's own copy of the demo database."""
    database = tmp_path_factory.mktemp("browser") / "cx.duckdb"
    shutil.copy(demo_duckdb_path, database)
    with streamlit_server(database) as base:
        yield base


CHROMIUM = Path("/usr/bin/chromium")
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
        "--disable-background-networking", "--disable-component-update", "--disable-sync"]


@pytest.fixture(scope="module")
def chromium():
    """Debian's Chromium through Playwright (never `playwright install`); skipped when it is missing."""
    if not CHROMIUM.exists():
        if os.environ.get("CI"):
            pytest.fail("Debian's chromium is missing: .ci/run installs it")
        pytest.skip("Debian's chromium is not installed (apt-get install --no-install-recommends chromium)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        yield browser
        browser.close()
