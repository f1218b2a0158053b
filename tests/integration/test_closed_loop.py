"""The closed loop on DuckDB and PostgreSQL: which answers and tickets are listed, their order, the 12-month spend
and the counts by status, all worked out by hand from the small data set below; and what an assignment stores."""

from __future__ import annotations

from datetime import date, datetime

import pandas as pd
import pytest
import sqlalchemy as sa

from analytics.workshop import WorkshopError
from data_access import closed_loop_store
from data_access.filters import NO_TIER, Filters
from data_access.loaders import import_dataset
from data_access.reads import closed_loop as reads
from data_access.schema import closed_loop
from data_access.settings import ReadOnlyError
from tests.conftest import BACKENDS, Databases

DATA = {
    "customers": pd.DataFrame({"customer_id": ["C1", "C2", "C3"], "joined_at": ["2020-01-01"] * 3,
                               "tier": ["Gold", "Bronze", None]}),
    "touchpoints": pd.DataFrame({"touchpoint": ["Home delivery"], "stage": ["Receive"], "stage_order": [3]}),
    "survey": pd.DataFrame({
        "response_id": ["R1", "R2", "R3", "R4", "R5"],
        "customer_id": ["C1", "C2", "C2", "C1", "C3"],
        "submitted_at": ["2025-01-10 09:00", "2025-01-20 09:00", "2025-01-25 12:00", "2025-02-05 09:00",
                         "2025-01-05 09:00"],
        "touchpoint": ["Home delivery"] * 5,
        "nps": [3, 8, 6, 0, 9],  # a detractor, a passive, a detractor at the line, one in February, a promoter
        "comment": ["Late again, call me on 07700 900123", "Fine", None, "Broken", "Great"],
    }),
    "service": pd.DataFrame({
        "ticket_id": ["T1", "T2", "T3"], "customer_id": ["C3", "C1", "C2"],
        "opened_at": ["2025-01-15 10:00", "2025-01-18 10:00", "2025-01-28 12:00"],
        "category": ["Delivery", "Delivery", None], "csat": [2, 3, 1],
        "description": ["Parcel lost", "Slow", "Refund missing"],
    }),
    "purchases": pd.DataFrame({
        "order_id": ["O1", "O2", "O3", "O4", "O5", "O6"],
        "customer_id": ["C1", "C1", "C1", "C1", "C2", "C2"],
        "ordered_at": ["2024-01-09 10:00", "2024-06-01 10:00", "2024-12-24 10:00", "2025-01-10 10:00",
                       "2024-03-01 10:00", "2025-01-22 10:00"],
        "amount": [500.0, 100.0, -20.0, 50.0, 40.0, 30.0],
    }),
}
JANUARY = Filters(date(2025, 1, 1), date(2025, 1, 31))
AS_OF = date(2025, 1, 31)


@pytest.fixture(scope="module", params=BACKENDS)
def database(request, tmp_path_factory):
    """DATA in a fresh database of each backend, loaded once."""
    made = Databases(tmp_path_factory.mktemp("closed-loop"), request)
    engine = made.engine(request.param)
    for name, data in DATA.items():
        import_dataset(engine, name, data, name=name)
    yield engine
    made.close()


@pytest.fixture
def loaded(database):
    """The database, with no follow-up left behind by the test."""
    yield database
    with database.begin() as conn:
        conn.execute(sa.delete(closed_loop))


def listed(engine, filters: Filters = JANUARY, **options) -> pd.DataFrame:
    with engine.connect() as conn:
        return reads.listed.on(conn, filters, as_of=AS_OF, **options)


def summary(engine, filters: Filters = JANUARY) -> reads.FollowUpSummary:
    with engine.connect() as conn:
        return reads.summary.on(conn, filters)


def assign(engine, source: str, source_id: str, status: str, owner: str = "Ana", outcome: str = "") -> None:
    closed_loop_store.assign(engine, source, source_id, owner=owner, status=status, outcome=outcome, by="Lead")


def first_contacts(engine) -> dict[str, datetime | None]:
    with engine.connect() as conn:
        return dict(conn.execute(sa.select(closed_loop.c.source_id, closed_loop.c.first_contact_at)).all())


def test_detractors_and_low_csat_tickets_newest_first_with_spend_and_age(loaded):
    items = listed(loaded)
    assert items["source_id"].tolist() == ["T3", "R3", "T1", "R1"]  # no passive, promoter, CSAT 3 or February
    assert items["source"].tolist() == ["ticket", "answer", "ticket", "answer"]
    assert items["touchpoint"].tolist() == ["Service", "Home delivery", "Delivery", "Home delivery"]
    assert items["measure"].tolist() == ["Ticket CSAT", "NPS", "Ticket CSAT", "NPS"]
    assert items["score"].tolist() == [1, 6, 2, 3]
    assert items["tier"].tolist() == ["Bronze", "Bronze", NO_TIER, "Gold"]
    assert items["text"].tolist()[2:] == ["Parcel lost", "Late again, call me on 07700 900123"]  # stored as written
    # R1 (10 Jan 09:00): O2 100 and the return O3 -20; O1 is 367 days before, O4 after. C2: O5 40 and O6 30.
    assert items["spend_12m"].tolist() == pytest.approx([70.0, 70.0, 0.0, 80.0])
    assert items["age_days"].tolist() == [3, 6, 16, 21]
    assert set(items["status"]) == {"new"} and items["owner"].isna().all()


