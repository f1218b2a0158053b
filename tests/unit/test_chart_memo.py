"""Chart builders remember their figures by the content of their arguments (bench/README.md, "A full room"):
the same content gives the same figure back, any change in it builds a new one."""

import math

import pandas as pd
import pytest

from analytics.metrics import METRICS
from components import charts
from components.theme import CHANNEL_COLOURS, FIGURES_KEPT, remembered


def _levels(csat=(80.0, 70.0)) -> pd.DataFrame:
    return pd.DataFrame({"channel": ["Email", "Chat"], "csat": list(csat)})


def _bars(frame: pd.DataFrame, title: str = "Ticket CSAT by channel"):
    return charts.group_bars(frame, "channel", "csat", CHANNEL_COLOURS, title, "", "{:.0f}%", "CSAT")


def test_the_same_content_gives_the_same_figure_and_other_content_another():
    first = _bars(_levels())
    assert _bars(_levels()) is first  # a new frame with the same values: built once
    assert _bars(_levels((80.0, 71.0))) is not first
    assert list(_bars(_levels((80.0, 71.0))).data[0].y) == [80.0, 71.0]
    assert _bars(_levels(), title="Another title") is not first
    assert _bars(_levels().rename(columns={"csat": "csat"}).astype({"csat": "float32"})) is not first  # dtype


def test_missing_values_match_and_attrs_count():
    tiers = pd.DataFrame({"tier": ["Gold", "Silver"], "nps": [20.0, math.nan], "nps_margin": [5.0, math.nan],
                          "nps_n": [100, 0], "low_n": [False, True]})
    first = charts.metric_bars(tiers, "tier", METRICS["nps"], "NPS by tier", "")
    assert charts.metric_bars(tiers.copy(), "tier", METRICS["nps"], "NPS by tier", "") is first  # NaN == NaN here

    @remembered
    def cut(frame: pd.DataFrame):
        return charts.empty_figure(str(frame.attrs.get("cut")))

    frame = pd.DataFrame({"x": [1]})
    low, high = frame.copy(), frame.copy()
    low.attrs["cut"], high.attrs["cut"] = 1.0, 2.0
    assert cut(low) is not cut(high)
    assert cut(high).layout.annotations[0].text == "2.0"


def test_arguments_without_a_content_key_are_built_every_time():
    calls = []

    @remembered
    def build(frame: pd.DataFrame, label=None):
        calls.append(1)
        return charts.empty_figure("x")

    opaque = pd.DataFrame({"x": [object(), object()]})  # cells whose content cannot be compared
    assert build(opaque) is not build(opaque)
    assert build(pd.DataFrame({"x": [1]}), label=lambda v: v) is not build(pd.DataFrame({"x": [1]}), label=lambda v: v)
    assert len(calls) == 4


def test_the_memory_is_bounded():
    @remembered
    def build(n: int):
        return charts.empty_figure(str(n))

    for n in range(FIGURES_KEPT + 10):
        build(n)
    assert build.cache_size() == FIGURES_KEPT
    assert build(FIGURES_KEPT + 9) is build(FIGURES_KEPT + 9)


@pytest.mark.parametrize("value", [1, 1.0, True, "1", None])
def test_values_equal_in_python_but_of_another_type_are_other_keys(value):
    @remembered
    def build(v):
        return charts.empty_figure(repr(v))

    assert build(value).layout.annotations[0].text == repr(value)
    others = [v for v in (1, 1.0, True, "1", None) if repr(v) != repr(value)]
    assert all(build(v).layout.annotations[0].text == repr(v) for v in others)
