"""The Voices page's themes in AppTest: proposed and stored on the first visit, drawn, renamed for good; computed but
not stored in read-only mode; names shown as the characters typed."""

from __future__ import annotations

import json
from dataclasses import replace

import pytest
import sqlalchemy as sa
from streamlit.testing.v1 import AppTest

from data_access import cache
from data_access.db import open_database
from data_access.reads import themes as theme_reads
from data_access.schema import comment_themes

TITLE = "Home delivery: themes in its comments"  # the touchpoint the page opens on: most negative comments


@pytest.fixture
def demo_file(demo_copy):
    """The demo company with no themes stored yet (another page test may have stored some in the shared file)."""
    engine = open_database(f"duckdb:///{demo_copy}")
    with engine.begin() as conn:
        conn.execute(sa.delete(comment_themes))
    engine.dispose()
    return demo_copy


def stored(path, touchpoint: str = "Home delivery"):
    cache.release_embedded_file()  # the app holds the file for a moment after its last read
    engine = open_database(f"duckdb:///{path}")
    with engine.connect() as conn:
        themes = theme_reads.stored.on(conn, touchpoint)
    engine.dispose()
    return themes


def theme_chart(at: AppTest) -> dict:
    return next(json.loads(c.proto.spec) for c in at.get("plotly_chart")
                if TITLE in json.loads(c.proto.spec)["layout"]["title"]["text"])


def open_voices(app_on, path) -> AppTest:
    at = app_on(f"duckdb:///{path}", "pages/5_Voices.py")
    assert not at.exception, at.exception
    return at


def test_themes_are_proposed_stored_and_drawn_on_the_first_visit(app_on, demo_file):
    at = open_voices(app_on, demo_file)
    themes = stored(demo_file)
    assert 3 <= len(themes) <= 6 and all(t.keywords for t in themes)
    chart = theme_chart(at)["data"][0]
    assert len(chart["text"]) == len(themes) and all("NPS" in text for text in chart["text"])
    assert sorted(theme_chart(at)["layout"]["yaxis"]["ticktext"]) == sorted(t.name for t in themes)
    assert len([e for e in at.expander if e.label.startswith("Theme ")]) == len(themes)
    assert {t.name for t in themes} <= {line for e in at.text for line in e.value.splitlines()}
    assert any("latest 2,000 comments" in c.value for c in at.caption)
    assert stored(demo_file) == themes  # a second look proposes nothing new


def test_a_rename_persists_and_a_bad_one_is_refused(app_on, demo_file):
    at = open_voices(app_on, demo_file)
    first = stored(demo_file)[0]
    at.text_input(key=f"voices_theme_{first.theme_id}_name").input("<b>Late</b> **deliveries**")
    at.button(key=f"voices_theme_{first.theme_id}_save").click().run()
    assert not at.exception, at.exception
    renamed = next(t for t in stored(demo_file) if t.theme_id == first.theme_id)
    assert renamed.name == "<b>Late</b> **deliveries**"
    assert "&lt;b&gt;Late&lt;/b&gt; **deliveries**" in theme_chart(at)["layout"]["yaxis"]["ticktext"]
    assert any(e.value.startswith("<b>Late</b> **deliveries**") for e in at.text)  # plain text, as typed
    assert not any("deliveries" in m.value for m in (*at.markdown, *at.caption))

    at = open_voices(app_on, demo_file)  # a fresh session and fresh caches read the stored name
    assert "&lt;b&gt;Late&lt;/b&gt; **deliveries**" in theme_chart(at)["layout"]["yaxis"]["ticktext"]
    at.text_input(key=f"voices_theme_{first.theme_id}_name").input("   ")
    at.button(key=f"voices_theme_{first.theme_id}_save").click().run()
    assert not at.exception and "needs a name" in at.error[0].value
    assert next(t for t in stored(demo_file) if t.theme_id == first.theme_id).name == renamed.name


def test_pin_and_merge_from_the_page(app_on, demo_file):
    at = open_voices(app_on, demo_file)
    themes = stored(demo_file)
    last, target = themes[-1], themes[0]
    at.toggle(key=f"voices_theme_{last.theme_id}_pinned").set_value(True)
    at.button(key=f"voices_theme_{last.theme_id}_save").click().run()
    assert not at.exception and stored(demo_file)[0] == replace(last, pinned=True)
    assert theme_chart(at)["layout"]["yaxis"]["ticktext"][0].startswith("📌 ")
    source = stored(demo_file)[-1]
    at.selectbox(key=f"voices_theme_{source.theme_id}_merge").select(target.theme_id)
    at.button(key=f"voices_theme_{source.theme_id}_save").click().run()
    assert not at.exception
    after = stored(demo_file)
    assert source.theme_id not in {t.theme_id for t in after} and len(after) == len(themes) - 1
    merged = next(t for t in after if t.theme_id == target.theme_id)
    assert merged.name == target.name and set(source.keywords) <= set(merged.keywords)


def test_read_only_mode_computes_themes_without_storing_or_editing(app_on, demo_file, monkeypatch):
    monkeypatch.setenv("CX_READ_ONLY", "1")
    at = open_voices(app_on, demo_file)
    assert len(theme_chart(at)["data"][0]["text"]) >= 3
    assert any("computed for this page, not stored" in c.value for c in at.caption)
    assert not [b for b in at.button if b.key and b.key.startswith("voices_theme_")]  # no edit forms
    monkeypatch.delenv("CX_READ_ONLY")
    assert stored(demo_file) == ()
