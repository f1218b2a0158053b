"""Labels spelled in another case or with spaces get their palette colour and group together (issue 10, finding 9)."""

import pandas as pd
import pytest

from analytics.metrics import METRICS
from components import charts
from components.theme import CHANNEL_COLOURS, MUTED, PRIMARY, TIER_COLOURS, colour_for


@pytest.mark.parametrize("label", ["email", "Email", " email ", "EMAIL", "\teMail\n"])
def test_every_spelling_of_a_label_gets_its_colour(label):
    assert colour_for(CHANNEL_COLOURS, label) == CHANNEL_COLOURS["email"]


def test_a_label_outside_the_palette_gets_the_fallback():
    assert colour_for(CHANNEL_COLOURS, "fax") == MUTED
    assert colour_for(CHANNEL_COLOURS, None, PRIMARY) == PRIMARY
    assert colour_for(TIER_COLOURS, " gold") == TIER_COLOURS["Gold"]


def test_group_bars_colour_channels_whatever_their_case():
    levels = pd.DataFrame({"channel": ["Email", "Chat"], "csat": [80.0, 70.0]})
    bars = charts.group_bars(levels, "channel", "csat", CHANNEL_COLOURS, "Ticket CSAT by channel", "", "{:.0f}%",
                             "CSAT").data[0]
    assert list(bars.x) == ["Email", "Chat"]  # the data's spelling is shown
    assert list(bars.marker.color) == [CHANNEL_COLOURS["email"], CHANNEL_COLOURS["chat"]]


def test_stacked_volume_groups_spellings_of_one_channel_and_colours_them():
    months = pd.to_datetime(["2026-01-01", "2026-01-01", "2026-02-01", "2026-01-01"])
    tickets = pd.DataFrame({"month": months, "channel": ["Email", "email ", "Email", "Chat"], "tickets": [3, 2, 4, 5]})
    bars = charts.stacked_volume(tickets, "channel", "tickets", CHANNEL_COLOURS, "Tickets", "", "Tickets").data
    assert [(bar.name, bar.marker.color) for bar in bars] == [("Chat", CHANNEL_COLOURS["chat"]),
                                                              ("Email", CHANNEL_COLOURS["email"])]
    assert list(bars[1].y) == [5, 4]  # January: 3 + 2


def test_metric_bars_and_the_tier_grid_colour_tiers_whatever_their_case():
    tiers = pd.DataFrame({"tier": ["GOLD", "silver"], "nps": [20.0, 10.0], "nps_margin": [5.0, 5.0],
                          "nps_n": [100, 100], "low_n": [False, False]})
    bars = charts.metric_bars(tiers, "tier", METRICS["nps"], "NPS by loyalty tier", "", TIER_COLOURS).data[0]
    assert list(bars.marker.color) == [TIER_COLOURS["Gold"], TIER_COLOURS["Silver"]]
    grid = charts.tier_kpi_grid(tiers, [("nps", "NPS", "{:+.0f}")], "Tiers", "").data[0]
    assert list(grid.marker.color) == [TIER_COLOURS["Gold"], TIER_COLOURS["Silver"]]
