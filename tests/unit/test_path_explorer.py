"""The path explorer on hand-made path counts: starting events, top steps with the rest as Other, drop-off in words."""

import pandas as pd
import pytest

from analytics.journey import LEFT_JOURNEY as LEFT
from analytics.journey import OTHER, explore_paths, starting_events
from components.path_charts import LINK_COLOURS, NO_PATHS, path_sankey

STEPS = ["step1", "step2", "step3", "step4"]
PREFIXES = pd.DataFrame([  # step1..step4, customers; 71 start with Buy
    ("Buy", LEFT, None, None, 20),
    ("Buy", "Order", LEFT, None, 10),
    ("Buy", "Order", "Help", LEFT, 5),
    ("Buy", "Order", "Help", "Use", 15),
    ("Buy", "Order", "Stay", LEFT, 1),
    ("Buy", "Help", "Order", LEFT, 4),
    ("Buy", "Help", LEFT, None, 2),
    ("Buy", "Use", "Order", "Help", 6),  # Use ties with Help at step 2 (6 each): Help wins by name
    ("Buy", "Receive", "Order", "Use", 4),
    ("Buy", "Stay", "Order", LEFT, 4),
    ("Order", LEFT, None, None, 71),  # ties with Buy as a start: Buy first by name
    ("Help", "Order", LEFT, None, 3),
], columns=[*STEPS, "customers"])


def nodes_of(explorer) -> list[tuple]:
    return list(explorer.nodes.itertuples(index=False, name=None))


def links_of(explorer) -> list[tuple]:
    return sorted(explorer.links.itertuples(index=False, name=None))


def test_starting_events_most_customers_first_ties_by_name():
    assert starting_events(PREFIXES) == {"Buy": 71, "Order": 71, "Help": 3}


def test_each_step_keeps_leaving_and_its_top_events_and_groups_the_rest_as_other():
    explorer = explore_paths(PREFIXES, "Buy")
    assert nodes_of(explorer) == [
        (1, "Buy", 71),
        (2, "Order", 31), (2, "Help", 6), (2, OTHER, 14), (2, LEFT, 20),  # Other: Use 6, Receive 4, Stay 4
        (3, "Help", 20), (3, "Order", 18), (3, OTHER, 1), (3, LEFT, 12),  # Other: Stay 1
        (4, "Use", 19), (4, "Help", 6), (4, LEFT, 14),  # three names: nothing to group
    ]
    assert links_of(explorer) == sorted([
        (0, 1, 31), (0, 2, 6), (0, 3, 14), (0, 4, 20),
        (1, 8, 10), (1, 5, 20), (1, 7, 1), (2, 6, 4), (2, 8, 2), (3, 6, 14),
        (5, 11, 5), (5, 9, 15), (6, 11, 8), (6, 10, 6), (6, 9, 4), (7, 11, 1),
    ])


@pytest.mark.parametrize(("top", "step2"), [
    (1, [(2, OTHER, 51), (2, LEFT, 20)]),
    (2, [(2, "Order", 31), (2, OTHER, 20), (2, LEFT, 20)]),
    (6, [(2, "Order", 31), (2, "Help", 6), (2, "Use", 6), (2, "Receive", 4), (2, "Stay", 4), (2, LEFT, 20)]),
])
def test_top_counts_leaving_as_one_of_the_steps_shown(top, step2):
    explorer = explore_paths(PREFIXES, "Buy", top=top)
    assert [node for node in nodes_of(explorer) if node[0] == 2] == step2
    assert explorer.nodes.groupby("step").size().max() <= top + 1


def test_drop_off_in_words_is_the_share_of_those_still_on_the_journey():
    assert explore_paths(PREFIXES, "Buy").drop_off == [
        "Step 2: 28% of the 71 customers who started with Buy left the journey.",  # 20 / 71
        "Step 3: 24% of the 51 customers still on the journey after step 2 left it.",  # 12 / (71 - 20)
        "Step 4: 36% of the 39 customers still on the journey after step 3 left it.",  # 14 / (20 + 18 + 1)
        "25 of the 71 customers (35%) reached step 4.",  # Use 19 + Help 6
    ]


def test_drop_off_stops_where_nobody_is_left_to_leave():
    checkout = pd.DataFrame([("Checkout", LEFT, None, None, 4_712), ("Checkout", "Order", LEFT, None, 7_688)],
                            columns=[*STEPS, "customers"])
    assert explore_paths(checkout, "Checkout").drop_off == [
        "Step 2: 38% of the 12,400 customers who started with Checkout left the journey.",
        "Step 3: 100% of the 7,688 customers still on the journey after step 2 left it.",
    ]


@pytest.mark.parametrize("prefixes", [PREFIXES.iloc[0:0], PREFIXES])
def test_no_paths_for_the_start_draw_nothing(prefixes):
    explorer = explore_paths(prefixes, "Nowhere")
    assert explorer.nodes.empty and explorer.links.empty and explorer.drop_off == []
    assert starting_events(PREFIXES.iloc[0:0]) == {}


def test_the_sankey_labels_nodes_with_counts_and_colours_links_by_what_followed():
    figure = path_sankey(explore_paths(PREFIXES, "Buy"), "Customer paths from Buy", "All data")
    sankey = figure.data[0]
    assert sankey.node.label[:2] == ("Buy  71", "Order  31")
    red = [sankey.node.label[target] for target, colour in zip(sankey.link.target, sankey.link.color, strict=True)
           if colour == LINK_COLOURS[LEFT]]
    assert red == ["Left the journey  20", *["Left the journey  12"] * 2, *["Left the journey  14"] * 3]
    assert [a.text for a in figure.layout.annotations] == ["<b>Start</b>", "<b>Step 2</b>", "<b>Step 3</b>",
                                                           "<b>Step 4</b>"]
    empty = path_sankey(explore_paths(PREFIXES, "Nowhere"), "Customer paths", "All data")
    assert empty.layout.annotations[0].text == NO_PATHS
