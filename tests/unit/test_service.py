"""Service KPIs by hand."""

from datetime import date, datetime, time

import pandas as pd
import pytest

from analytics.service import month_ends, service_levels, ticket_experience


def test_service_levels_by_hand():
    out = service_levels(pd.DataFrame({"resolved": [8], "slow": [2], "csat_n": [5], "csat_top2": [4]})).iloc[0]
    assert out["slow_share"] == pytest.approx(25.0) and out["csat"] == pytest.approx(80.0)


def test_ticket_experience_by_hand():
    out = ticket_experience(pd.DataFrame({"speed": ["slow"], "tickets": [4], "spend": [100.0],
                                          "tickets_followed_by_order": [1], "promoters": [1], "passives": [1],
                                          "detractors": [2]})).iloc[0]
    assert out["nps"] == pytest.approx(-25.0) and out["spend_per_ticket"] == 25.0 and out["ordered_again"] == 25.0


def test_month_ends_cover_the_period_and_cap_the_last_month():
    ends = month_ends(date(2025, 11, 15), date(2026, 2, 10))
    assert [e.date() for e in ends] == [date(2025, 11, 30), date(2025, 12, 31), date(2026, 1, 31), date(2026, 2, 10)]
    assert ends[0] == datetime.combine(date(2025, 11, 30), time.max)
