"""The comment reads on DuckDB and PostgreSQL, against hand-made comments whose sentiment band is known."""

from __future__ import annotations

from datetime import date

import pandas as pd
import pytest

from data_access.filters import NO_TIER, Filters
from data_access.reads import comments, journey
from tests.conftest import BACKENDS, loaded_connection

# TextBlob at import: "Great, quick delivery" +0.57, "Awful, late and broken parcel" −0.57, "Got 50% off the sofa,
# lovely" +0.50, "The e-mail link was broken, terrible" −0.70; the other texts score 0 (neutral).
DATA = {
    "customers": pd.DataFrame({
        "customer_id": ["C1", "C2", "C3", "C4"],
        "joined_at": ["2020-01-01", "2020-01-01", "2021-05-01", "2022-06-01"],
        "tier": ["Gold", "Bronze", None, "Silver"],
        "segment": ["Premium", "Value seeker", "Premium", "Convenience"],
        "region": ["North", "South", "North", "East"],
    }),
    "touchpoints": pd.DataFrame({"touchpoint": ["Web checkout", "Home delivery", "Live chat"],
                                 "stage": ["Buy", "Receive", "Get help"], "stage_order": [2, 3, 5],
                                 "channel": ["web", "web", "chat"]}),
    "survey": pd.DataFrame({
        "response_id": [f"S{i:02d}" for i in range(1, 11)],
        "customer_id": ["C1", "C2", "C3", "C1", "C2", "C3", "C4", "C4", "C1", "C2"],
        "submitted_at": ["2025-01-10 09:00", "2025-01-15 09:00", "2025-01-20 09:00", "2025-02-05 09:00",
                         "2025-02-10 09:00", "2025-02-11 09:00", "2025-02-12 09:00", "2025-02-13 09:00",
                         "2025-02-14 09:00", "2025-02-15 09:00"],
        "touchpoint": ["Home delivery", "Home delivery", "Web checkout", "Web checkout", "Live chat", "Live chat",
                       "Web checkout", "Home delivery", "Home delivery", "Web checkout"],
        "channel": ["web", "web", "app", "web", "chat", "chat", "web", "web", "web", "web"],
        "nps": [10, 3, 8, 9, 6, None, 7, 2, 9, 5],
        "comment": ["Great, quick delivery", "Awful, late and broken parcel", "Paid by card on Tuesday",
                    "Got 50% off the sofa, lovely", "The e-mail link was broken, terrible",
                    "Use code SAVE10 from the e_mail", "I ordered 50 items in one go",
                    "Awful, late and broken parcel", None, "   "],
    }),
}
COMMENTED = ["S01", "S02", "S03", "S04", "S05", "S06", "S07", "S08"]  # S09 has no comment, S10 a blank one


@pytest.fixture(scope="module", params=BACKENDS)
def conn(request, tmp_path_factory):
    """The hand-made comments, loaded once per backend through the real import path (the tests only read)."""
    with loaded_connection(request, tmp_path_factory, DATA, "comments", scorer="textblob") as connection:
        yield connection


def ids(conn, filters: Filters = Filters(), **choices) -> list[str]:  # noqa: B008 - Filters is frozen
    return comments.listed.on(conn, filters, **choices)["response_id"].tolist()


def test_every_comment_with_text_and_its_columns(conn):
    frame = comments.listed.on(conn, Filters(), order="recent")
    assert list(frame.columns) == ["response_id", "submitted_at", "touchpoint", "stage", "tier", "nps", "sentiment",
                                   "band", "comment"]
    assert sorted(frame["response_id"]) == COMMENTED
    row = frame.set_index("response_id").loc["S05"]
    assert (row.touchpoint, row.stage, row.tier, row.nps) == ("Live chat", "Get help", "Bronze", 6)
    assert row.sentiment == pytest.approx(-0.7)
    assert comments.count.on(conn, Filters()) == len(COMMENTED)


