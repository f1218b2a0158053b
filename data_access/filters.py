"""Filters: the global view a person picks (period, tier, segment, region, channel) and its WHERE clauses."""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import date, datetime, timedelta

import sqlalchemy as sa

from analytics.access import Scope
from data_access.schema import customers

NO_TIER = "No tier"  # label of customers outside the loyalty tiers, in results and in the tier filter
COMPARISONS = {"previous": "previous period", "last-year": "same period last year"}  # key -> label


@dataclass(frozen=True)
class Filters:
    """What every query is keyed by; hashable, so it is also a cache key."""

    start: date | None = None
    end: date | None = None  # inclusive
    tiers: tuple[str, ...] = ()
    segments: tuple[str, ...] = ()
    regions: tuple[str, ...] = ()
    channels: tuple[str, ...] = ()
    # the rows the person may see: set by the query layer from who asks, never by a URL
    scope: Scope = field(default_factory=Scope)

    def limited_to(self, scope: Scope) -> Filters:
        """These filters within a person's scope; the scope replaces any other, so nothing passed in widens it."""
        return self if self.scope == scope else replace(self, scope=scope)

    @property
    def needs_regions(self) -> bool:
        """A region filter or scope is in force, so reads need the answers' customers."""
        return bool(self.regions or self.scope.regions)

    @property
    def period(self) -> tuple[date, date]:
        """(start, end) for what needs both ends: lengths and comparison periods. Open ends are filled by within."""
        if self.start is None or self.end is None:
            raise ValueError(f"a closed period is needed here, not {self.start} to {self.end}; use Filters.within")
        return self.start, self.end

    @property
    def days(self) -> int:
        start, end = self.period
        return (end - start).days + 1

    def previous_period(self) -> Filters:
        """The period of the same length that ends the day before this one starts."""
        start, _ = self.period
        return replace(self, start=start - timedelta(days=self.days), end=start - timedelta(days=1))

    def same_period_last_year(self) -> Filters:
        """The same dates one year earlier (29 February falls back to the 28th)."""
        def back(day: date) -> date:
            return day.replace(year=day.year - 1, day=min(day.day, 28) if day.month == 2 else day.day)
        start, end = self.period
        return replace(self, start=back(start), end=back(end))

    def compared_with(self, comparison: str) -> Filters:
        """The comparison period a view or a report names: "previous" or "last-year" (COMPARISONS)."""
        return self.previous_period() if comparison == "previous" else self.same_period_last_year()

    def describe(self) -> str:
        """The period and the customer filters in force, for chart subtitles and report headers."""
        parts = [f"{self.start:%d %b %Y} – {self.end:%d %b %Y}"]
        for label, values in (("tier", self.tiers), ("segment", self.segments), ("region", self.regions),
                              ("channel", self.channels)):
            if values:
                parts.append(f"{label}: {', '.join(values)}")
        if self.scope.limited:
            parts.append(f"limited to {self.scope.describe()}")
        return " · ".join(parts)

    def within(self, first: date, last: date) -> Filters:
        """Open ends filled from the data's own date range."""
        return replace(self, start=self.start or first, end=self.end or last)


def tier_label(columns: sa.ColumnCollection = customers.c) -> sa.ColumnElement:
    """The customer's tier, with customers outside the tiers labelled NO_TIER; on the customers table or on a
    table that copies their tier."""
    return sa.func.coalesce(columns.tier, sa.literal(NO_TIER)).label("tier")


def customer_conditions(filters: Filters, columns: sa.ColumnCollection = customers.c) -> list[sa.ColumnElement]:
    """Conditions for tier, segment and region, on the customers table or on a table that copies those columns;
    the person's scope is one more condition on tier and region, so every read, export and report keeps to it."""
    conditions = [_tier_in(columns, tiers) for tiers in (filters.tiers, filters.scope.tiers) if tiers]
    if filters.segments:
        conditions.append(columns.segment.in_(filters.segments))
    conditions += [columns.region.in_(regions) for regions in (filters.regions, filters.scope.regions) if regions]
    return conditions


def _tier_in(columns: sa.ColumnCollection, tiers: tuple[str, ...]) -> sa.ColumnElement:
    """The tier among those named, NO_TIER standing for customers outside the tiers."""
    named = [t for t in tiers if t != NO_TIER]
    tier_in = [columns.tier.in_(named)] if named else []
    if NO_TIER in tiers:
        tier_in.append(columns.tier.is_(None))
    return sa.or_(*tier_in)


def _midnight(day: date) -> datetime:
    return datetime.combine(day, datetime.min.time())


def period_bounds(filters: Filters) -> tuple[datetime | None, datetime | None]:
    """The period as [first moment, first moment after it), either end open (None)."""
    return (_midnight(filters.start) if filters.start else None,
            _midnight(filters.end + timedelta(days=1)) if filters.end else None)


def closed_period_bounds(filters: Filters) -> tuple[datetime, datetime]:
    """period_bounds for reads that need both ends (a ValueError for an open period, as Filters.period)."""
    start, end = filters.period
    return _midnight(start), _midnight(end + timedelta(days=1))


def period_conditions(column: sa.ColumnElement, filters: Filters) -> list[sa.ColumnElement]:
    """column inside [start, end], the end day included."""
    start, stop = period_bounds(filters)
    conditions = []
    if start:
        conditions.append(column >= start)
    if stop:
        conditions.append(column < stop)
    return conditions


def channel_conditions(column: sa.ColumnElement, filters: Filters) -> list[sa.ColumnElement]:
    """column in the chosen channels, if any were chosen."""
    return [column.in_(filters.channels)] if filters.channels else []
