"""A full room: N sessions drive one app server over Streamlit's own websocket protocol, changing pages and filters.

    python -m bench.sessions --sessions 20 --seconds 120 --database-url duckdb:////tmp/load-demo.duckdb \
        [--import-file sample_data/service.csv] [--port 8599] [--json out.json]

Starts `streamlit run app.py` (headless, 127.0.0.1, a free port, on the given CX_DATABASE_URL), then each session
opens ws://127.0.0.1:PORT/_stcore/stream as the browser does and loops until the time is up: pick one of the app's
pages (its script hash, from the server's `navigation` message) and a set of global filters, send a BackMsg
`rerun_script` (query string, page hash, and the sidebar filter widgets' states, as the browser sends them after a
click in the sidebar), and time it to the ForwardMsg `script_finished`. A run is an error when the script raised
(an exception element), the page drew an error alert or any text with "could not be read", the script did not
compile, the server dropped the connection, the run took longer than --run-timeout, or the app wrote back other
filters than those asked for (the URL it keeps in step with the view). A run is warm when the same page with the
same filters finished before since the data last changed (every session shares the server's caches).

Server CPU per page run = the server process's utime+stime (/proc/PID/stat) over the load, divided by the runs.
A probe after the load (one session alone, --probe-runs warm reruns per page) gives each page's CPU for a first
visit (filters no load run used) and for a warm rerun, run by run. With --import-file a `python cli.py import`
of that file runs during the load (again after each finishes, up to --imports times); its failures are recorded
as the import's errors, not the pages'.

Loops are bounded by --seconds and --max-runs per session; every process started here is stopped at the end,
also on Ctrl-C or an error. Traffic goes to 127.0.0.1 only.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import os
import random
import signal
import socket
import statistics
import subprocess
import sys
import time
import urllib.request
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlencode

from streamlit.proto.BackMsg_pb2 import BackMsg
from streamlit.proto.ForwardMsg_pb2 import ForwardMsg
from websockets.asyncio.client import connect
from websockets.exceptions import ConnectionClosed

ROOT = Path(__file__).resolve().parent.parent
HOST = "127.0.0.1"  # the only address this driver talks to
DATASETS = ("customers", "tier_history", "touchpoints", "survey", "service", "purchases")
CLOCK_TICKS = os.sysconf("SC_CLK_TCK")

# The views the sessions switch between, as URL parameters (components.filters.view_to_params). REGION stands for
# the first region the server offers (the data decides the names).
REGION = "<first region>"
FILTER_SETS: tuple[dict[str, Any], ...] = (
    {},
    {"period": "quarter"},
    {"tier": ["Gold"]},
    {"region": [REGION]},
    {"period": "quarter", "tier": ["Gold"]},
    {"period": "90d", "tier": ["Silver", "Bronze"], "region": [REGION]},
)
PROBE_FILTERS: dict[str, Any] = {"period": "ytd", "tier": ["Silver"]}  # a view the load never asks for: cold
FILTER_KEYS = {"period": "filter_period", "compare": "filter_compare", "tier": "filter_tier",
               "segment": "filter_segment", "region": "filter_region", "channel": "filter_channel"}
ERROR_TEXT = "could not be read"


# ---------------------------------------------------------------------------------------------------- the server

def free_port() -> int:
    with socket.socket() as sock:
        sock.bind((HOST, 0))
        return sock.getsockname()[1]


def _local_get(url: str, timeout: float = 2.0) -> bytes:
    """GET from 127.0.0.1, never through a proxy the environment names."""
    opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
    with opener.open(url, timeout=timeout) as response:
        return response.read()


def cpu_seconds(pid: int) -> float:
    """utime + stime of a process (all its threads), in seconds."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / CLOCK_TICKS  # fields 14 and 15 of stat(5), after "pid (comm)"


