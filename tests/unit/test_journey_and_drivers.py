"""Journey grid, Sankey links and the priority matrix on small hand-made frames."""

import pandas as pd

from analytics.drivers import priority_matrix
from analytics.journey import journey_grid, sankey_links


def test_journey_grid_orders_stages_and_busiest_touchpoints_first():
    summary = pd.DataFrame({"stage_order": [2, 1, 2], "stage": ["Buy", "Discover", "Buy"],
                            "touchpoint": ["Web", "Ads", "App"], "responses": [10, 50, 40],
                            "nps": [10.0, 20.0, 30.0], "nps_n": [10, 50, 40]})
    grid = journey_grid(summary, "nps")
    assert grid["touchpoint"].tolist() == ["Ads", "App", "Web"]
    assert grid["row"].tolist() == [0, 0, 1]
    assert grid["low_n"].tolist() == [False, False, True]
    assert journey_grid(summary, "volume")["value"].tolist() == [50.0, 40.0, 10.0]


def test_sankey_links_connect_consecutive_steps():
    paths = pd.DataFrame({"step": [1, 1, 2], "source": ["Buy", "Buy", "Order"],
                          "target": ["Order", "Left the journey", "Get help"], "customers": [5, 2, 3]})
    nodes, links = sankey_links(paths)
    assert nodes == ["1. Buy", "2. Left the journey", "2. Order", "3. Get help"]
    assert links.values.tolist() == [[0, 2, 5], [0, 1, 2], [2, 3, 3]]


def test_priority_matrix_quadrants_split_at_the_medians():
    drivers = pd.DataFrame({"touchpoint": ["A", "B", "C", "D", "E"], "customers": [100, 100, 100, 100, 5],
                            "correlation": [0.7, 0.6, 0.2, 0.1, 0.9]})
    performance = pd.DataFrame({"touchpoint": ["A", "B", "C", "D", "E"], "csat": [60.0, 90.0, 50.0, 95.0, 10.0]})
    matrix = priority_matrix(drivers, performance).set_index("touchpoint")
    assert matrix.loc["A", "quadrant"] == "Fix first"  # strong driver, weak performance
    assert matrix.loc["B", "quadrant"] == "Protect"
    assert matrix.loc["C", "quadrant"] == "Monitor"
    assert matrix.loc["D", "quadrant"] == "Maintain"
    assert matrix.loc["E", "quadrant"] == "Too few answers"
