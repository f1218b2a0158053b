"""The admin's view of access on the Data page: who may sign in, and the audit trail of who did what."""

from __future__ import annotations

import json

import streamlit as st

from components.tables import download_table
from data_access import reads
from data_access.audit import ACTIONS

AUDIT_ROWS = 200  # newest entries shown; `python cli.py audit --limit N` prints more


def _scope(values: str) -> str:
    return ", ".join(json.loads(values)) or "all"


def access_panel() -> None:
    """Users with role and scope (changed with `python cli.py users`), then the newest audit entries."""
    st.header("People and audit trail")
    users = reads.access.users_list()
    if users.empty:
        st.caption("No built-in users: people sign in through the identity provider, or access is open on this "
                   "machine. Add users with `python cli.py users add NAME --role viewer|analyst|admin`.")
    else:
        shown = users.assign(regions=users["regions"].map(_scope), tiers=users["tiers"].map(_scope),
                             sign_in=users["has_password"].map({True: "password", False: "identity provider"}))
        st.dataframe(shown[["username", "role", "regions", "tiers", "sign_in", "updated_by", "updated_at"]],
                     hide_index=True, column_config={
                         "username": "User", "role": "Role", "regions": "Regions", "tiers": "Tiers",
                         "sign_in": "Signs in with", "updated_by": "Changed by",
                         "updated_at": st.column_config.DatetimeColumn("Changed (UTC)", format="D MMM YYYY, HH:mm")})
        st.caption("Change them with `python cli.py users add|remove|set-role|set-scope|set-password`.")
    action = st.selectbox("Audit trail: show", ("every action", *ACTIONS), key="audit_action")
    trail = reads.access.audit_trail(AUDIT_ROWS, None if action == "every action" else action)
    if trail.empty:
        st.caption("Nothing recorded yet.")
        return
    st.caption(f"The newest {len(trail):,} entries; `python cli.py audit` prints them all.")
    download_table(trail, "audit-trail", "audit_download", {
        "happened_at": st.column_config.DatetimeColumn("When (UTC)", format="D MMM YYYY, HH:mm:ss"),
        "actor": "Who", "via": "Signed in with", "action": "Action", "what": "What",
        "row_count": st.column_config.NumberColumn("Rows", format="localized")})