class Server:
    """`streamlit run app.py` on 127.0.0.1:port in its own process group, stopped (group and all) by stop()."""

    def __init__(self, database_url: str, port: int, app_dir: Path, log_path: Path,
                 options: tuple[str, ...] = ()) -> None:
        self.port, self.app_dir, self.log_path = port, app_dir, log_path
        env = {**os.environ, "CX_DATABASE_URL": database_url, "PYTHONPATH": str(app_dir)}
        self._log = open(log_path, "w")  # noqa: SIM115 - closed in stop()
        self.process = subprocess.Popen(
            [sys.executable, "-m", "streamlit", "run", "app.py", "--server.headless", "true",
             "--server.address", HOST, "--server.port", str(port), "--browser.gatherUsageStats", "false",
             "--server.fileWatcherType", "none", "--server.runOnSave", "false",
             *(f"--{option}" for option in options)],
            cwd=app_dir, env=env, stdout=self._log, stderr=subprocess.STDOUT, start_new_session=True)

    @property
    def pid(self) -> int:
        return self.process.pid

    def wait_ready(self, timeout: float = 60.0) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"the server exited ({self.process.returncode}); see {self.log_path}")
            try:
                if _local_get(f"http://{HOST}:{self.port}/_stcore/health") == b"ok":
                    return
            except OSError:
                pass
            time.sleep(0.2)
        raise RuntimeError(f"the server did not answer /_stcore/health in {timeout:.0f} s; see {self.log_path}")

    def cpu(self) -> float:
        return cpu_seconds(self.pid)

    def stop(self) -> None:
        if self.process.poll() is None:
            _stop_group(self.process)
        self._log.close()


def _stop_group(process: subprocess.Popen | asyncio.subprocess.Process) -> None:
    """SIGTERM to the process group this driver started (start_new_session), SIGKILL after 10 s."""
    with contextlib.suppress(ProcessLookupError):
        os.killpg(process.pid, signal.SIGTERM)
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        with contextlib.suppress(ChildProcessError):
            if os.waitpid(process.pid, os.WNOHANG) != (0, 0):
                return
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, 0)
            time.sleep(0.1)
            continue
        return
    with contextlib.suppress(ProcessLookupError):
        os.killpg(process.pid, signal.SIGKILL)


# -------------------------------------------------------------------------------------------------- the protocol

@dataclass
class Run:
    session: int
    page: str
    filters: str
    started: float  # seconds since the load began
    seconds: float
    warm: bool
    phase: str = "load"
    errors: list[str] = field(default_factory=list)
    cpu: float | None = None  # server CPU seconds, measured only when one session runs alone (the probe)


def query_string(params: dict[str, Any]) -> str:
    return urlencode(params, doseq=True)


def filters_label(params: dict[str, Any]) -> str:
    return query_string(params) or "(default)"


def _resolve(params: dict[str, Any], region: str | None) -> dict[str, Any]:
    """The filter set with the region placeholder replaced (or the region filter dropped when there is none)."""
    resolved = {}
    for name, value in params.items():
        if isinstance(value, list):
            value = [region if v == REGION else v for v in value]
            value = [v for v in value if v is not None]
            if not value:
                continue
        resolved[name] = value
    return resolved


