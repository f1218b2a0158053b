"""The Voices page in AppTest: it draws, its rows are the query layer's, comments stay text, and the stories show."""

from __future__ import annotations

import json
import shutil
from datetime import date

import pandas as pd
import pyarrow as pa
import pytest
from streamlit.testing.v1 import AppTest

from data_access.db import open_database
from data_access.filters import Filters
from data_access.loaders import import_dataset
from data_access.reads import comments

LAST_12_MONTHS = Filters(date(2025, 11, 1), date(2026, 10, 31))
MARKUP = "<b>bold</b> **x** <script>alert('x')</script> [link](http://example.com) # heading"
CONTACT = "The courier was late again. Call me on 07700 900123 or mail jane.doe@example.com"
MASKED = "The courier was late again. Call me on [phone] or mail [e-mail]"


@pytest.fixture
def voices_on(app_on):
    """The Voices page on a given database URL (app_on comes from tests/pages/conftest.py)."""
    return lambda url, **params: app_on(url, "pages/5_Voices.py", **params)


def expected(url: str, filters: Filters, order: str = "negative", **choices) -> tuple[list[str], int]:
    """The response ids and the count the query layer gives for a view."""
    engine = open_database(url)
    with engine.connect() as conn:
        ids = comments.listed.on(conn, filters, order=order, **choices)["response_id"].tolist()
        total = comments.count.on(conn, filters, **choices)
    engine.dispose()
    return ids, total


def comments_element(at: AppTest):
    """The comments table (the page also shows the scorer comparison and theme tables)."""
    return next(d for d in at.dataframe if "comment" in d.value.columns and "response_id" in d.value.columns)


def rows(at: AppTest) -> pd.DataFrame:
    return comments_element(at).value


def count_line(at: AppTest) -> str:
    return next(m.value for m in at.markdown if m.value.startswith("Showing"))


def terms_chart(at: AppTest) -> dict:
    return next(json.loads(c.proto.spec) for c in at.get("plotly_chart") if "set negative comments apart" in
                json.loads(c.proto.spec)["layout"]["title"]["text"])


def test_voices_draws_the_most_negative_comments_and_names_the_scorer(voices_on, demo_url):
    at = voices_on(demo_url)
    assert not at.exception
    ids, total = expected(demo_url, LAST_12_MONTHS)
    assert rows(at)["response_id"].tolist() == ids
    assert count_line(at).startswith(f"Showing **200** of **{total:,}** comments · most negative first")
    assert rows(at)["sentiment"].is_monotonic_increasing
    assert any("scored once at import" in c.value and "**general**" in c.value for c in at.caption)
    chart = terms_chart(at)
    assert "Home delivery" in chart["layout"]["title"]["text"]  # the default: most negative comments in view
    assert "01 Nov 2025 – 31 Oct 2026" in chart["layout"]["title"]["text"]


def test_choosing_a_touchpoint_changes_the_rows(voices_on, demo_url):
    at = voices_on(demo_url)
    before = rows(at)["response_id"].tolist()
    at.multiselect(key="voices_touchpoints").select("Loyalty rewards").run()
    assert not at.exception
    ids, total = expected(demo_url, LAST_12_MONTHS, touchpoints=("Loyalty rewards",))
    assert rows(at)["response_id"].tolist() == ids != before
    assert set(rows(at)["touchpoint"]) == {"Loyalty rewards"}
    assert f"of **{total:,}** comments" in count_line(at)
    assert "Loyalty rewards" in terms_chart(at)["layout"]["title"]["text"]  # the only touchpoint in view


def test_search_band_group_and_order_change_the_rows(voices_on, demo_url):
    at = voices_on(demo_url, period="all")
    at.text_input(key="voices_search").input("Delivery").run()
    at.selectbox(key="voices_order").select("recent").run()
    assert not at.exception
    ids, total = expected(demo_url, Filters(date(2024, 11, 1), date(2026, 10, 31)), search="Delivery", order="recent")
    shown = rows(at)
    assert shown["response_id"].tolist() == ids and total > 0
    assert shown["comment"].str.lower().str.contains("delivery").all()
    assert shown["submitted_at"].is_monotonic_decreasing
    at.selectbox(key="voices_sentiment").select("positive").run()
    at.selectbox(key="voices_nps_group").select("Promoter").run()
    assert not at.exception
    shown = rows(at)
    assert (shown["band"] == "positive").all() and (shown["sentiment"] > 0).all() and (shown["nps"] >= 9).all()


