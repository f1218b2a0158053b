"""Loyalty KPIs per tier, the tier migration matrix, and what an answer is worth, from sums the database returns."""

from __future__ import annotations

import pandas as pd

from analytics.metrics import Metric
from analytics.nps import NPS_GROUPS
from analytics.ratios import ratio
from analytics.settings import MIN_N
from analytics.significance import proportion_difference

# Not a KPI card: the brief's test of a change in redemption. Points redeemed / points earned is a ratio of sums
# with no sampling error to test; whether a buyer redeemed at all is a proportion of customers, tested as one.
REDEEMING_SHARE = Metric(
    "redeeming_share", "Buyers redeeming points",
    "Share of active customers (a purchase order in the period) who redeemed points on an order in the period, in %.",
    "loyalty", "{:.1f}%", "%.1f", "share of buyers who redeemed points", n_column="active_customers",
    test=lambda a, b: proportion_difference(int(a["redeeming_buyers"]), int(a["active_customers"]),
                                            int(b["redeeming_buyers"]), int(b["active_customers"])),
    margin_format="{:.1f}", change_format="{:+.1f} pts")


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


def with_redeeming_share(row: pd.Series) -> pd.Series:
    """An overall loyalty row with REDEEMING_SHARE's value beside the counts it comes from."""
    share = 100 * ratio(row["redeeming_buyers"], row["active_customers"])
    return pd.concat([row, pd.Series({REDEEMING_SHARE.key: share})])


def spend_gap(outcomes: pd.DataFrame, key: str) -> pd.DataFrame:
    """Per key: promoters' and detractors' spend per answer in the window after answering, and how much less
    detractors spend as a % of promoters' spend (negative: they spend more); low_n when either has under MIN_N
    answers. outcomes: nps_group_outcomes grouped by key (other keys are summed over)."""
    measures = pd.MultiIndex.from_product([["responses", "spend"], NPS_GROUPS])
    sums = (outcomes.pivot_table(index=key, columns="nps_group", values=["responses", "spend"], aggfunc="sum")
            .reindex(columns=measures).fillna(0))
    out = pd.DataFrame({"promoters": sums["responses", "Promoter"].astype("int64"),
                        "detractors": sums["responses", "Detractor"].astype("int64"),
                        "promoter_spend": ratio(sums["spend", "Promoter"], sums["responses", "Promoter"]),
                        "detractor_spend": ratio(sums["spend", "Detractor"], sums["responses", "Detractor"])})
    out["gap_share"] = 100 * ratio(out["promoter_spend"] - out["detractor_spend"], out["promoter_spend"])
    out["low_n"] = (out["promoters"] < MIN_N) | (out["detractors"] < MIN_N)
    return out.rename_axis(key).reset_index()


def redemption_by_month(points: pd.DataFrame) -> pd.DataFrame:
    """Adds the monthly redemption rate (points redeemed / points earned, in %)."""
    out = points.copy()
    out["redemption_rate"] = 100 * ratio(out["points_redeemed"], out["points_earned"])
    return out


def migration_paths(moves: pd.DataFrame) -> pd.DataFrame:
    """Tier moves as one Sankey step (tier on the first date -> tier on the second)."""
    return pd.DataFrame({"step": 1, "source": moves["tier_from"], "target": moves["tier_to"],
                         "customers": moves["customers"]})
