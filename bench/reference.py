"""The side-by-side reference: the Overview and Loyalty KPIs computed the way a typical Streamlit dashboard
does it (every row read into pandas, joined and grouped there) against the app's way (aggregated in the
engine, small frames back), each in a fresh process so time and peak memory are its own.

    python -m bench.reference --mode pandas|app --kpis overview|loyalty --url URL --period START END \
        --comparison START END

The pandas side gets the fastest read there is (the driver's own columnar fetch, not pd.read_sql row by
row), so the comparison flatters the reference, not the app. Both sides finish with the same pure
analytics (summarise, tier_kpis, overall), and the parent checks that their numbers agree.
"""

from __future__ import annotations

import argparse
import math
from datetime import date, datetime, time, timedelta

import pandas as pd
import sqlalchemy as sa
from sqlalchemy.engine import make_url

from analytics import loyalty
from analytics.survey import summarise
from bench.common import current_rss_mb, emit, peak_rss_mb, timed
from data_access.db import create_engine
from data_access.filters import NO_TIER, Filters
from data_access.reads import loyalty as loyalty_reads
from data_access.reads import survey

SURVEY_KPIS = ("nps", "nps_margin", "csat", "ces", "sentiment", "negative_share", "responses")
LOYALTY_KPIS = ("customers", "active_customers", "orders", "revenue", "orders_per_customer", "average_order_value",
                "repeat_rate", "retention", "redemption_rate", "breakage")
CUSTOMER_COLUMNS = ["customer_id", "joined_at", "tier", "segment", "region"]


# The pandas way ---------------------------------------------------------------------------------------------

def read_all(url: str) -> dict[str, pd.DataFrame]:
    """Every row of the three tables, with customer attributes merged onto answers and orders."""
    parsed = make_url(url)
    if parsed.get_backend_name() == "duckdb":
        import duckdb

        con = duckdb.connect(parsed.database, read_only=True)
        tables = {name: con.execute(f"SELECT * FROM {name}").df()  # fixed table names, never input
                  for name in ("survey_responses", "customers", "purchases")}
        con.close()
    else:
        engine = sa.create_engine(url)
        tables = {name: pd.read_sql_table(name, engine) for name in ("survey_responses", "customers", "purchases")}
        engine.dispose()
    customers = tables["customers"]
    attributes = customers[CUSTOMER_COLUMNS]
    return {"customers": customers,
            "survey": tables["survey_responses"].merge(attributes, on="customer_id", how="left"),
            "orders": tables["purchases"].merge(attributes, on="customer_id", how="left")}


def _between(column: pd.Series, filters: Filters) -> pd.Series:
    start = datetime.combine(filters.start, time.min)
    end = datetime.combine(filters.end + timedelta(days=1), time.min)
    return (column >= start) & (column < end)


def _tier_in(tier: pd.Series, filters: Filters) -> pd.Series:
    if not filters.tiers:
        return pd.Series(True, index=tier.index)
    return tier.fillna(NO_TIER).isin(filters.tiers)


def survey_counts(survey: pd.DataFrame, filters: Filters, by: tuple[str, ...] = ()) -> pd.DataFrame:
    """The counts reads.survey.counts returns, from the rows in memory."""
    rows = survey.loc[_between(survey["submitted_at"], filters) & _tier_in(survey["tier"], filters)]
    nps, csat, ces, sentiment = (rows[c].astype("float64") for c in ("nps", "csat", "ces", "sentiment"))
    counts = pd.DataFrame({
        "responses": 1, "promoters": nps >= 9, "passives": nps.between(7, 8), "detractors": nps <= 6,
        "csat_n": csat.notna(), "csat_top2": csat >= 4, "ces_n": ces.notna(), "ces_sum": ces.fillna(0),
        "ces_squares": (ces * ces).fillna(0), "sentiment_n": sentiment.notna(), "sentiment_sum": sentiment.fillna(0),
        "sentiment_squares": (sentiment * sentiment).fillna(0),
        "sentiment_negative": rows["sentiment_band"] == "negative",
    }, index=rows.index).astype("float64")
    if not by:
        return counts.sum().to_frame().T
    keys = {"tier": rows["tier"].fillna(NO_TIER)}
    return counts.groupby([keys[k] for k in by]).sum().reset_index()


def _orders_per_customer(orders: pd.DataFrame, filters: Filters) -> pd.DataFrame:
    """Purchase orders (amount > 0), returns (amount < 0), gross sales and net revenue per customer (metrics.md)."""
    rows = orders.loc[_between(orders["ordered_at"], filters)]
    rows = rows.assign(purchase=rows["amount"] > 0, refund=rows["amount"] < 0,
                       gross=rows["amount"].where(rows["amount"] > 0, 0.0))
    return rows.groupby("customer_id").agg(orders=("purchase", "sum"), returns=("refund", "sum"),
                                           gross_sales=("gross", "sum"), revenue=("amount", "sum"),
                                           earned=("points_earned", "sum"), redeemed=("points_redeemed", "sum"))