@pytest.mark.parametrize(
    ("filters", "choices", "expected"),
    [
        (Filters(), {"touchpoints": ("Home delivery",)}, {"S01", "S02", "S08"}),
        (Filters(), {"touchpoints": ("Home delivery", "Live chat")}, {"S01", "S02", "S05", "S06", "S08"}),
        (Filters(), {"stages": ("Buy",)}, {"S03", "S04", "S07"}),
        (Filters(), {"touchpoints": ("Home delivery",), "stages": ("Buy",)}, set()),  # choices combine with AND
        (Filters(), {"sentiment_band": "negative"}, {"S02", "S05", "S08"}),
        (Filters(), {"sentiment_band": "neutral"}, {"S03", "S06", "S07"}),
        (Filters(), {"sentiment_band": "positive"}, {"S01", "S04"}),
        (Filters(), {"nps_group": "Promoter"}, {"S01", "S04"}),
        (Filters(), {"nps_group": "Passive"}, {"S03", "S07"}),
        (Filters(), {"nps_group": "Detractor"}, {"S02", "S05", "S08"}),  # S06 has no NPS answer
        (Filters(tiers=("Gold",)), {}, {"S01", "S04"}),
        (Filters(tiers=(NO_TIER,)), {}, {"S03", "S06"}),
        (Filters(segments=("Convenience",)), {}, {"S07", "S08"}),
        (Filters(channels=("app",)), {}, {"S03"}),
        (Filters(date(2025, 2, 10), date(2025, 2, 11)), {}, {"S05", "S06"}),  # the end day is included
        (Filters(tiers=("Bronze",)), {"sentiment_band": "negative", "touchpoints": ("Home delivery",)}, {"S02"}),
    ],
)
def test_each_filter_narrows_the_comments_and_the_count(conn, filters, choices, expected):
    assert set(ids(conn, filters, **choices)) == expected
    assert comments.count.on(conn, filters, **choices) == len(expected)


@pytest.mark.parametrize(
    ("search", "expected"),
    [
        ("GREAT", {"S01"}),  # case-insensitive
        ("  broken ", {"S02", "S05", "S08"}),  # surrounding spaces ignored
        ("50%", {"S04"}),  # % is literal: as a wildcard it would also find "50 items"
        ("%", {"S04"}),
        ("e_mail", {"S06"}),  # _ is literal: as a wildcard it would also find "e-mail"
        ("_", {"S06"}),
        ("'; DROP TABLE survey_responses; --", set()),  # bound, so only ever a search
        ("", set(COMMENTED)),
    ],
)
def test_search_is_a_literal_case_insensitive_substring(conn, search, expected):
    assert set(ids(conn, search=search)) == expected
    assert comments.count.on(conn, Filters(), search=search) == len(expected)


@pytest.mark.parametrize(
    ("order", "expected"),
    [
        ("negative", ["S05", "S02", "S08", "S03", "S06", "S07", "S04", "S01"]),  # ties broken by response_id
        ("positive", ["S01", "S04", "S03", "S06", "S07", "S02", "S08", "S05"]),
        ("recent", ["S08", "S07", "S06", "S05", "S04", "S03", "S02", "S01"]),
    ],
)
def test_orders_are_deterministic(conn, order, expected):
    assert ids(conn, order=order) == expected


def test_limit_takes_the_top_of_the_order_and_the_count_stays_whole(conn):
    assert ids(conn, order="negative", limit=3) == ["S05", "S02", "S08"]
    assert ids(conn, order="recent", limit=1, touchpoints=("Web checkout",)) == ["S07"]
    assert comments.count.on(conn, Filters()) == 8


@pytest.mark.parametrize("choice", [{"sentiment_band": "angry"}, {"nps_group": "Fan"}, {"order": "random"}])
def test_values_outside_the_allow_lists_are_refused(conn, choice):
    with pytest.raises(ValueError, match="unknown"):
        comments.listed.on(conn, Filters(), **choice)


def test_comments_by_touchpoint_counts_each_side_most_negative_first(conn):
    frame = comments.by_touchpoint.on(conn, Filters())
    assert frame.to_dict("records") == [
        {"touchpoint": "Home delivery", "comments": 3, "negative": 2, "positive": 1},
        {"touchpoint": "Live chat", "comments": 2, "negative": 1, "positive": 0},
        {"touchpoint": "Web checkout", "comments": 3, "negative": 0, "positive": 1},
    ]
    narrowed = comments.by_touchpoint.on(conn, Filters(), nps_group="Promoter")
    assert narrowed["touchpoint"].tolist() == ["Home delivery", "Web checkout"]


def test_comment_sample_is_one_touchpoint_both_sides_capped_most_recent_first(conn):
    sample = comments.sample.on(conn, Filters(), "Home delivery")
    assert sorted(map(tuple, sample[["band", "comment"]].to_numpy())) == [
        ("negative", "Awful, late and broken parcel"), ("negative", "Awful, late and broken parcel"),
        ("positive", "Great, quick delivery")]
    assert comments.sample.on(conn, Filters(), "Web checkout")["band"].tolist() == ["positive"]  # neutral left out
    capped = comments.sample.on(conn, Filters(), "Home delivery", per_band=1)
    assert sorted(capped["band"]) == ["negative", "positive"]
    january = comments.sample.on(conn, Filters(date(2025, 1, 1), date(2025, 1, 31)), "Home delivery")
    assert len(january) == 2  # S08 (13 Feb) is outside the period


def test_touchpoint_stages_in_journey_order(conn):
    assert journey.touchpoint_stages.on(conn)["touchpoint"].tolist() == ["Web checkout", "Home delivery", "Live chat"]
