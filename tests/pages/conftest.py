"""AppTest helpers: run app.py (or a page) on a chosen database, and read plotly figures back."""

from __future__ import annotations

import base64
import json
import re

import numpy as np
import pytest
from streamlit.testing.v1 import AppTest

from data_access import cache
from tests.conftest import new_app


@pytest.fixture
def app_on(monkeypatch):
    """An AppTest of app.py on a given database URL, caches emptied; with a page, that page is the first run.

    A page opened first is what a shared link does (the pages directory runs the page without app.py); it also
    spares each page test an Overview run (0.5-1 s). Tests of moving between pages run app.py and switch.
    """
    def make(url: str, page: str | None = None, **params) -> AppTest:
        monkeypatch.setenv("CX_DATABASE_URL", url)
        at = new_app(**params)
        if page:
            at.switch_page(page)
        at.run()
        return at
    yield make
    cache.release_embedded_file()  # the next test may open the same file with other settings


@pytest.fixture(scope="module")
def demo_url(demo_duckdb_path):
    return f"duckdb:///{demo_duckdb_path}"


def decode(value):
    """Plotly JSON arrays come back base64-encoded as {'dtype', 'bdata'}; plain lists stay lists."""
    if isinstance(value, dict) and "bdata" in value:
        array = np.frombuffer(base64.b64decode(value["bdata"]), dtype=value["dtype"])
        return array.reshape(value["shape"]).tolist() if "shape" in value else array.tolist()
    return value


def figures(at: AppTest) -> dict[str, dict]:
    """Every plotly figure on the page, by its title's bold text."""
    found = {}
    for element in at.get("plotly_chart"):
        spec = json.loads(element.proto.spec)
        title = spec["layout"].get("title", {}).get("text", "")
        match = re.search(r"<b>(.*?)</b>", title)
        found[match.group(1) if match else title] = spec
    return found


def heatmap_cells(figure: dict) -> dict[str, float]:
    """Touchpoint -> value from the journey heatmap's coloured cells."""
    trace = figure["data"][0]
    cells = {}
    for row_text, row_values in zip(decode(trace["text"]), decode(trace["z"]), strict=True):
        for text, value in zip(row_text, row_values, strict=True):
            if text and value is not None:
                cells[text.split("</b>")[0].removeprefix("<b>")] = value
    return cells
