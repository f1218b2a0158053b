"""Input that was accepted must never break a page: a touchpoint the journey lacks, a shared link's dates outside
the data, a huge comment, and one outlying date (issue 15, findings 5 and 6)."""

from __future__ import annotations

import json
import re
import time

import pytest
import sqlalchemy as sa

from data_access.db import open_database
from data_access.loaders import import_dataset
from data_access.reads.comments import SHOWN_CHARS
from data_access.schema import survey_responses
from tests.pages.conftest import decode, figures

ALL_PAGES = [None, "pages/1_Journey_map.py", "pages/2_Touchpoints.py", "pages/3_Loyalty.py", "pages/4_Service.py",
             "pages/5_Voices.py", "pages/6_Data.py", "pages/7_Workshop.py"]
SURVEY = ("response_id,customer_id,submitted_at,touchpoint,nps,comment\n"
          "R1,C1,2026-11-05 10:00:00,Home delivery,9,Quick and friendly\n"
          "R2,C2,2026-11-06 10:00:00,Mystery desk,3,Nobody knew where to send me\n")


def loaded(tmp_path, files: dict[str, str], **options) -> str:
    """A new DuckDB file holding these CSV texts, imported in order through the real import path."""
    url = f"duckdb:///{tmp_path / 'cx.duckdb'}"
    engine = open_database(url)
    for name, text in files.items():
        path = tmp_path / f"{name}.csv"
        path.write_text(text)
        import_dataset(engine, name, path, **options.get(name, {}))
    engine.dispose()
    return url


def test_answers_about_a_touchpoint_the_journey_lacks_show_under_unassigned(app_on, tmp_path):
    url = loaded(tmp_path, {"survey": SURVEY, "touchpoints": "touchpoint,stage,stage_order\nHome delivery,Receive,1\n"},
                 touchpoints={"replace": True})
    at = app_on(url, "pages/1_Journey_map.py")
    assert not at.exception, at.exception
    heatmap = figures(at)["NPS by touchpoint across the journey"]
    assert heatmap["data"][0]["x"] == ["Receive", "Unassigned"]
    cells = [text for trace in heatmap["data"] for row in decode(trace["text"]) for text in row if text]
    assert [text.split("</b>")[0].removeprefix("<b>") for text in cells] == ["Home delivery", "Mystery desk"]


@pytest.mark.parametrize("dates", [("1990-01-01", "2030-12-31"), ("1990-01-01", "1990-12-31")])
@pytest.mark.parametrize("page", ALL_PAGES)
def test_a_shared_link_with_dates_outside_the_data_draws_every_page(app_on, demo_url, page, dates):
    at = app_on(demo_url, page, period="custom", **{"from": dates[0], "to": dates[1]})
    assert not at.exception, at.exception
    assert len(at.sidebar.get("page_link")) >= len(ALL_PAGES), "the menu is drawn"


def test_a_2_mb_comment_imports_in_seconds_and_voices_shows_it_cut_with_the_whole_text_one_click_away(app_on, tmp_path):
    huge = "The parcel was late again and nobody answered the phone. " * 36_000  # about 2 MB
    survey = SURVEY + f'R3,C3,2026-11-07 10:00:00,Home delivery,2,"{huge}"\n'
    started = time.perf_counter()
    url = loaded(tmp_path, {"survey": survey})
    assert time.perf_counter() - started < 20
    with open_database(url).connect() as conn:
        assert conn.execute(sa.select(survey_responses.c.sentiment)
                            .where(survey_responses.c.response_id == "R3")).scalar() is not None  # scored
    at = app_on(url, "pages/5_Voices.py")
    assert not at.exception, at.exception
    table = next(frame.value for frame in at.dataframe if "comment" in frame.value)
    shown = table.set_index("response_id")["comment"]
    assert len(shown["R3"]) == SHOWN_CHARS + 1 and shown["R3"].endswith("…")
    assert shown["R1"] == "Quick and friendly"
    at.selectbox(key="voices_whole").select("R3").run()
    assert at.text_area[0].value == huge.strip()


def test_one_row_dated_2099_and_one_from_1900_leave_the_overview_on_the_real_data(app_on, tmp_path):
    outliers = SURVEY + ("R3,C3,2099-01-01 10:00:00,Home delivery,10,\n"
                         "R4,C4,1900-01-01 10:00:00,Home delivery,10,\n")
    at = app_on(loaded(tmp_path, {"survey": outliers}, survey={"allow_any_date": True}))
    assert not at.exception, at.exception
    assert "Data as of 06 Nov 2026" in " ".join(caption.value for caption in at.caption)


HOSTILE_SEGMENT = "![i](http://evil.test/pixel.png)"
HOSTILE_REGION = "[Click here to re-login](http://evil.test/)"
LIVE_MARKDOWN = re.compile(r"(?<!\\)\]\((?:https?:)?//|<img|<a\s", re.IGNORECASE)  # a link or image that would render
LIVE_HTML = re.compile(r"<img|<a\s", re.IGNORECASE)  # Plotly titles render a few tags, never Markdown


def _shown_text(at) -> list[str]:
    """Everything the page renders as Markdown: text elements, alerts, metric help."""
    return [e.value for kind in ("markdown", "caption", "info", "warning", "error", "success", "title", "header",
                                 "subheader") for e in at.get(kind)] + [f"{m.label} {m.proto.help}" for m in at.metric]


def _chart_titles(at) -> list[str]:
    return [json.loads(c.proto.spec)["layout"].get("title", {}).get("text", "") for c in at.get("plotly_chart")]


@pytest.mark.parametrize("page", ALL_PAGES)
def test_segment_and_region_names_from_data_and_url_never_render_as_links_or_images(app_on, demo_copy, page):
    """Finding 3: a customers file may name a segment or region with Markdown; pages filtered by them (as a shared
    link does) show those names as characters."""
    url = f"duckdb:///{demo_copy}"
    engine = open_database(url)
    with engine.begin() as conn:
        conn.execute(sa.text("UPDATE customers SET segment = :s WHERE segment = 'Convenience'"), {"s": HOSTILE_SEGMENT})
        conn.execute(sa.text("UPDATE customers SET region = :r WHERE region = 'West'"), {"r": HOSTILE_REGION})
    engine.dispose()
    at = app_on(url, page=page, segment=HOSTILE_SEGMENT, region=HOSTILE_REGION, period="12m")
    assert not at.exception
    assert [text for text in _shown_text(at) if LIVE_MARKDOWN.search(text)] == []
    assert [title for title in _chart_titles(at) if LIVE_HTML.search(title)] == []
    assert any("evil.test" in text for text in _shown_text(at) + _chart_titles(at)) \
        or page in ("pages/6_Data.py", "pages/7_Workshop.py"), "the names are shown (as text), so the test saw them"