class Session:
    """One browser tab's conversation with the server: a websocket, the pages it learnt, its widget ids."""

    def __init__(self, number: int, port: int, run_timeout: float) -> None:
        self.number, self.port, self.run_timeout = number, port, run_timeout
        self.ws: Any = None
        self.pages: dict[str, str] = {}  # label -> page_script_hash, from the server's navigation message
        self.widgets: dict[str, str] = {}  # widget key -> element id ($$ID-<hash>-<key>)
        self.regions: list[str] = []

    async def open(self) -> None:
        self.ws = await connect(f"ws://{HOST}:{self.port}/_stcore/stream", subprotocols=["streamlit"],
                                max_size=None, proxy=None, open_timeout=30, ping_interval=None)

    async def close(self) -> None:
        if self.ws is not None:
            with contextlib.suppress(Exception):
                await self.ws.close()
            self.ws = None

    def _client_state(self, page: str, params: dict[str, Any]) -> Any:
        from components.filters import COMPARISONS, DEFAULT_COMPARISON, DEFAULT_PRESET, PRESETS

        back = BackMsg()
        state = back.rerun_script
        state.query_string = query_string(params)
        if page in self.pages:
            state.page_script_hash = self.pages[page]
        state.page_name = ""  # the browser sends the URL's page name only on a deep link's first load
        # The sidebar filters as the browser reports them: the session's first run is seeded from the query string;
        # after that the widgets hold the view, so a change of filters is a change of widget states.
        values = {"period": PRESETS[params.get("period", DEFAULT_PRESET)],
                  "compare": [COMPARISONS[params.get("compare", DEFAULT_COMPARISON)]],
                  **{name: list(params.get(name, [])) for name in ("tier", "segment", "region", "channel")}}
        for name, key in FILTER_KEYS.items():
            widget_id = self.widgets.get(key)
            if widget_id is None:
                continue
            widget = state.widget_states.widgets.add()
            widget.id = widget_id
            if isinstance(values[name], str):
                widget.string_value = values[name]
            else:
                widget.string_array_value.data.extend(values[name])
        return back

    async def rerun(self, page: str, params: dict[str, Any]) -> tuple[float, list[str]]:
        """Send one rerun and read the server's messages up to script_finished: (seconds, errors)."""
        errors: list[str] = []
        start = time.perf_counter()
        await self.ws.send(self._client_state(page, params).SerializeToString())
        deadline = start + self.run_timeout
        while True:
            remaining = deadline - time.perf_counter()
            if remaining <= 0:
                raise TimeoutError(f"no script_finished within {self.run_timeout:.0f} s")
            msg = ForwardMsg()
            msg.ParseFromString(await asyncio.wait_for(self.ws.recv(), remaining))
            kind = msg.WhichOneof("type")
            if kind == "delta":
                self._read_delta(msg, errors)
            elif kind == "navigation":
                self.pages = {("Overview" if p.is_default else p.page_name): p.page_script_hash
                              for p in msg.navigation.app_pages}
            elif kind == "page_info_changed":
                wanted = parse_qs(query_string(params))
                got = parse_qs(msg.page_info_changed.query_string)
                if self.widgets and got != wanted:  # the first run seeds the widgets from the URL: nothing to check
                    errors.append(f"filters not applied: asked {query_string(params)!r}, "
                                  f"the app shows {msg.page_info_changed.query_string!r}")
            elif kind == "session_event" and msg.session_event.WhichOneof("type") == "script_compilation_exception":
                errors.append(f"compile error: {msg.session_event.script_compilation_exception.message}")
            elif kind == "script_finished":
                status = msg.script_finished
                if status == ForwardMsg.FINISHED_EARLY_FOR_RERUN:
                    continue  # st.rerun() inside the app: the run goes on
                if status == ForwardMsg.FINISHED_WITH_COMPILE_ERROR and not errors:
                    errors.append("compile error")
                return time.perf_counter() - start, errors

    def _read_delta(self, msg: Any, errors: list[str]) -> None:
        delta = msg.delta
        if delta.WhichOneof("type") != "new_element":
            return
        element = delta.new_element
        kind = element.WhichOneof("type")
        if kind == "exception":
            if not element.exception.is_warning:
                errors.append(f"exception {element.exception.type}: {element.exception.message[:300]}")
        elif kind == "alert":
            body = element.alert.body
            if element.alert.format == element.alert.ERROR:
                errors.append(f"error alert: {body[:300]}")
            elif ERROR_TEXT in body:
                errors.append(f"alert: {body[:300]}")
        elif kind == "markdown" and ERROR_TEXT in element.markdown.body:
            errors.append(f"markdown: {element.markdown.body[:300]}")
        elif kind in ("selectbox", "multiselect", "button_group"):
            widget = getattr(element, kind)
            key = widget.id.rsplit("-", 1)[-1]
            if key in FILTER_KEYS.values():
                self.widgets[key] = widget.id
                if key == "filter_region":
                    self.regions = list(widget.options)


# ------------------------------------------------------------------------------------------------------ the load

@dataclass
class Room:
    """What every session shares: the clock, the runs, which views have been seen since the data changed."""

    started: float
    deadline: float
    seen: set[tuple[str, str]] = field(default_factory=set)
    runs: list[Run] = field(default_factory=list)
    region: str | None = None
    imports: list[dict[str, Any]] = field(default_factory=list)

    def now(self) -> float:
        return time.monotonic() - self.started


async def drive(number: int, port: int, room: Room, rng: random.Random, max_runs: int, run_timeout: float,
                change_filters: float, think: float = 0.0) -> None:
    """One session: open, then change page (and sometimes filters) until the time or the run budget is spent;
    think: mean seconds a person looks at a page before the next click (0: click as soon as it is drawn)."""
    session = Session(number, port, run_timeout)
    params: dict[str, Any] = {}
    try:
        for _ in range(max_runs):
            if time.monotonic() >= room.deadline:
                break
            if session.ws is None:
                await session.open()
                params = {}  # a new tab: the first run seeds the filters from the URL
            pages = list(session.pages) or ["Overview"]
            page = rng.choice(pages)
            if session.widgets and rng.random() < change_filters:
                params = _resolve(rng.choice(FILTER_SETS), room.region)
            label = filters_label(params)
            warm = (page, label) in room.seen
            started = room.now()
            try:
                seconds, errors = await session.rerun(page, params)
            except (TimeoutError, OSError, ConnectionClosed) as error:
                seconds, errors = room.now() - started, [f"{type(error).__name__}: {error}"]
                await session.close()  # start over with a new connection, as a browser would reconnect
            if session.regions and room.region is None:
                room.region = session.regions[0]
            room.runs.append(Run(number, page, label, started, seconds, warm, errors=errors))
            if not errors:
                room.seen.add((page, label))
            if think > 0:
                await asyncio.sleep(min(rng.expovariate(1 / think), max(0.0, room.deadline - time.monotonic())))
    finally:
        await session.close()


