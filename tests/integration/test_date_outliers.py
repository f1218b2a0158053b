"""One bad date must not move the whole app (issue 15, finding 6), on DuckDB and PostgreSQL: dates before
EARLIEST_DATE or after today are rejected by row with a reason unless allowed, and the span every page hangs on
stays the real data's when such dates are stored."""

from __future__ import annotations

from datetime import date

import pandas as pd

from data_access.loaders import import_dataset
from data_access.reads import status

TODAY = date(2026, 12, 1)
ORDERS = pd.DataFrame({"order_id": ["O1", "O2", "O3", "O4", "O5"], "customer_id": ["C1"] * 5,
                       "ordered_at": ["2026-10-01 10:00", "2099-01-01", "1900-01-01", "2026-11-30", "2026-12-03"],
                       "amount": [10.0] * 5})


def test_dates_before_2000_or_after_today_are_rejected_by_row_with_a_reason(engine):
    report = import_dataset(engine, "purchases", ORDERS, name="orders.csv", today=TODAY)
    assert report.inserted == 3
    rejected = report.rejections.set_index("row")
    assert list(rejected.index) == [3, 4]
    assert list(rejected["file"]) == ["orders.csv"] * 2 and set(rejected["column"]) == {"ordered_at"}
    assert rejected.loc[3, "reason"] == "a date after today (2026-12-01); allow any date if this is intended"
    assert rejected.loc[4, "reason"] == "a date before 2000-01-01; allow any date if this is intended"


def test_allowed_outliers_are_stored_and_the_span_stays_the_real_datas(engine):
    report = import_dataset(engine, "purchases", ORDERS, allow_any_date=True, today=TODAY)
    assert (report.inserted, report.rejected) == (5, 0)
    with engine.connect() as conn:
        assert status.data_date_range(conn, today=TODAY) == (date(2026, 10, 1), date(2026, 12, 3))


def test_data_all_outside_the_window_still_has_a_span(engine):
    import_dataset(engine, "purchases", ORDERS.iloc[[2]], allow_any_date=True, today=TODAY)
    with engine.connect() as conn:
        assert status.data_date_range(conn, today=TODAY) == (date(1900, 1, 1), date(1900, 1, 1))


def test_the_cli_rejects_outlying_dates_unless_allow_any_date(tmp_path, capsys):
    import cli

    path = tmp_path / "orders.csv"
    ORDERS.to_csv(path, index=False)
    url = f"duckdb:///{tmp_path / 'cx.duckdb'}"
    assert cli.main(["import", "purchases", str(path), "--database-url", url]) == 0
    assert "allow any date if this is intended" in capsys.readouterr().out
    assert cli.main(["import", "purchases", str(path), "--database-url", url, "--allow-any-date"]) == 0
    out = capsys.readouterr().out
    assert "2 inserted" in out and "0 rows rejected" in out, out
