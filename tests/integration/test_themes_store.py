"""Stored themes (data_access.themes_store) and the theme reads (data_access.reads.themes) on DuckDB and PostgreSQL:
edits survive a fresh connection, and every figure of the theme table is counted by hand below."""

from __future__ import annotations

import math
from datetime import date, datetime

import pytest
import sqlalchemy as sa

from analytics.themes import Theme, summarise
from data_access import themes_store
from data_access.db import open_database
from data_access.filters import Filters
from data_access.reads import themes as reads
from data_access.schema import comment_themes, survey_responses
from data_access.settings import ReadOnlyError

PROPOSED = [Theme("late · courier", ("late", "courier")), Theme("box · packaging", ("box", "packaging")),
            Theme("points · rewards", ("points", "rewards"))]


def reopened(engine: sa.Engine) -> sa.Engine:
    """A new engine on the same database, after the first let go of it: what the next app process would see."""
    url = engine.url.render_as_string(hide_password=False)
    engine.dispose()
    return open_database(url)


def stored(engine: sa.Engine, touchpoint: str = "Home delivery") -> tuple[Theme, ...]:
    with engine.connect() as conn:
        return reads.stored.on(conn, touchpoint)


def test_seeding_stores_once_and_edits_persist_across_a_fresh_connection(engine):
    seeded = themes_store.seed(engine, "Home delivery", PROPOSED)
    assert [t.name for t in seeded] == [t.name for t in PROPOSED] and all(t.theme_id for t in seeded)
    assert themes_store.seed(engine, "Home delivery", PROPOSED[:1]) == []  # already has themes: left alone
    late, box, points = seeded
    assert themes_store.rename(engine, late.theme_id, "  Late   couriers ") == "Late couriers"
    themes_store.pin(engine, points.theme_id)
    merged = themes_store.merge(engine, box.theme_id, late.theme_id)
    assert merged.keywords == ("late", "courier", "box", "packaging")

    engine = reopened(engine)
    assert stored(engine) == (Theme("points · rewards", ("points", "rewards"), points.theme_id, pinned=True),
                              Theme("Late couriers", ("late", "courier", "box", "packaging"), late.theme_id))
    themes_store.pin(engine, points.theme_id, False)
    assert [t.name for t in stored(reopened(engine))] == ["Late couriers", "points · rewards"]  # by name, unpinned
    engine.dispose()


def test_a_theme_merged_before_follows_its_target_and_merged_themes_cannot_be_edited(engine):
    a, b, c = themes_store.seed(engine, "Home delivery", PROPOSED)
    themes_store.merge(engine, c.theme_id, b.theme_id)
    themes_store.merge(engine, b.theme_id, a.theme_id)
    with engine.connect() as conn:
        pointers = dict(conn.execute(sa.select(comment_themes.c.theme_id, comment_themes.c.merged_into)).all())
    assert pointers == {a.theme_id: None, b.theme_id: a.theme_id, c.theme_id: a.theme_id}  # no chain c → b → a
    assert stored(engine)[0].keywords == ("late", "courier", "box", "packaging", "points", "rewards")
    for write in (lambda: themes_store.rename(engine, b.theme_id, "x"), lambda: themes_store.pin(engine, c.theme_id),
                  lambda: themes_store.merge(engine, a.theme_id, b.theme_id)):
        with pytest.raises(ValueError, match="no longer exists"):
            write()


def test_refused_edits_change_nothing(engine, monkeypatch):
    (late, box, _), (other,) = (themes_store.seed(engine, "Home delivery", PROPOSED),
                                themes_store.seed(engine, "Web checkout", PROPOSED[:1]))
    before = stored(engine)
    with pytest.raises(ValueError, match="same touchpoint"):
        themes_store.merge(engine, late.theme_id, other.theme_id)
    with pytest.raises(ValueError, match="needs a name"):
        themes_store.rename(engine, late.theme_id, "   ")
    with pytest.raises(ValueError, match="no longer exists"):  # one transaction: the rename before it is undone
        themes_store.edit(engine, late, name="Renamed", pinned=True, merge_into="no-such-theme")
    monkeypatch.setenv("CX_READ_ONLY", "1")
    with pytest.raises(ReadOnlyError):
        themes_store.rename(engine, box.theme_id, "Boxes")
    with pytest.raises(ReadOnlyError):
        themes_store.seed(engine, "Loyalty rewards", PROPOSED)
    monkeypatch.delenv("CX_READ_ONLY")
    assert stored(reopened(engine)) == before and stored(engine, "Loyalty rewards") == ()
    engine.dispose()


def answer(response_id: str, at: str, nps: int | None, sentiment: float | None, comment: str,
           touchpoint: str = "Home delivery") -> dict:
    return {"response_id": response_id, "customer_id": "C1", "submitted_at": datetime.fromisoformat(at),
            "touchpoint": touchpoint, "channel": "web", "nps": nps, "csat": None, "ces": None, "comment": comment,
            "sentiment": sentiment, "subjectivity": None, "sentiment_scorer": None}


