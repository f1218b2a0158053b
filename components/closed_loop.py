"""The detractor follow-up list (closed loop): counts by status, the view's unhappy answers and tickets newest first,
and a form that gives one an owner, a status and an outcome note. No SQL.

Comments and notes are shown in dataframe cells and select options (plain text), never through markdown; contact
details in comments are masked unless the switch shows them, and the item picker always masks them.
"""

from __future__ import annotations

import pandas as pd
import streamlit as st

from analytics.access import NotAllowed
from analytics.masking import mask_personal
from analytics.settings import DETRACTOR_UP_TO, LOW_CSAT_UP_TO
from analytics.workshop import MAX_NAME, MAX_TEXT, WorkshopError
from components.editor_state import plain
from components.page import Page
from components.tables import download_table
from components.voices import contact_details_toggle, shown_text
from data_access import cache, closed_loop_store, reads
from data_access.closed_loop_store import STATUSES
from data_access.db import DatabaseError
from data_access.reads.closed_loop import SPEND_DAYS

SNIPPET = 60  # characters of the comment in the item picker
COLUMNS = ["at", "age_days", "touchpoint", "measure", "score", "tier", "spend_12m", "text", "status", "owner",
           "outcome", "source_id"]
ALL = ""  # the status filter's "every status" option


def _column_config() -> dict:
    text = st.column_config.TextColumn
    return {"at": st.column_config.DatetimeColumn("Date", format="D MMM YYYY", width=100),
            "age_days": st.column_config.NumberColumn("Age (days)", format="%d", width=75,
                                                      help="Days from the answer or ticket to the data's last day."),
            "touchpoint": text("Touchpoint", width=130), "measure": text("Measure", width=90),
            "score": st.column_config.NumberColumn("Score", format="%d", width=60,
                                                   help="NPS 0-10, or the ticket's CSAT 1-5."),
            "tier": text("Tier", width=70),
            "spend_12m": st.column_config.NumberColumn("Spend, 12 months", format="%.2f", width=100,
                                                       help=f"The customer's net order amounts in the {SPEND_DAYS} "
                                                            "days before the answer or ticket."),
            "text": text("Comment", width="large"), "status": text("Status", width=85), "owner": text("Owner"),
            "outcome": text("Outcome"), "source_id": text("Answer or ticket", width=95)}


def _counts(summary: reads.closed_loop.FollowUpSummary) -> None:
    """One figure per status, and the median days to first contact."""
    *status_columns, days_column = st.columns(len(STATUSES) + 1)
    for column, status in zip(status_columns, STATUSES, strict=True):
        column.metric(status.capitalize(), f"{summary.counts[status]:,}")
    days = summary.median_days_to_contact
    days_column.metric("Median days to first contact", "–" if days is None else f"{days:.1f}",
                       help="From the answer or ticket to the first time its status left 'new'.")


def _text(value: object) -> str:
    """A stored text, or "" where there is none (None, or NaN in a text column)."""
    return value if isinstance(value, str) else ""


def _label(row: pd.Series) -> str:
    """How an item reads in the picker: date · touchpoint · score · the start of its comment, masked."""
    comment = mask_personal(_text(row["text"]).strip()) or "(no comment)"
    return f"{row['at']:%d %b %Y} · {row['touchpoint']} · {row['measure']} {row['score']} · {comment[:SNIPPET]}"


def _assign_form(items: pd.DataFrame, participant: str) -> None:
    """Pick an item, then its owner, status and outcome in one form; Save stores them and redraws the counts."""
    keys = items["source"] + ":" + items["source_id"]
    labels = dict(zip(keys, items.apply(_label, axis=1), strict=True))
    if st.session_state.get("followup_item") not in labels:  # saved out of the filtered list: start from the top
        st.session_state.pop("followup_item", None)
    chosen = st.selectbox("Item", list(labels), format_func=labels.get, key="followup_item")
    item = items[keys == chosen].iloc[0]
    with st.form(f"followup_form_{chosen}", border=False):  # one form per item, so its fields start from its row
        owner_column, status_column = st.columns([3, 2])
        owner = owner_column.text_input("Owner", value=_text(item["owner"]) or participant, max_chars=MAX_NAME,
                                        key=f"followup_owner_{chosen}")
        status = status_column.selectbox("Status", STATUSES, index=STATUSES.index(item["status"]),
                                         format_func=str.capitalize, key=f"followup_status_{chosen}")
        outcome = st.text_area("Outcome note", value=_text(item["outcome"]), max_chars=MAX_TEXT,
                               key=f"followup_outcome_{chosen}", placeholder="What the customer said, what was done.")
        if st.form_submit_button("Save", key=f"followup_save_{chosen}"):
            _save(item, participant, owner=owner, status=status, outcome=outcome)


def _save(item: pd.Series, participant: str, **fields: str) -> None:
    """Store an assignment; a mistake or a refused write is said in words, never as a traceback."""
    try:
        cache.write(lambda database: closed_loop_store.assign(database, item["source"], item["source_id"],
                                                              by=participant, **fields))
    except (WorkshopError, NotAllowed, DatabaseError) as error:
        st.error(plain(str(error)), icon=":material/error:")
    else:
        st.toast(plain(f"Saved: {fields['status']}, {fields['owner'].strip()}"), icon=":material/check:")
        st.rerun()  # the counts above were drawn before the save


def followup_list(page: Page, participant: str) -> None:
    """The closed loop for the page's view: counts by status, the list with a status filter, and assignment."""
    summary = reads.closed_loop.summary(page.filters)
    _counts(summary)
    if not summary.total:
        st.info(f"**Nobody to follow up in this view.** Detractors' answers (NPS 0-{DETRACTOR_UP_TO}) and tickets "
                f"rated {LOW_CSAT_UP_TO} or less of 5 are listed here: widen the period or clear a filter in the "
                "sidebar.")
        return
    filter_column, toggle_column = st.columns([2, 3], vertical_alignment="bottom")
    status = filter_column.selectbox("Status", [ALL, *STATUSES], key="followup_status",
                                     format_func=lambda s: s.capitalize() if s else "Every status")
    with toggle_column:
        reveal = contact_details_toggle("followup_unmask")
    items = reads.closed_loop.listed(page.filters, as_of=page.span[1], status=status or None)
    total = summary.counts[status] if status else summary.total
    if items.empty:
        st.info(f"**No item is {plain(status)}.** Choose another status above.")
        return
    st.caption(f"Showing {len(items):,} of {total:,} · newest first · {plain(page.describe())}")
    download_table(shown_text(items[COLUMNS], "text", reveal), "follow-ups", "followup_download", _column_config())
    if not cache.writable():
        st.caption("Read-only mode: follow-ups are shown but cannot be assigned.")
    elif not participant.strip():
        st.caption("Type your name for this session (in the sidebar) to assign items.")
    else:
        _assign_form(items, participant)
