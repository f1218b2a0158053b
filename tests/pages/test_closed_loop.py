"""The follow-up list (components.closed_loop) in AppTest, on a page of its own (closed_loop_app.py): counts, the
list as the read gives it, contact details masked until asked for, an assignment saved and counted, empty states."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pandas as pd
import pytest
import streamlit as st
from streamlit.testing.v1 import AppTest

from components import page as page_module
from data_access import cache
from data_access.db import open_database
from data_access.filters import Filters
from data_access.loaders import import_dataset
from data_access.reads import closed_loop

SCRIPT = Path(__file__).with_name("closed_loop_app.py")
LAST_12_MONTHS = Filters(date(2025, 11, 1), date(2026, 10, 31))
DATA_END = date(2026, 10, 31)
CONTACT = "Ring me on 07700 900123 or write to jane.doe@example.com, card 4111 1111 1111 1111 was charged twice"
MASKED = "Ring me on [phone] or write to [e-mail], card [card number] was charged twice"


@pytest.fixture
def followups_on(monkeypatch):
    """The follow-up list on a database URL, as a participant; caches emptied, as every page test starts."""
    monkeypatch.setattr(page_module, "_menu", lambda *_: None)  # its links are relative to app.py

    def make(url: str, participant: str = "Ana") -> AppTest:
        monkeypatch.setenv("CX_DATABASE_URL", url)
        st.cache_resource.clear()
        st.cache_data.clear()
        at = AppTest.from_file(str(SCRIPT), default_timeout=60)
        at.session_state["participant"] = participant
        return at.run()
    yield make
    cache.release_embedded_file()


@pytest.fixture
def demo_with_contact(demo_copy) -> str:
    """The demo company plus the newest detractor, whose comment holds a phone number, an address and a card."""
    engine = open_database(f"duckdb:///{demo_copy}")
    import_dataset(engine, "survey", pd.DataFrame({
        "response_id": ["R9999999"], "customer_id": ["C000001"], "submitted_at": ["2026-10-31 23:30:00"],
        "touchpoint": ["Home delivery"], "channel": ["web"], "nps": [2], "comment": [CONTACT]}), name="contact")
    engine.dispose()
    return f"duckdb:///{demo_copy}"


def metrics(at: AppTest) -> dict[str, str]:
    return {m.label: m.value for m in at.metric}


def table(at: AppTest) -> pd.DataFrame:
    return next(d.value for d in at.dataframe if "source_id" in d.value.columns)


def expected(url: str, **options) -> tuple[pd.DataFrame, closed_loop.FollowUpSummary]:
    engine = open_database(url)
    with engine.connect() as conn:
        found = (closed_loop.listed.on(conn, LAST_12_MONTHS, as_of=DATA_END, **options),
                 closed_loop.summary.on(conn, LAST_12_MONTHS))
    engine.dispose()
    return found


def test_the_list_counts_and_masks_contact_details_until_asked(followups_on, demo_with_contact):
    at = followups_on(demo_with_contact)
    assert not at.exception, at.exception
    items, summary = expected(demo_with_contact)
    assert metrics(at)["New"] == f"{summary.counts['new']:,}" and metrics(at)["Contacted"] == "0"
    assert metrics(at)["Median days to first contact"] == "–"
    shown = table(at)
    assert shown["source_id"].tolist() == items["source_id"].tolist() and shown["source_id"].iloc[0] == "R9999999"
    assert shown["text"].iloc[0] == MASKED
    assert any(c.value.startswith(f"Showing 200 of {summary.total:,} · newest first") for c in at.caption)
    picker = at.selectbox(key="followup_item")
    assert picker.options[0] == f"31 Oct 2026 · Home delivery · NPS 2 · {MASKED[:60]}"
    assert not at.toggle(key="followup_unmask").value
    at.toggle(key="followup_unmask").set_value(True).run()
    assert table(at)["text"].iloc[0] == CONTACT
    assert at.selectbox(key="followup_item").options[0].endswith(MASKED[:60])  # the picker always masks


def test_saving_an_assignment_changes_the_counts_and_the_row(followups_on, demo_with_contact):
    at = followups_on(demo_with_contact)
    new = int(metrics(at)["New"].replace(",", ""))
    chosen = at.selectbox(key="followup_item").value
    assert chosen == "answer:R9999999"
    assert at.text_input(key=f"followup_owner_{chosen}").value == "Ana"  # the participant, until someone owns it
    at.text_input(key=f"followup_owner_{chosen}").input("Bo Jensen")
    at.selectbox(key=f"followup_status_{chosen}").select("contacted")
    at.text_area(key=f"followup_outcome_{chosen}").input("Refund sent; **thanks** <b>ok</b>")
    at.button(key=f"followup_save_{chosen}").click().run()
    assert not at.exception and not at.error
    assert metrics(at)["New"] == f"{new - 1:,}" and metrics(at)["Contacted"] == "1"
    assert metrics(at)["Median days to first contact"] != "–"
    row = table(at).iloc[0]
    assert (row["status"], row["owner"], row["outcome"]) == ("contacted", "Bo Jensen",
                                                             "Refund sent; **thanks** <b>ok</b>")  # as typed
    at.selectbox(key="followup_status").select("contacted").run()
    assert table(at)["source_id"].tolist() == ["R9999999"]
    assert any(c.value.startswith("Showing 1 of 1 ·") for c in at.caption)


def test_a_refused_assignment_is_a_message_not_a_traceback(followups_on, demo_with_contact):
    at = followups_on(demo_with_contact)
    chosen = at.selectbox(key="followup_item").value
    at.text_input(key=f"followup_owner_{chosen}").input(" ")
    at.button(key=f"followup_save_{chosen}").click().run()
    assert not at.exception
    assert at.error[0].value == "Type a name for the owner first."
    assert metrics(at)["Contacted"] == "0"


def test_without_a_name_or_in_read_only_mode_nothing_can_be_assigned(followups_on, demo_url, monkeypatch):
    at = followups_on(demo_url, participant="")
    assert not at.exception and table(at) is not None
    assert not any(s.key == "followup_item" for s in at.selectbox)
    assert any(c.value == "Type your name for this session (in the sidebar) to assign items." for c in at.caption)
    monkeypatch.setenv("CX_READ_ONLY", "1")
    at = followups_on(demo_url)
    assert not at.exception
    assert not any(s.key == "followup_item" for s in at.selectbox)
    assert any(c.value.startswith("Read-only mode: follow-ups are shown") for c in at.caption)


def test_a_view_with_nobody_to_follow_up_says_what_to_do(followups_on, databases):
    url = databases.url("duckdb", migrated=True)
    engine = open_database(url)
    import_dataset(engine, "survey", pd.DataFrame({
        "response_id": ["R1", "R2"], "customer_id": ["C1", "C2"],
        "submitted_at": ["2026-10-01 09:00", "2026-10-02 09:00"], "touchpoint": ["Home delivery"] * 2,
        "nps": [9, 10]}), name="promoters")
    engine.dispose()
    at = followups_on(url)
    assert not at.exception
    assert metrics(at)["New"] == "0"
    assert at.info[0].value.startswith("**Nobody to follow up in this view.**")
    assert not any("source_id" in d.value.columns for d in at.dataframe)
