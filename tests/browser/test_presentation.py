"""A story on the big screen: step 1 opened in presentation mode, then Next to step 2, in Chromium; each step's
headline, filters and position shown, the sidebar hidden (screenshots/story-step-1.png, story-step-2.png)."""

from __future__ import annotations

import shutil

import pytest

from data_access import stories_store
from data_access.db import open_database
from tests.browser.conftest import SCREENSHOTS, screenshot, settle, streamlit_server, wait_ms

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def story_server(demo_duckdb_path, tmp_path_factory):
    """A server on a copy of the demo company holding a story of three views."""
    database = tmp_path_factory.mktemp("story") / "cx.duckdb"
    shutil.copy(demo_duckdb_path, database)
    engine = open_database(f"duckdb:///{database}")
    story = stories_store.create_story(engine, "Delivery in three views", by="Ana")
    for page, params, caption in (("app.py", "period=quarter", "Where we stand this quarter"),
                                  ("pages/1_Journey_map.py", "period=quarter&tier=Gold",
                                   "Gold customers along the journey"),
                                  ("pages/2_Touchpoints.py", "period=90d", "Home delivery moved most")):
        stories_store.add_step(engine, story, page=page, params=params, caption=caption)
    engine.dispose()
    with streamlit_server(database) as base:
        yield base, story


def test_a_story_is_presented_step_by_step(chromium, story_server):
    base, story = story_server
    page = chromium.new_page(viewport={"width": 1440, "height": 3000})
    page.goto(f"{base}/?story={story}&step=1&present=1")
    page.get_by_role("heading", name="Where we stand this quarter").wait_for(timeout=wait_ms(60))
    settle(page, 60)
    assert page.get_by_text("Step 1 of 3").is_visible()
    assert not page.locator("[data-testid='stSidebar']").is_visible()  # hidden for the projector
    screenshot(page, "story-step-1")
    page.get_by_role("link", name="Next").click()
    page.get_by_role("heading", name="Gold customers along the journey").wait_for(timeout=wait_ms(60))
    settle(page, 60)
    assert page.get_by_text("Step 2 of 3").is_visible()
    assert "step=2" in page.url and "tier=Gold" in page.url and "present=1" in page.url
    page.locator("svg text", has_text="tier: Gold").first.wait_for(timeout=wait_ms(60))  # charts drawn
    assert page.locator("svg text", has_text="tier: Gold").count() >= 2  # the step's filters, in the charts' subtitles
    path = screenshot(page, "story-step-2")
    assert path.stat().st_size > 50_000 and (SCREENSHOTS / "story-step-1.png").exists()
    page.close()