async def import_loop(args: argparse.Namespace, room: Room, app_dir: Path) -> None:
    """`python cli.py import DATASET FILE` during the load, up to --imports times, each after the last ended."""
    dataset = args.import_dataset or Path(args.import_file).stem
    env = {**os.environ, "CX_DATABASE_URL": args.database_url, "PYTHONPATH": str(app_dir)}
    await asyncio.sleep(min(args.import_after, max(0.0, room.deadline - time.monotonic())))
    for _ in range(args.imports):
        if time.monotonic() >= room.deadline:
            break
        started = room.now()
        process = await asyncio.create_subprocess_exec(
            sys.executable, "cli.py", "import", dataset, str(Path(args.import_file).resolve()),
            "--database-url", args.database_url, cwd=app_dir, env=env, start_new_session=True,
            stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.STDOUT)
        try:
            out, _ = await asyncio.wait_for(process.communicate(), args.import_timeout)
            code = process.returncode
        except TimeoutError:
            _stop_group(process)
            out, code = f"(stopped after --import-timeout {args.import_timeout:.0f} s)".encode(), None
        except asyncio.CancelledError:  # the load ended or was interrupted: no import outlives it
            _stop_group(process)
            room.imports.append({"started": round(started, 2), "seconds": round(room.now() - started, 2),
                                 "exit": None, "error": False, "output": "(stopped: the load ended first)"})
            raise
        text = out.decode(errors="replace").strip()
        room.imports.append({"started": round(started, 2), "seconds": round(room.now() - started, 2),
                             "exit": code, "error": code != 0, "output": text[-600:]})
        room.seen.clear()  # the data version changed: every view is cold again
        await asyncio.sleep(args.import_pause)


async def load(args: argparse.Namespace, port: int, app_dir: Path) -> Room:
    now = time.monotonic()
    room = Room(started=now, deadline=now + args.seconds)
    tasks = [asyncio.create_task(drive(i, port, room, random.Random(args.seed * 1000 + i), args.max_runs,
                                       args.run_timeout, args.change_filters, args.think))
             for i in range(args.sessions)]
    importer = asyncio.create_task(import_loop(args, room, app_dir)) if args.import_file else None
    try:
        await asyncio.gather(*tasks)
    finally:
        for task in tasks:
            task.cancel()
        if importer is not None:
            importer.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await importer
    return room


async def probe(port: int, server: Server, runs: int, run_timeout: float, region: str | None) -> list[Run]:
    """One session alone: each page first with a view nobody asked for (cold), then `runs` warm reruns of it;
    the server's CPU per run, read around each run."""
    session = Session(-1, port, run_timeout)
    await session.open()
    out: list[Run] = []
    try:
        await session.rerun("Overview", {})  # learn the pages and the widget ids
        params = _resolve(PROBE_FILTERS, region)
        label = filters_label(params)
        for page in list(session.pages):
            for attempt in range(runs + 1):
                await asyncio.sleep(0.3)  # let the last run's messages go out and background work settle
                before = server.cpu()
                seconds, errors = await session.rerun(page, params)
                await asyncio.sleep(0.1)
                out.append(Run(-1, page, label, 0.0, seconds, attempt > 0, "probe", errors, server.cpu() - before))
    finally:
        await session.close()
    return out


# ----------------------------------------------------------------------------------------------------- reporting

def _percentile(values: list[float], q: float) -> float | None:
    if not values:
        return None
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(q * (len(ordered) - 1))))]


def latency(runs: list[Run]) -> dict[str, Any]:
    seconds = [r.seconds for r in runs]
    return {"runs": len(runs), "p50": _percentile(seconds, 0.5), "p95": _percentile(seconds, 0.95),
            "max": max(seconds) if seconds else None}