ANSWERS = [
    answer("r1", "2026-01-05 10:00", 2, -0.6, "Courier was LATE again"),  # late courier
    answer("r2", "2026-01-20 10:00", 9, 0.4, "The courier was friendly"),  # late courier
    answer("r3", "2026-02-03 10:00", 6, -0.2, "Late, and the box was crushed"),  # late courier and packaging
    answer("r4", "2026-02-10 10:00", 10, 0.8, "Lovely packaging"),  # packaging
    answer("r5", "2026-02-11 10:00", None, None, "Nice box"),  # packaging, no NPS, no score
    answer("r6", "2026-02-12 10:00", 0, -0.9, "Courier late", touchpoint="Web checkout"),  # another touchpoint
    answer("r7", "2026-03-01 10:00", 3, -0.5, "courier late"),  # after the period
    answer("r8", "2026-01-07 10:00", 8, None, "  "),  # no comment
    answer("r9", "2026-02-15 10:00", 7, 0.1, "Got 10% off"),  # discount: % is a literal character
    answer("r10", "2026-02-16 10:00", 7, 0.0, "It was 10x better"),  # no theme: LIKE's wildcards are escaped
    answer("r11", "2026-02-20 10:00", 5, -0.3, "Chocolate was melted"),  # no theme: "late" only starts a word
]
THEMES = (Theme("Late courier", ("late", "courier"), "a"), Theme("Packaging", ("packaging", "box"), "b", pinned=True),
          Theme("Nothing", ("zzz",), "c"), Theme("Discount", ("10%",), "d"))
JAN_FEB = Filters(date(2026, 1, 1), date(2026, 2, 28))


@pytest.fixture
def answered(engine):
    with engine.begin() as conn:
        conn.execute(sa.insert(survey_responses), ANSWERS)
    with engine.connect() as conn:
        yield conn


def test_theme_figures_counted_by_hand(answered):
    summary = summarise(reads.summary.on(answered, JAN_FEB, "Home delivery", THEMES))
    # pinned first, then by comments; the tie of a and b is broken by the pin
    assert summary["theme_id"].tolist() == ["b", "a", "d", "c"]
    assert summary["name"].tolist() == ["Packaging", "Late courier", "Discount", "Nothing"]
    figures = summary.set_index("theme_id")
    assert figures["comments"].tolist() == [3, 3, 1, 0]  # b: r3 r4 r5; a: r1 r2 r3; d: r9
    assert figures.loc["a", "sentiment"] == pytest.approx((-0.6 + 0.4 - 0.2) / 3)
    assert figures.loc["b", "sentiment"] == pytest.approx((-0.2 + 0.8) / 2) and figures.loc["b", "sentiment_n"] == 2
    assert math.isnan(figures.loc["c", "sentiment"])
    counts = figures[["promoters", "passives", "detractors"]].astype(int).to_dict("index")
    assert counts == {"b": {"promoters": 1, "passives": 0, "detractors": 1},
                      "a": {"promoters": 1, "passives": 0, "detractors": 2},
                      "d": {"promoters": 0, "passives": 1, "detractors": 0},
                      "c": {"promoters": 0, "passives": 0, "detractors": 0}}
    assert figures.loc["a", "nps"] == pytest.approx(100 * (1 - 2) / 3)  # r2 promoter; r1, r3 detractors
    assert figures.loc["a", "nps_margin"] == pytest.approx(1.959964 * math.sqrt((1 - 1 / 9) / 3) * 100, rel=1e-5)
    assert figures.loc["b", "nps"] == 0 and figures.loc["b", "nps_n"] == 2  # r5 has no NPS answer


def test_theme_trend_and_latest_examples(answered):
    trend = reads.trend.on(answered, JAN_FEB, "Home delivery", THEMES)
    rows = [(r.theme_id, r.month.strftime("%Y-%m"), r.comments) for r in trend.itertuples()]
    assert rows == [("a", "2026-01", 2), ("a", "2026-02", 1), ("b", "2026-02", 3), ("d", "2026-02", 1)]
    examples = reads.examples.on(answered, JAN_FEB, "Home delivery", THEMES, per_theme=2)
    assert [(r.theme_id, r.response_id) for r in examples.itertuples()] == [
        ("a", "r3"), ("a", "r2"), ("b", "r5"), ("b", "r4"), ("d", "r9")]
    assert examples.loc[examples["response_id"] == "r3", "comment"].item() == "Late, and the box was crushed"
    assert len(reads.examples.on(answered, JAN_FEB, "Home delivery", THEMES)) == 3 + 3 + 1


def test_the_seed_sample_is_the_touchpoints_latest_comments_whatever_the_view(answered):
    sample = reads.seed_sample.on(answered, "Home delivery", limit=3)
    assert sample["comment"].tolist() == ["courier late", "Chocolate was melted", "It was 10x better"]


def test_no_themes_and_a_missing_table_read_as_empty(answered):
    assert reads.summary.on(answered, JAN_FEB, "Home delivery", ()).empty
    assert reads.trend.on(answered, JAN_FEB, "Home delivery", ()).empty
    assert reads.examples.on(answered, JAN_FEB, "Home delivery", ()).empty
    answered.execute(sa.text("DROP TABLE comment_themes"))  # a read-only warehouse without the app's tables
    assert reads.stored.on(answered, "Home delivery") == ()
    answered.rollback()