def loyalty_by_tier(customers: pd.DataFrame, orders: pd.DataFrame, filters: Filters) -> pd.DataFrame:
    """The sums reads.loyalty.by_tier returns, from the rows in memory."""
    people = customers.loc[(customers["joined_at"] <= pd.Timestamp(filters.end))
                           & _tier_in(customers["tier"], filters), ["customer_id", "tier"]]
    current = _orders_per_customer(orders, filters)
    previous = _orders_per_customer(orders, filters.previous_period()).add_prefix("previous_")
    joined = people.join(current, on="customer_id").join(previous, on="customer_id")
    active, before = joined["orders"].fillna(0) > 0, joined["previous_orders"].fillna(0) > 0
    sums = pd.DataFrame({
        "tier": joined["tier"].fillna(NO_TIER), "customers": 1, "active_customers": active,
        "orders": joined["orders"].fillna(0), "returns": joined["returns"].fillna(0),
        "gross_sales": joined["gross_sales"].fillna(0.0), "revenue": joined["revenue"].fillna(0.0),
        "repeat_buyers": joined["orders"] >= 2, "previous_buyers": before, "retained": active & before,
        "points_earned": joined["earned"].fillna(0), "points_redeemed": joined["redeemed"].fillna(0),
        "points_unredeemed": joined["earned"].where(joined["redeemed"] == 0).fillna(0),
    })
    return sums.groupby("tier").sum().reset_index()


class PandasSource:
    """Reads answer the same questions as data_access.reads, over frames held in memory."""

    def __init__(self, url: str):
        self.data = read_all(url)

    def survey_counts(self, filters: Filters, by: tuple[str, ...] = ()) -> pd.DataFrame:
        return survey_counts(self.data["survey"], filters, by)

    def loyalty_by_tier(self, filters: Filters) -> pd.DataFrame:
        return loyalty_by_tier(self.data["customers"], self.data["orders"], filters)


class EngineSource:
    """The app's way: named queries aggregating in the engine, run as data_access.cache runs every read."""

    def __init__(self, url: str):
        self.engine = create_engine(url)

    def _read(self, query, *args, **kwargs) -> pd.DataFrame:
        from data_access.cache import run_read

        return run_read(self.engine, lambda conn: query(conn, *args, **kwargs))

    def survey_counts(self, filters: Filters, by: tuple[str, ...] = ()) -> pd.DataFrame:
        return self._read(survey.counts.on, filters, by=by)

    def loyalty_by_tier(self, filters: Filters) -> pd.DataFrame:
        return self._read(loyalty_reads.by_tier.on, filters)


# The KPIs both ways compute -------------------------------------------------------------------------------

def _numbers(row: pd.Series, names: tuple[str, ...]) -> dict[str, float | None]:
    out = {}
    for name in names:
        value = float(row[name])
        out[name] = None if math.isnan(value) else value
    return out


def overview_kpis(source, filters: Filters, comparison: Filters) -> dict:
    """The Overview's KPI row: survey and loyalty KPIs now and in the comparison period."""
    result = {}
    for label, period in (("now", filters), ("before", comparison)):
        survey = summarise(source.survey_counts(period)).iloc[0]
        buying = loyalty.overall(source.loyalty_by_tier(period))
        result[label] = {**_numbers(survey, SURVEY_KPIS), **_numbers(buying, LOYALTY_KPIS)}
    return result


def loyalty_kpis(source, filters: Filters, comparison: Filters) -> dict:
    """The Loyalty page's tier grid: loyalty KPIs per tier with each tier's NPS and sentiment."""
    tiers = loyalty.tier_kpis(source.loyalty_by_tier(filters)).merge(
        summarise(source.survey_counts(filters, by=("tier",)))[["tier", "nps", "nps_margin", "sentiment"]],
        on="tier", how="left")
    return {row["tier"]: _numbers(row, (*LOYALTY_KPIS, "nps", "nps_margin", "sentiment"))
            for _, row in tiers.iterrows()}


KPIS = {"overview": overview_kpis, "loyalty": loyalty_kpis}
SOURCES = {"pandas": PandasSource, "app": EngineSource}


def agree(a: dict, b: dict, tolerance: float = 1e-6) -> bool:
    """The same keys and the same numbers (relative tolerance), walked recursively."""
    if isinstance(a, dict) and isinstance(b, dict):
        return a.keys() == b.keys() and all(agree(a[k], b[k], tolerance) for k in a)
    if a is None or b is None:
        return a is None and b is None
    return math.isclose(a, b, rel_tol=tolerance, abs_tol=tolerance)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--mode", choices=list(SOURCES), required=True)
    parser.add_argument("--kpis", choices=list(KPIS), required=True)
    parser.add_argument("--url", required=True)
    parser.add_argument("--period", nargs=2, type=date.fromisoformat, required=True)
    parser.add_argument("--comparison", nargs=2, type=date.fromisoformat, required=True)
    args = parser.parse_args(argv)
    filters, comparison = Filters(*args.period), Filters(*args.comparison)
    baseline = current_rss_mb()  # every module either side needs is imported by now
    read_seconds, source = timed(lambda: SOURCES[args.mode](args.url))
    compute_seconds, kpis = timed(lambda: KPIS[args.kpis](source, filters, comparison))
    peak = peak_rss_mb()
    emit({"mode": args.mode, "kpis": args.kpis, "read_seconds": read_seconds, "compute_seconds": compute_seconds,
          "seconds": read_seconds + compute_seconds, "baseline_rss_mb": baseline, "peak_rss_mb": peak,
          "added_rss_mb": peak - baseline, "result": kpis})


if __name__ == "__main__":
    main()