@pytest.mark.parametrize(("filters", "expected"), [
    (Filters(date(2025, 1, 1), date(2025, 1, 31), tiers=("Gold",)), ["R1"]),
    (Filters(date(2025, 1, 1), date(2025, 1, 31), tiers=(NO_TIER,)), ["T1"]),
    (Filters(date(2025, 2, 1), date(2025, 2, 28)), ["R4"]),
    (Filters(), ["R4", "T3", "R3", "T1", "R1"]),
])
def test_the_global_filters_choose_the_items(loaded, filters, expected):
    assert listed(loaded, filters)["source_id"].tolist() == expected
    assert summary(loaded, filters).total == len(expected)


def test_the_limit_keeps_the_newest(loaded):
    assert listed(loaded, limit=2)["source_id"].tolist() == ["T3", "R3"]


def test_an_assignment_shows_and_first_contact_is_set_once(loaded):
    assign(loaded, "ticket", "T1", "new", outcome="  ")
    assert first_contacts(loaded) == {"T1": None}  # still new: not contacted yet
    assign(loaded, "answer", "R1", "contacted", outcome="Left a message")
    contacted = first_contacts(loaded)["R1"]
    assert contacted is not None
    assign(loaded, "answer", "R1", "resolved", owner="Bo", outcome="Refunded the delivery fee")
    assert first_contacts(loaded)["R1"] == contacted  # a later status keeps the first contact
    items = listed(loaded).set_index("source_id")
    assert items.loc["R1", ["status", "owner", "outcome"]].tolist() == ["resolved", "Bo", "Refunded the delivery fee"]
    assert items.loc["T1", ["status", "owner"]].tolist() == ["new", "Ana"] and pd.isna(items.loc["T1", "outcome"])
    assert listed(loaded, status="resolved")["source_id"].tolist() == ["R1"]
    assert listed(loaded, status="new")["source_id"].tolist() == ["T3", "R3", "T1"]
    with loaded.connect() as conn:
        row = conn.execute(sa.select(closed_loop).where(closed_loop.c.source_id == "R1")).one()
    assert (row.source, row.updated_by) == ("answer", "Lead")


def test_counts_by_status_and_median_days_to_first_contact(loaded):
    assert summary(loaded) == reads.FollowUpSummary({"new": 4, "contacted": 0, "resolved": 0, "no reply": 0}, None)
    assign(loaded, "answer", "R1", "resolved")
    assign(loaded, "ticket", "T3", "contacted")
    assign(loaded, "answer", "R3", "no reply")
    assign(loaded, "answer", "R4", "contacted")  # February: outside the view
    contacts = {"R1": datetime(2025, 1, 12, 9), "T3": datetime(2025, 2, 1), "R3": datetime(2025, 1, 26, 12),
                "R4": datetime(2025, 2, 6, 9)}
    with loaded.begin() as conn:  # the days by hand: R1 2.0, T3 3.5, R3 1.0 (R4 is outside January)
        for source_id, at in contacts.items():
            conn.execute(sa.update(closed_loop).where(closed_loop.c.source_id == source_id)
                         .values(first_contact_at=at))
    result = summary(loaded)
    assert result.counts == {"new": 1, "contacted": 1, "resolved": 1, "no reply": 1}
    assert result.median_days_to_contact == pytest.approx(2.0)


@pytest.mark.parametrize(("change", "message"), [
    ({"status": "closed"}, "Unknown status 'closed'"),
    ({"owner": "  "}, "Type a name for the owner first"),
    ({"source": "order"}, "Unknown kind of item 'order'"),
    ({"outcome": "x" * 2001}, "2,001 characters long"),
])
def test_an_assignment_a_person_can_correct_is_refused_with_a_reason(loaded, change, message):
    arguments = {"source": "answer", "owner": "Ana", "status": "contacted", "outcome": ""} | change
    source = arguments.pop("source")
    with pytest.raises(WorkshopError, match=message):
        closed_loop_store.assign(loaded, source, "R1", by="Lead", **arguments)
    assert first_contacts(loaded) == {}


def test_read_only_mode_refuses_to_assign(loaded, monkeypatch):
    monkeypatch.setenv("CX_READ_ONLY", "1")
    with pytest.raises(ReadOnlyError, match="follow-ups are shown but not assigned"):
        assign(loaded, "answer", "R1", "contacted")
    monkeypatch.delenv("CX_READ_ONLY")
    assert first_contacts(loaded) == {}


def test_without_the_closed_loop_table_every_item_is_new(loaded):
    assign(loaded, "answer", "R1", "contacted")
    with loaded.connect() as conn, conn.begin() as dropped:  # a read-only warehouse lacks the table; rolled back
        conn.execute(sa.text("DROP TABLE closed_loop"))
        assert set(reads.listed.on(conn, JANUARY, as_of=AS_OF)["status"]) == {"new"}
        assert reads.summary.on(conn, JANUARY).counts["new"] == 4
        dropped.rollback()