def test_no_match_says_what_to_do(voices_on, demo_url):
    at = voices_on(demo_url)
    at.text_input(key="voices_search").input("zzz no customer wrote this").run()
    assert not at.exception
    assert not any("response_id" in d.value.columns for d in at.dataframe)
    assert "No comments match" in at.info[0].value and "Clear the search" in at.info[0].value


def with_comment(demo_duckdb_path, tmp_path, comment: str) -> str:
    """A copy of the demo with one more detractor's comment, the newest of all; its URL."""
    database = tmp_path / "cx.duckdb"
    shutil.copy(demo_duckdb_path, database)
    engine = open_database(f"duckdb:///{database}")
    import_dataset(engine, "survey", pd.DataFrame({
        "response_id": ["R9999999"], "customer_id": ["C000001"], "submitted_at": ["2026-10-31 23:59:00"],
        "touchpoint": ["Home delivery"], "channel": ["web"], "nps": [2], "comment": [comment]}), name="comment")
    engine.dispose()
    return f"duckdb:///{database}"


def test_markup_in_a_comment_is_shown_as_its_characters(voices_on, demo_duckdb_path, tmp_path):
    at = voices_on(with_comment(demo_duckdb_path, tmp_path, MARKUP))
    at.text_input(key="voices_search").input("<script>").run()
    assert not at.exception
    assert rows(at)["comment"].tolist() == [MARKUP]
    table = comments_element(at).proto
    assert json.loads(table.columns)["comment"]["type_config"]["type"] == "text"  # a plain-text column
    shown = pa.ipc.open_stream(table.arrow_data.styler.display_values).read_all().to_pandas()
    assert shown["comment"].tolist() == [MARKUP]  # what the browser is given to draw: the characters as typed
    rendered = [e.value for e in (*at.markdown, *at.caption, *at.text, *at.info)]
    assert not any("bold" in value or "alert(" in value for value in rendered)  # never through markdown or html


def theme_examples(at: AppTest) -> list[str]:
    """Every example comment in the theme panels."""
    return [c for d in at.dataframe if list(d.value.columns) == ["submitted_at", "nps", "sentiment", "comment"]
            for c in d.value["comment"]]


def test_contact_details_are_masked_until_the_switch_shows_them(voices_on, demo_duckdb_path, tmp_path):
    at = voices_on(with_comment(demo_duckdb_path, tmp_path, CONTACT))
    switch = at.toggle(key="voices_unmask")
    assert not switch.value and "hidden by default" in switch.proto.help
    assert MASKED in theme_examples(at)  # the newest comment of the "late" theme
    cells = [str(v) for d in at.dataframe for v in d.value.to_numpy().ravel()]
    assert not any("jane.doe@" in v or "900123" in v for v in cells)
    at.toggle(key="voices_unmask").set_value(True).run()
    assert not at.exception
    assert CONTACT in theme_examples(at)
    at.text_input(key="voices_search").input("jane.doe@").run()  # the search reads the text as written
    assert not at.exception
    assert rows(at)["comment"].tolist() == [CONTACT]
    at.toggle(key="voices_unmask").set_value(False).run()
    assert rows(at)["comment"].tolist() == [MASKED]


def test_the_points_change_shows_in_loyalty_rewards_negative_terms(voices_on, demo_url):
    at = voices_on(demo_url, period="custom", **{"from": "2026-03-01", "to": "2026-10-31"})
    at.selectbox(key="voices_terms_touchpoint").select("Loyalty rewards").run()
    assert not at.exception
    chart = terms_chart(at)
    assert chart["layout"]["title"]["text"].startswith("<b>Loyalty rewards: ")
    assert "01 Mar 2026 – 31 Oct 2026" in chart["layout"]["title"]["text"]
    negative = next(t for t in chart["data"] if t["name"] == "More typical of negative comments")
    assert any("points" in term for term in negative["y"]), negative["y"]
    assert "new points" in negative["y"]


def test_the_page_states_the_scorer_and_how_well_it_reads_people(voices_on, demo_url):
    from analytics.sentiment import SCORERS

    at = voices_on(demo_url)
    caption = next(c.value for c in at.caption if "scored once at import" in c.value)
    held = SCORERS["general"].figures["held_out"]
    assert "**general**" in caption
    assert f"right class (negative, neutral, positive) for {held['accuracy']:.0%} of {held['n']:,}" in caption
    table = next(d.value for d in at.dataframe if "held_out_macro_f1" in d.value)
    assert set(table["scorer"]) == set(SCORERS)  # no company scorer trained on the demo copy
    assert table.set_index("scorer").loc["vader", "held_out_macro_f1"] == SCORERS["vader"].figures["held_out"][
        "macro_f1"]
