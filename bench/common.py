"""What every part of the benchmark shares: paths, timing, memory readings, subprocess hand-off, versions."""

from __future__ import annotations

import json
import os
import platform
import resource
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from importlib import metadata
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
DATA_DIR = ROOT / "bench" / ".data"
RESULTS_DIR = ROOT / "bench" / "results"
PACKAGES = ("streamlit", "pandas", "numpy", "plotly", "SQLAlchemy", "duckdb", "duckdb-engine", "psycopg",
            "textblob", "vaderSentiment", "pyarrow", "scikit-learn")


def duckdb_url(scale: str, data_dir: Path = DATA_DIR) -> str:
    """The benchmark's own embedded database file for a scale (never the app's data/cx.duckdb)."""
    return f"duckdb:///{data_dir / f'cx-{scale}.duckdb'}"


def timed(work: Callable[[], Any]) -> tuple[float, Any]:
    """(seconds, result) of one call, on the monotonic clock."""
    start = time.perf_counter()
    result = work()
    return time.perf_counter() - start, result


def median(values: list[float]) -> float | None:
    return statistics.median(values) if values else None


def _status_mb(field: str) -> float | None:
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith(f"{field}:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return None


def peak_rss_mb() -> float:
    """This process's peak resident set size so far.

    VmHWM, not ru_maxrss: on Linux a child started by fork and exec inherits its parent's ru_maxrss, so a
    child of a process that once held gigabytes would report the parent's peak as its own.
    """
    peak = _status_mb("VmHWM")
    return peak if peak is not None else resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def current_rss_mb() -> float:
    """This process's resident set size now, from /proc (0 where there is no /proc)."""
    return _status_mb("VmRSS") or 0.0


def run_child(module: str, *args: str, env: dict[str, str] | None = None, timeout: float = 3600) -> dict:
    """Run `python -m module args...` in a fresh process and return the JSON it prints last.

    Parts that measure memory or must start cold run in their own process, so one part's allocations
    never count against another's.
    """
    merged = {**os.environ, "PYTHONPATH": str(ROOT), **(env or {})}
    done = subprocess.run([sys.executable, "-m", module, *args], cwd=ROOT, env=merged, capture_output=True,
                          text=True, timeout=timeout, check=False)
    lines = [line for line in done.stdout.splitlines() if line.startswith("{")]
    if done.returncode != 0 or not lines:
        tail = "\n".join(done.stderr.strip().splitlines()[-15:])
        raise RuntimeError(f"{module} {' '.join(args)} failed (exit {done.returncode}):\n{tail}")
    return json.loads(lines[-1])


def emit(result: dict) -> None:
    """A child's answer to run_child: one JSON line on stdout."""
    print(json.dumps(result, default=str), flush=True)


def machine() -> dict[str, Any]:
    """Cores, platform, load and versions, written next to every result."""
    versions = {}
    for name in PACKAGES:
        try:
            versions[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            versions[name] = None
    return {"cores": os.cpu_count(), "platform": platform.platform(), "python": platform.python_version(),
            "memory_gb": round(os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30, 1),
            "load_average": [round(x, 2) for x in os.getloadavg()], "versions": versions}