def summarise(room: Room, probe_runs: list[Run], cpu: float, driver_cpu: float, args: argparse.Namespace,
              load_avg: tuple[list[float], list[float]]) -> dict[str, Any]:
    runs = room.runs
    by_page: dict[str, list[Run]] = defaultdict(list)
    for run in runs:
        by_page[run.page].append(run)
    errors = Counter(e for r in runs for e in r.errors)
    probe_pages: dict[str, dict[str, Any]] = {}
    for page in dict.fromkeys(r.page for r in probe_runs):
        cold = [r for r in probe_runs if r.page == page and not r.warm]
        warm = [r for r in probe_runs if r.page == page and r.warm]
        probe_pages[page] = {"cold_seconds": cold[0].seconds if cold else None,
                             "cold_cpu": cold[0].cpu if cold else None,
                             "warm_seconds": statistics.median(r.seconds for r in warm) if warm else None,
                             "warm_cpu": statistics.mean(r.cpu for r in warm) if warm else None,
                             "errors": sorted({e for r in cold + warm for e in r.errors})}
    warm_cpu = [r.cpu for r in probe_runs if r.warm and r.cpu is not None]
    cold_cpu = [r.cpu for r in probe_runs if not r.warm and r.cpu is not None]
    elapsed = max((r.started + r.seconds for r in runs), default=0.0) or args.seconds
    return {
        "when": datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC"),
        "cores": os.cpu_count(), "load_average_start": load_avg[0], "load_average_end": load_avg[1],
        "database": _masked(args.database_url), "sessions": args.sessions, "seconds": args.seconds,
        "server_options": args.server_option, "app_dir": str(args.app_dir), "think": args.think,
        "runs": len(runs), "runs_per_second": len(runs) / elapsed if elapsed else None,
        "errors": sum(1 for r in runs if r.errors), "error_texts": dict(errors.most_common(20)),
        "overall": latency(runs), "cold": latency([r for r in runs if not r.warm]),
        "warm": latency([r for r in runs if r.warm]),
        "pages": {page: latency(page_runs) for page, page_runs in sorted(by_page.items())},
        "server_cpu_seconds": cpu, "server_cpu_per_run": cpu / len(runs) if runs else None,
        "driver_cpu_seconds": driver_cpu, "imports": room.imports,
        "import_errors": sum(1 for i in room.imports if i["error"]),
        "probe": {"pages": probe_pages, "filters": filters_label(_resolve(PROBE_FILTERS, room.region)),
                  "warm_cpu_per_run": statistics.mean(warm_cpu) if warm_cpu else None,
                  "cold_cpu_per_run": statistics.mean(cold_cpu) if cold_cpu else None,
                  "errors": sum(1 for r in probe_runs if r.errors)},
    }


def _masked(url: str) -> str:
    from sqlalchemy.engine import make_url

    return make_url(url).render_as_string(hide_password=True)


def _fmt(value: float | None, digits: int = 2) -> str:
    return "–" if value is None else f"{value:.{digits}f}"


def render(result: dict[str, Any]) -> str:
    """The result as a few plain-text lines and one table per page."""
    def row(name: str, figures: dict[str, Any]) -> str:
        return (f"| {name} | {figures['runs']} | {_fmt(figures['p50'])} | {_fmt(figures['p95'])} | "
                f"{_fmt(figures['max'])} |")

    lines = [
        f"{result['when']} · {result['cores']} cores · load average {result['load_average_start']} at the start, "
        f"{result['load_average_end']} at the end · {result['database']}",
        f"{result['sessions']} sessions for {result['seconds']:.0f} s"
        + (f" (mean think time {result['think']:.1f} s)" if result.get("think") else "") + f": {result['runs']} runs "
        f"({_fmt(result['runs_per_second'])}/s), {result['errors']} with errors; server CPU "
        f"{_fmt(result['server_cpu_seconds'], 1)} s = {_fmt(result['server_cpu_per_run'], 3)} s per run "
        f"(driver {_fmt(result['driver_cpu_seconds'], 1)} s)",
        "", "| runs | n | p50 s | p95 s | max s |", "| --- | --- | --- | --- | --- |",
        row("all", result["overall"]), row("cold (view not seen since the data changed)", result["cold"]),
        row("warm", result["warm"]),
        *(row(page, figures) for page, figures in result["pages"].items()),
    ]
    for text, count in result["error_texts"].items():
        lines.append(f"error ×{count}: {text}")
    for done in result["imports"]:
        lines.append(f"import at {done['started']:.0f} s: {done['seconds']:.1f} s, exit {done['exit']}"
                     + (f": {done['output'][-300:]}" if done["error"] else ""))
    probe_result = result["probe"]
    if probe_result["pages"]:
        lines += ["", f"probe, one session alone, filters {probe_result['filters']}: cold = first visit, "
                  "warm = mean of the reruns",
                  "| page | cold s | cold CPU s | warm s | warm CPU s |", "| --- | --- | --- | --- | --- |"]
        for page, figures in probe_result["pages"].items():
            lines.append(f"| {page} | {_fmt(figures['cold_seconds'])} | {_fmt(figures['cold_cpu'])} | "
                         f"{_fmt(figures['warm_seconds'])} | {_fmt(figures['warm_cpu'], 3)} |"
                         + (f" errors: {'; '.join(figures['errors'])}" if figures["errors"] else ""))
        lines.append(f"CPU per run, mean over pages: cold {_fmt(probe_result['cold_cpu_per_run'], 3)} s, "
                     f"warm {_fmt(probe_result['warm_cpu_per_run'], 3)} s")
    return "\n".join(lines)


