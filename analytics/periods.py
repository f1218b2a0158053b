"""Relative periods ("last 12 months", "last full quarter"…) resolved against the data's last day, not today: a
shared link, the sidebar and a cron-run report all mean the same dates, and none needs date arithmetic."""

from __future__ import annotations

from datetime import date, timedelta

__all__ = ["preset_dates"]


def preset_dates(preset: str, first: date, last: date) -> tuple[date, date]:
    """The dates a preset stands for; periods end on the latest day with data, not on today."""
    if preset == "30d":
        return max(first, last - timedelta(days=29)), last
    if preset == "90d":
        return max(first, last - timedelta(days=89)), last
    if preset == "12m":
        return max(first, last - timedelta(days=364)), last
    if preset == "month":
        month_start = date(last.year, last.month, 1)
        if last == _add_months(month_start, 1) - timedelta(days=1):
            return month_start, last
        return max(first, _add_months(month_start, -1)), month_start - timedelta(days=1)
    if preset == "ytd":
        return max(first, date(last.year, 1, 1)), last
    if preset == "quarter":
        quarter_start = date(last.year, 3 * ((last.month - 1) // 3) + 1, 1)
        if last == _quarter_end(quarter_start):
            return quarter_start, last
        previous_start = _add_months(quarter_start, -3)
        return previous_start, quarter_start - timedelta(days=1)
    return first, last


def _add_months(day: date, months: int) -> date:
    index = day.year * 12 + day.month - 1 + months
    return date(index // 12, index % 12 + 1, 1)


def _quarter_end(quarter_start: date) -> date:
    return _add_months(quarter_start, 3) - timedelta(days=1)
