"""Loyalty KPIs per tier and the tier migration matrix, from sums the database returns."""

from __future__ import annotations

import pandas as pd

from analytics.ratios import ratio

DEFINITIONS: dict[str, str] = {
    "customers": "Customers in the tier (current tier), including customers known only from their surveys, "
                 "tickets or orders (no tier).",
    "active_customers": "Customers with at least one purchase order (amount > 0) in the period.",
    "orders": "Purchase orders (amount > 0) in the period; returns and cancellations are counted apart.",
    "returns": "Returns and cancellations (amount < 0) in the period.",
    "gross_sales": "Sum of purchase orders in the period.",
    "orders_per_customer": "Purchase orders in the period per active customer.",
    "average_order_value": "Gross sales / purchase orders in the period.",
    "revenue": "Net revenue: gross sales plus returns (negative amounts) in the period.",
    "repeat_rate": "Share of active customers with 2 or more purchase orders in the period, in %.",
    "retention": "Share of the previous period's buyers (a purchase order then) who bought again in this period, "
                 "in %.",
    "points_earned": "Loyalty points earned with orders in the period.",
    "points_redeemed": "Loyalty points spent on orders in the period.",
    "redemption_rate": "Points redeemed / points earned in the period, in %.",
    "breakage": "Share of points earned in the period by members who redeemed nothing in the period, in % "
                "(points at risk of never being redeemed).",
}


def tier_kpis(sums: pd.DataFrame) -> pd.DataFrame:
    """Rates per tier from customers, active, orders, gross sales, revenue, repeat and retained buyers, points."""
    out = sums.copy()
    out["orders_per_customer"] = ratio(out["orders"], out["active_customers"])
    out["average_order_value"] = ratio(out["gross_sales"], out["orders"])
    out["revenue_per_active"] = ratio(out["revenue"], out["active_customers"])
    out["repeat_rate"] = 100 * ratio(out["repeat_buyers"], out["active_customers"])
    out["retention"] = 100 * ratio(out["retained"], out["previous_buyers"])
    out["redemption_rate"] = 100 * ratio(out["points_redeemed"], out["points_earned"])
    out["breakage"] = 100 * ratio(out["points_unredeemed"], out["points_earned"])
    return out


def migration_matrix(moves: pd.DataFrame, order: tuple[str, ...]) -> pd.DataFrame:
    """Customers by tier at the first date (rows) and at the second (columns), in tier order."""
    matrix = moves.pivot_table(index="tier_from", columns="tier_to", values="customers", aggfunc="sum",
                               fill_value=0)
    labels = [t for t in order if t in set(matrix.index) | set(matrix.columns)]
    return matrix.reindex(index=labels, columns=labels, fill_value=0).astype("int64")


def overall(sums: pd.DataFrame) -> pd.Series:
    """The loyalty KPIs over all tiers together (sums first, then rates)."""
    numeric = sums.drop(columns=[c for c in ("tier",) if c in sums]).astype("float64").sum()
    return tier_kpis(numeric.to_frame().T).iloc[0]


def value_after(outcomes: pd.DataFrame, unit: str) -> pd.DataFrame:
    """Spend per unit (response or ticket) in the window after it, and the share followed by an order, in %."""
    out = outcomes.copy()
    out["spend_per_unit"] = ratio(out["spend"], out[unit])
    out["ordered_again"] = 100 * ratio(out[f"{unit}_followed_by_order"], out[unit])
    return out


def redemption_by_month(points: pd.DataFrame) -> pd.DataFrame:
    """Adds the monthly redemption rate (points redeemed / points earned, in %)."""
    out = points.copy()
    out["redemption_rate"] = 100 * ratio(out["points_redeemed"], out["points_earned"])
    return out


def migration_paths(moves: pd.DataFrame) -> pd.DataFrame:
    """Tier moves as one Sankey step (tier on the first date -> tier on the second)."""
    return pd.DataFrame({"step": 1, "source": moves["tier_from"], "target": moves["tier_to"],
                         "customers": moves["customers"]})
