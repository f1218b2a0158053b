"""The full-room load driver (bench/sessions.py) against a real server on the demo data: 2 sessions for ~10 s.

It must count runs, visit every page in its probe and see no errors. Latency and CPU figures are never asserted
(they belong to bench/README.md, not to tests).
"""

from __future__ import annotations

import json

import pytest

from bench import sessions
from components.page import PAGES

pytestmark = pytest.mark.slow  # about 40 s: a server start, 10 s of load and a probe of every page


def test_two_sessions_run_pages_and_filters_without_errors(demo_copy, tmp_path):
    out = tmp_path / "room.json"
    assert sessions.main(["--sessions", "2", "--seconds", "10", "--database-url", f"duckdb:///{demo_copy}",
                          "--probe-runs", "1", "--server-log", str(tmp_path / "server.log"),
                          "--json", str(out)]) == 0

    result = json.loads(out.read_text(encoding="utf-8"))
    assert result["runs"] >= 2 and sum(page["runs"] for page in result["pages"].values()) == result["runs"]
    assert result["errors"] == 0, result["error_texts"]
    assert result["cold"]["runs"] + result["warm"]["runs"] == result["runs"]
    assert result["server_cpu_seconds"] > 0
    probe = result["probe"]
    assert set(probe["pages"]) == {label for _, label, _ in PAGES}  # every page, as the server lists them
    assert probe["errors"] == 0, {page: figures["errors"] for page, figures in probe["pages"].items()}
    assert all(figures["warm_cpu"] is not None for figures in probe["pages"].values())


def test_an_error_on_the_page_is_counted():
    """What the sessions read as an error: an exception element, an error alert, 'could not be read' anywhere."""
    from streamlit.proto.ForwardMsg_pb2 import ForwardMsg

    session, errors = sessions.Session(0, 0, 1.0), []
    for fill in (lambda e: setattr(e.exception, "message", "boom"),
                 lambda e: (setattr(e.alert, "body", "no"), setattr(e.alert, "format", e.alert.ERROR)),
                 lambda e: setattr(e.markdown, "body", "**The data could not be read.** locked"),
                 lambda e: setattr(e.markdown, "body", "All fine")):
        msg = ForwardMsg()
        fill(msg.delta.new_element)
        session._read_delta(msg, errors)
    assert len(errors) == 3 and errors[0].startswith("exception") and "could not be read" in errors[2]
