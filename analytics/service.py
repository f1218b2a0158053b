"""Service KPIs from ticket counts: CSAT, share of slow tickets, and the month ends a backlog is counted at."""

from __future__ import annotations

from datetime import date, datetime, time

import pandas as pd

from analytics.nps import add_nps
from analytics.ratios import ratio


def service_levels(levels: pd.DataFrame) -> pd.DataFrame:
    """Adds ticket CSAT % and the share of slow tickets among resolved ones."""
    out = levels.copy()
    out["csat"] = 100 * ratio(out["csat_top2"], out["csat_n"])
    out["slow_share"] = 100 * ratio(out["slow"], out["resolved"])
    return out


def ticket_experience(outcomes: pd.DataFrame) -> pd.DataFrame:
    """Slow vs fast tickets: NPS of later responses, spend per ticket and share ordering again afterwards."""
    out = add_nps(outcomes.fillna({"promoters": 0, "passives": 0, "detractors": 0}))
    out["spend_per_ticket"] = ratio(out["spend"], out["tickets"])
    out["ordered_again"] = 100 * ratio(out["tickets_followed_by_order"], out["tickets"])
    return out


def month_ends(start: date, end: date) -> list[datetime]:
    """The last instant of every month from start's month to end's month (the last one capped at end)."""
    months = pd.date_range(pd.Timestamp(start).to_period("M").to_timestamp(), pd.Timestamp(end), freq="MS")
    ends = [min((m + pd.offsets.MonthEnd(0)).date(), end) for m in months]
    return [datetime.combine(day, time.max) for day in ends]
