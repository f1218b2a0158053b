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


def stop(process: subprocess.Popen) -> None:
    """Terminate a server this test started, killing it if it does not go within 10 s."""
    process.terminate()
    try:
        process.wait(timeout=10)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait(timeout=10)


@contextmanager
def streamlit_server(database: Path, *, port: int | None = None, secrets: Path | None = None,
                     log: Path | None = None):
    """`streamlit run app.py` on 127.0.0.1 and a free port (or `port`) against the DuckDB file `database` (made and
    migrated when new), reading only `secrets` when given; its output in `log` when given (a file, not a pipe
    nobody reads: a failed sign-in logs a traceback), else kept for the failure message. Only this process is
    stopped on exit."""
    port = port or _free_port()
    env = {**os.environ, "CX_DATABASE_URL": f"duckdb:///{database}"}
    options = ["--secrets.files", str(secrets)] if secrets else []
    out = open(log, "w") if log else subprocess.PIPE  # noqa: SIM115 - closed below, after the process has it
    try:
        process = subprocess.Popen(
            [sys.executable, "-m", "streamlit", "run", "app.py", "--server.headless", "true", "--server.address",
             "127.0.0.1", "--server.port", str(port), "--browser.gatherUsageStats", "false",
             "--server.fileWatcherType", "none", *options], cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL)
    finally:
        if log:
            out.close()

    def output() -> str:
        return log.read_text()[-2000:] if log else process.stdout.read().decode()[-2000:]

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
                    pytest.fail(f"streamlit did not start: {output()}")
                time.sleep(0.2)
        yield base
    finally:
        stop(process)


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


# --- A local OpenID Connect provider for the sign-in tests (tests/oidc/, oidc-provider on Node) ---------------------

OIDC_DIR = ROOT / "tests" / "oidc"  # package.json pins oidc-provider; node_modules/ is made by `npm ci`


class OidcProvider:
    """A running provider: its issuer URL, its one client, and the app port that client's redirect URI names.

    The provider accepts the people in tests/oidc/provider.mjs (ACCOUNTS: ana, ada, vic) with any password."""

    client_id = "cx-insight"
    client_secret = "cx-insight-test-secret"  # a test provider on 127.0.0.1 only

    def __init__(self, url: str, app_port: int):
        self.url, self.app_port = url, app_port

    @property
    def metadata_url(self) -> str:
        return f"{self.url}/.well-known/openid-configuration"

    @property
    def redirect_uri(self) -> str:
        return f"http://127.0.0.1:{self.app_port}/oauth2callback"


def _oidc_unavailable(reason: str):
    if os.environ.get("CX_REQUIRE_OIDC") == "1":
        pytest.fail(f"{reason} (CX_REQUIRE_OIDC=1)")
    pytest.skip(reason)


@pytest.fixture(scope="session")
def oidc_provider(tmp_path_factory):
    """tests/oidc/provider.mjs on 127.0.0.1 and a free port, for an app to be served on `app_port`; `npm ci` first
    when tests/oidc/node_modules is missing. Skipped without node and npm (failed with CX_REQUIRE_OIDC=1)."""
    node, npm = shutil.which("node"), shutil.which("npm")
    if not (node and npm):
        _oidc_unavailable("node and npm are needed for the local OpenID Connect provider (tests/oidc)")
    import fcntl

    (ROOT / ".cache").mkdir(exist_ok=True)
    with open(ROOT / ".cache" / "oidc-npm-ci.lock", "w") as lock:  # one `npm ci` at a time (xdist workers)
        fcntl.flock(lock, fcntl.LOCK_EX)
        if not (OIDC_DIR / "node_modules" / "oidc-provider").is_dir():
            try:
                installed = subprocess.run([npm, "ci", "--prefix", str(OIDC_DIR), "--no-audit", "--no-fund"],
                                           capture_output=True, text=True, timeout=300 * WAIT_SCALE)
            except subprocess.TimeoutExpired:
                _oidc_unavailable("`npm ci --prefix tests/oidc` took more than 5 minutes")
            if installed.returncode != 0:
                _oidc_unavailable("`npm ci --prefix tests/oidc` failed: "
                                  + (installed.stderr or installed.stdout)[-1500:])
    log = tmp_path_factory.mktemp("oidc") / "provider.log"
    app_port = _free_port()
    provider = OidcProvider("", app_port)
    with open(log, "w") as out:
        process = subprocess.Popen(
            [node, str(OIDC_DIR / "provider.mjs"), "--port", "0", "--redirect-uri", provider.redirect_uri,
             "--client-id", provider.client_id, "--client-secret", provider.client_secret],
            stdout=out, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL)
    deadline = time.monotonic() + 30 * WAIT_SCALE
    try:
        while True:
            ready = [line for line in log.read_text().splitlines() if line.startswith("OIDC provider ready at ")]
            if ready and not provider.url:
                provider.url = ready[0].rsplit(" ", 1)[1]
            if provider.url:
                try:
                    with urllib.request.urlopen(provider.metadata_url, timeout=1) as answer:
                        if answer.status == 200:
                            break
                except OSError:
                    pass
            if time.monotonic() > deadline or process.poll() is not None:
                pytest.fail(f"the OpenID Connect provider did not start: {log.read_text()[-2000:]}")
            time.sleep(0.1)
        yield provider
    finally:
        stop(process)
