"""A survey that asked CSAT and no NPS (issue 10, finding 6): the pages show CSAT, judge small samples on CSAT
answers, say what the data lacks, and the priority matrix says truly why it is empty."""

from __future__ import annotations

from datetime import datetime, timedelta

import pandas as pd
import pytest

from components.theme import MUTED, PRIMARY
from data_access.loaders import import_dataset
from tests.conftest import Databases
from tests.pages.conftest import decode, figures, heatmap_cells

CSAT_ANSWERS = {  # touchpoint -> {answer: how many}
    "Check-in": {5: 18, 4: 12, 3: 6, 1: 4},  # 30 of 40 answered 4-5: 75%
    "Baggage drop": {4: 14, 2: 21},  # 14 of 35: 40%
    "Lounge": {5: 45, 3: 5},  # 45 of 50: 90%
    "Boarding": {4: 5, 1: 5},  # 5 of 10: 50%, a small sample (fewer than 30 answers)
}
EXPECTED_CSAT = {"Check-in": 75.0, "Baggage drop": 40.0, "Lounge": 90.0, "Boarding": 50.0}
OVERALL_CSAT = "70% ± 8"  # 94 of 135; margin 1.96 × sqrt(.696 × .304 / 135) = 7.8 points
NOTE = "This data has no NPS answers: showing CSAT. Also missing: effort (CES)."
CUSTOMERS = [f"C{i:02d}" for i in range(12)]


def survey() -> pd.DataFrame:
    """135 CSAT answers from 12 customers over three months, some with a comment, none with NPS or CES."""
    answers = [(touchpoint, score) for touchpoint, counts in CSAT_ANSWERS.items()
               for score, count in counts.items() for _ in range(count)]
    start = datetime(2026, 1, 1, 8)
    return pd.DataFrame({
        "response_id": [f"R{i:04d}" for i in range(len(answers))],
        "customer_id": [CUSTOMERS[i % len(CUSTOMERS)] for i in range(len(answers))],
        "submitted_at": [f"{start + timedelta(hours=16 * i):%Y-%m-%d %H:%M}" for i in range(len(answers))],
        "touchpoint": [touchpoint for touchpoint, _ in answers],
        "channel": "web",
        "nps": None,
        "csat": [score for _, score in answers],
        "comment": ["Friendly staff and a quick, easy trip." if i % 3 == 0 else None for i in range(len(answers))],
    })


@pytest.fixture(scope="module")
def csat_only(tmp_path_factory, request):
    """A DuckDB file holding a CSAT-only survey, its journey and its customers; its URL."""
    made = Databases(tmp_path_factory.mktemp("csat-only"), request)
    engine = made.engine("duckdb")
    import_dataset(engine, "touchpoints", pd.DataFrame({
        "touchpoint": ["Check-in", "Baggage drop", "Lounge", "Boarding"],
        "stage": ["Arrive", "Arrive", "Wait", "Depart"], "stage_order": [1, 1, 2, 3]}), name="touchpoints")
    import_dataset(engine, "customers", pd.DataFrame({
        "customer_id": CUSTOMERS, "joined_at": "2020-01-01", "tier": ["Gold", "Silver"] * 6}), name="customers")
    import_dataset(engine, "survey", survey(), name="csat-only")
    url = str(engine.url)
    made.close()
    return url


def captions(at) -> list[str]:
    return [caption.value for caption in at.caption]


def empty_message(figure: dict) -> str:
    return figure["layout"]["annotations"][0]["text"]


def test_touchpoints_show_csat_per_touchpoint_and_judge_small_samples_on_csat(app_on, csat_only):
    at = app_on(csat_only, "pages/2_Touchpoints.py")
    assert not at.exception, at.exception
    assert NOTE in captions(at)
    charts = figures(at)
    assert "Promoters, passives and detractors by touchpoint" not in charts
    bars = charts["CSAT by touchpoint"]["data"][0]
    shown = dict(zip(decode(bars["y"]), decode(bars["x"]), strict=True))
    assert shown == pytest.approx(EXPECTED_CSAT)
    colours = dict(zip(decode(bars["y"]), bars["marker"]["color"], strict=True))
    assert colours == {"Check-in": PRIMARY, "Baggage drop": PRIMARY, "Lounge": PRIMARY, "Boarding": MUTED}
    flagged = {name for name, label in zip(decode(bars["y"]), bars["customdata"], strict=True)
               if "small sample" in label}
    assert flagged == {"Boarding"}
    table = next(frame.value for frame in at.dataframe if "low_n" in frame.value)
    assert dict(zip(table["touchpoint"], table["low_n"], strict=True)) == {
        "Check-in": False, "Baggage drop": False, "Lounge": False, "Boarding": True}
    assert "Baggage drop: CSAT by month, all data" in charts  # first in journey order


def test_the_priority_matrix_says_why_it_is_empty_in_words_that_agree_with_its_caption(app_on, csat_only):
    at = app_on(csat_only, "pages/2_Touchpoints.py")
    matrix = figures(at)["Priority matrix: impact on NPS × current performance"]
    assert empty_message(matrix) == "This data has no NPS answers, which the impact on NPS is estimated from."
    rated = survey().groupby("customer_id")["touchpoint"].nunique()
    assert (rated >= 2).sum() == 12  # every customer rated two or more touchpoints
    assert any("(12 customers rated two or more touchpoints)" in caption for caption in captions(at))


def test_the_journey_map_opens_on_csat(app_on, csat_only):
    at = app_on(csat_only, "pages/1_Journey_map.py")
    assert not at.exception, at.exception
    assert at.segmented_control(key="journey_metric").value == "csat"
    assert NOTE in captions(at)
    charts = figures(at)
    cells = heatmap_cells(charts["CSAT by touchpoint across the journey"])
    assert cells == pytest.approx({name: value for name, value in EXPECTED_CSAT.items() if name != "Boarding"})
    assert "Emotion curve: CSAT and sentiment per stage" in charts


def test_the_overview_leaves_out_the_kpis_the_data_lacks_and_trends_csat(app_on, csat_only):
    at = app_on(csat_only)
    assert not at.exception, at.exception
    labels = [m.label for m in at.metric]
    assert "NPS" not in labels and "Effort (CES)" not in labels
    assert next(m for m in at.metric if m.label == "CSAT").value == OVERALL_CSAT
    assert NOTE in captions(at)
    assert {"CSAT by month, all data", "CSAT by loyalty tier"} <= set(figures(at))


def test_loyalty_says_the_data_has_no_nps_to_group_responses_by(app_on, csat_only):
    at = app_on(csat_only, "pages/3_Loyalty.py")
    assert not at.exception, at.exception
    charts = figures(at)
    assert empty_message(charts["Spend in the 90 days after answering"]) == "This data has no NPS answers."
    grid_titles = [a["text"] for a in charts["Loyalty tiers: size, experience and behaviour"]["layout"]["annotations"]]
    assert "CSAT" in grid_titles and "NPS" not in grid_titles
