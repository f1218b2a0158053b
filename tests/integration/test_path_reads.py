"""The path explorer's read on DuckDB and PostgreSQL: customers per path prefix, worked out by hand.

That the stored runs and every event give the same prefixes, over periods that cut runs anywhere, is checked in
test_pre_aggregates.py with the other pre-aggregated tables.
"""

from __future__ import annotations

from datetime import date

import pandas as pd
import pytest

from analytics.journey import LEFT_JOURNEY as LEFT
from data_access import reads
from data_access.filters import Filters
from tests.conftest import BACKENDS, loaded_connection
from tests.integration.test_queries import DATA, FEBRUARY, JANUARY

# Each customer's events in DATA (Web checkout is Buy, Home delivery is Receive):
# C1 ticket 01-01, order 01-08, Receive 01-10, order 02-03, Buy 02-05, order 02-20
# C2 ticket 01-10, Receive 01-15, order 01-20, Receive 02-10, order 03-05
# C3 Buy 01-20, order 02-14;  C9 (no customer row) Buy 02-11
CASES = [
    (Filters(), [("Buy", LEFT, None, None, 1), ("Buy", "Order", LEFT, None, 1),
                 ("Support ticket", "Order", "Receive", "Order", 1),
                 ("Support ticket", "Receive", "Order", "Receive", 1)]),
    (JANUARY, [("Buy", LEFT, None, None, 1), ("Support ticket", "Order", "Receive", LEFT, 1),
               ("Support ticket", "Receive", "Order", LEFT, 1)]),
    (FEBRUARY, [("Buy", LEFT, None, None, 1), ("Order", "Buy", "Order", LEFT, 1), ("Order", LEFT, None, None, 1),
                ("Receive", LEFT, None, None, 1)]),
    (Filters(date(2025, 1, 1), date(2025, 1, 31), tiers=("Gold",)), [("Support ticket", "Order", "Receive", LEFT, 1)]),
    # a channel filter reads every event: web answers R4, R5, R6 and order O3 in February
    (Filters(date(2025, 2, 1), date(2025, 2, 28), channels=("web",)),
     [("Buy", LEFT, None, None, 1), ("Buy", "Order", LEFT, None, 1), ("Receive", LEFT, None, None, 1)]),
]


@pytest.fixture(scope="module", params=BACKENDS)
def conn(request, tmp_path_factory):
    with loaded_connection(request, tmp_path_factory, DATA, "path-reads") as connection:
        yield connection


def paths_of(frame: pd.DataFrame) -> list[tuple]:
    """The rows as tuples (NULL as None), in one order whatever the backend sorts NULLs as."""
    rows = [tuple(None if pd.isna(v) else v for v in row) for row in frame.itertuples(index=False, name=None)]
    return sorted(rows, key=lambda row: [(v is None, str(v)) for v in row])


@pytest.mark.parametrize(("filters", "expected"), CASES)
def test_path_prefixes_count_customers_per_path(conn, filters, expected):
    prefixes = reads.journey.path_prefixes.on(conn, filters)
    assert list(prefixes.columns) == ["step1", "step2", "step3", "step4", "customers"]
    assert paths_of(prefixes) == paths_of(pd.DataFrame(expected))

