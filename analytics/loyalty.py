"""Loyalty KPIs per tier and the tier migration matrix, from sums the database returns."""

from __future__ import annotations

import pandas as pd

from analytics.ratios import ratio


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
