"""Cached results belong to one database: a process pointed at another one (a changed CX_DATABASE_URL) never shows
the first one's numbers, even when both sit at the same data version."""

from __future__ import annotations

import pandas as pd
from streamlit.testing.v1 import AppTest

from data_access import cache
from data_access.loaders import import_dataset
from tests.conftest import ROOT


def one_survey(databases, score: int) -> str:
    """A database holding one import (data version 1) of forty answers, all of one score."""
    engine = databases.engine("duckdb")
    import_dataset(engine, "survey", pd.DataFrame({
        "response_id": [f"R{i}" for i in range(40)], "customer_id": [f"C{i}" for i in range(40)],
        "submitted_at": ["2025-06-01"] * 40, "touchpoint": ["Web checkout"] * 40, "nps": [score] * 40}))
    url = str(engine.url)
    engine.dispose()
    return url


def overview_nps(url: str, monkeypatch) -> str:
    monkeypatch.setenv("CX_DATABASE_URL", url)
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60)  # no cache cleared on purpose
    at.run()
    assert not at.exception, at.exception
    return next(m for m in at.metric if m.label == "NPS").value


def test_another_database_at_the_same_data_version_shows_its_own_numbers(databases, monkeypatch):
    promoters, detractors = one_survey(databases, 10), one_survey(databases, 0)
    try:
        assert overview_nps(promoters, monkeypatch).startswith("+100")
        cache.release_embedded_file()
        assert overview_nps(detractors, monkeypatch).startswith("-100")
    finally:
        cache.release_embedded_file()
