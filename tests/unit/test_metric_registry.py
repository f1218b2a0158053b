"""The metric registry is the one place a metric is defined: every entry is complete and consistent."""

from __future__ import annotations

import re

import pandas as pd
import pytest

from analytics import settings
from analytics.kpis import KPIS
from analytics.metrics import METRICS, SURVEY_METRICS
from analytics.significance import Difference
from tests.conftest import ROOT


@pytest.mark.parametrize("metric", METRICS.values(), ids=lambda m: m.key)
def test_every_metric_has_a_label_a_definition_a_format_and_a_test_or_says_it_is_a_count(metric):
    assert metric.label and metric.definition.endswith(".")
    assert metric.number_format.format(1234.5) and re.fullmatch(r"%[+,]?\.?\d*[df]", metric.table_format)
    assert metric.source in {"survey", "loyalty", "service"}
    if metric.test is None:
        assert metric.key not in SURVEY_METRICS, "a sampled survey metric must say how its change is tested"
    else:
        assert metric.n_column, "a tested metric names the answers it is counted over"
        assert metric.min_n == settings.MIN_N


@pytest.mark.parametrize("metric", [m for m in METRICS.values() if m.test], ids=lambda m: m.key)
def test_every_test_returns_a_difference_on_two_rows(metric):
    row = pd.Series({"promoters": 40, "passives": 30, "detractors": 30, "csat_top2": 60, "csat_n": 100,
                     "ces_sum": 500.0, "ces_squares": 2600.0, "ces_n": 100, "sentiment_sum": 10.0,
                     "sentiment_squares": 30.0, "sentiment_n": 100, "repeat_buyers": 30, "active_customers": 100,
                     "slow": 30, "resolved": 100})
    other = row.copy()
    for column in ("promoters", "csat_top2", "repeat_buyers", "slow"):
        other[column] -= 20
    other["passives"] += 20
    other["ces_sum"], other["sentiment_sum"] = 450.0, 0.0
    change = metric.test(row, other)
    assert isinstance(change, Difference) and change.delta > 0 and change.margin > 0


def test_the_headline_cards_are_registry_entries_in_card_order():
    assert [kpi.key for kpi in KPIS] == ["nps", "csat", "ces", "sentiment", "active_customers", "revenue",
                                         "repeat_rate", "redemption_rate"]
    assert all(kpi is METRICS[kpi.key] for kpi in KPIS)


def test_no_threshold_is_written_twice_in_the_app():
    """Product thresholds live in analytics/settings.py: captions and SQL format them from there."""
    sources = [*ROOT.glob("pages/*.py"), ROOT / "app.py", *ROOT.glob("components/*.py"), *ROOT.glob("analytics/*.py")]
    pattern = re.compile(r"\b(72 ?h|72 hours|(?<!Last )90 days|< ?30\b|−0\.05|-0\.05)")  # not the period preset
    found = [f"{path.name}: {match.group(0)}" for path in sources if path.name != "settings.py"
             for match in pattern.finditer(path.read_text(encoding="utf-8"))]
    assert found == []