# ----------------------------------------------------------------------------------------------------------- main

def parse(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sessions", type=int, default=10)
    parser.add_argument("--seconds", type=float, default=120.0, help="length of the load")
    parser.add_argument("--database-url", default=os.environ.get("CX_DATABASE_URL"), required=False)
    parser.add_argument("--port", type=int, default=0, help="0: a free port")
    parser.add_argument("--app-dir", type=Path, default=ROOT, help="the app to serve (a checkout of this repo)")
    parser.add_argument("--max-runs", type=int, default=10_000, help="per session")
    parser.add_argument("--run-timeout", type=float, default=60.0, help="seconds before a run counts as lost")
    parser.add_argument("--change-filters", type=float, default=0.5, help="chance a run also changes the filters")
    parser.add_argument("--think", type=float, default=0.0,
                        help="mean seconds between a page drawn and the next click (exponential); 0: none")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--import-file", help="a file `cli.py import` loads during the run")
    parser.add_argument("--import-dataset", choices=DATASETS, help="default: the file's name (service.csv)")
    parser.add_argument("--imports", type=int, default=1, help="how many imports, one after another")
    parser.add_argument("--import-after", type=float, default=10.0, help="seconds into the load of the first")
    parser.add_argument("--import-pause", type=float, default=10.0, help="seconds between imports")
    parser.add_argument("--import-timeout", type=float, default=300.0)
    parser.add_argument("--probe-runs", type=int, default=3, help="warm reruns per page in the probe; 0: no probe")
    parser.add_argument("--server-option", action="append", default=[], metavar="NAME=VALUE",
                        help="a `streamlit run` option, e.g. runner.postScriptGC=false (repeatable)")
    parser.add_argument("--json", type=Path, help="also write the result here")
    parser.add_argument("--server-log", type=Path, default=Path("/tmp/cx-bench-sessions-server.log"))
    args = parser.parse_args(argv)
    if not args.database_url:
        parser.error("--database-url (or CX_DATABASE_URL) is required")
    if args.import_file and not (args.import_dataset or Path(args.import_file).stem in DATASETS):
        parser.error("--import-dataset is required when the file is not named after a dataset")
    if args.sessions < 1 or args.seconds <= 0:
        parser.error("--sessions and --seconds must be positive")
    return args


def measure(args: argparse.Namespace) -> dict[str, Any]:
    """Start the server, run the load and the probe, stop everything; the summary."""
    sys.path.insert(0, str(args.app_dir))  # the driver reads the filter labels from the app it serves
    app_dir = args.app_dir.resolve()
    port = args.port or free_port()
    start_load = [round(x, 2) for x in os.getloadavg()]
    server = Server(args.database_url, port, app_dir, args.server_log, tuple(args.server_option))
    try:
        server.wait_ready()
        driver_before, before = time.process_time(), server.cpu()
        room = asyncio.run(load(args, port, app_dir))
        cpu, driver_cpu = server.cpu() - before, time.process_time() - driver_before
        probe_runs = (asyncio.run(probe(port, server, args.probe_runs, args.run_timeout, room.region))
                      if args.probe_runs > 0 else [])
        if server.process.poll() is not None:
            raise RuntimeError(f"the server exited during the run; see {args.server_log}")
    finally:
        server.stop()
    return summarise(room, probe_runs, cpu, driver_cpu, args, (start_load, [round(x, 2) for x in os.getloadavg()]))


def main(argv: list[str] | None = None) -> int:
    args = parse(argv)
    result = measure(args)
    print(render(result), flush=True)
    if args.json:
        args.json.write_text(json.dumps(result, indent=1, default=str), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
