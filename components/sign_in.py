"""Who is at the browser, settled before a page reads anything: an identity provider (st.login), the built-in
users (`python cli.py users`), or, with neither configured, open access on this machine only.

The three ways, their settings and what they protect are in docs/security.md.
"""

from __future__ import annotations

import contextlib
import time
from collections.abc import Mapping
from typing import Any

import streamlit as st
from streamlit.errors import StreamlitSecretNotFoundError

from analytics.access import Principal, role_from_claims
from components.editor_state import plain
from data_access import audit, cache, identity, reads, users_store
from data_access.db import DatabaseError

LOOPBACK = frozenset({"127.0.0.1", "localhost", "::1"})
OPEN_ACCESS = Principal("open access", "admin", "open access")
FAILED_SIGN_IN_PAUSE = 1.0  # seconds after a wrong password: slows guessing, and each failure is in the audit trail
SIGNED_IN = "signed_in"  # session state: the Principal of a built-in user, or the audit mark of a provider's one


def _secrets() -> Mapping[str, Any]:
    """The secrets file's settings; none when there is no file. A broken file stops the page: failing open would
    serve everyone as if no sign-in were configured."""
    try:
        return {key: st.secrets[key] for key in ("auth", "cx_access") if key in st.secrets}
    except StreamlitSecretNotFoundError as error:
        if str(error).startswith("No secrets found"):  # no file at all: nothing configured
            return {}
        st.error(f"**The secrets file could not be read**, so nobody can sign in. {plain(str(error))}")
        st.stop()


def _stop_with_sign_in(show: Any) -> None:
    """The sign-in screen alone: no menu, no data."""
    st.title("CX Insight", anchor=False)
    show()
    st.stop()


def _provider_principal(auth: Mapping[str, Any], access: Mapping[str, Any]) -> Principal:
    """The person the identity provider signed in; their role from a users row, else from a claim."""
    providers = [name for name, value in auth.items()  # named providers ([auth.okta]); not tables like client_kwargs
                 if isinstance(value, Mapping) and ("client_id" in value or "server_metadata_url" in value)]
    if not st.user.is_logged_in:
        label = str(access.get("provider_label") or (providers[0] if providers else "your organisation"))

        def show() -> None:
            st.caption("Sign in to see your organisation's customer-experience data.")
            st.button(f"Sign in with {label}", type="primary", icon=":material/login:",
                      on_click=st.login, args=(providers[0],) if providers else ())
        _stop_with_sign_in(show)
    claims = st.user.to_dict()
    username = str(claims.get("email") or claims.get("sub") or "")
    name = str(claims.get("name") or username or "signed-in user")
    row = cache.run_recent(reads.access.user_row, username) if username else None
    if row is not None:
        return users_store.principal(row, "oidc", name)
    try:
        role = role_from_claims(claims, str(access.get("role_claim", "groups")), dict(access.get("roles", {})),
                                str(access.get("default_role", "viewer")))
    except ValueError as error:  # a typo in [cx_access]: refuse rather than guess a role
        st.error(f"**Sign-in is misconfigured** in [cx_access] of the secrets file: {plain(str(error))}.")
        st.stop()
    return Principal(name, role, "oidc")


def _password_form() -> None:
    """The built-in users' form; a wrong name or password gets one message for both, after a pause."""
    st.caption("Sign in with the user name and password your admin gave you.")
    with st.form("sign_in", border=True, width=420):
        username = st.text_input("User name", autocomplete="username")
        password = st.text_input("Password", type="password", autocomplete="current-password")
        if not st.form_submit_button("Sign in", type="primary", icon=":material/login:"):
            return
    found = cache.run_live(reads.access.verify_password, username, password)
    if found is None:
        time.sleep(FAILED_SIGN_IN_PAUSE)
        _record("sign-in failed", f"user name {username.strip()[:200]!r}", Principal(username.strip()[:200] or "?",
                                                                                     "viewer", "password"))
        st.error("Wrong user name or password.")
        return
    st.session_state[SIGNED_IN] = found
    _record("sign-in", "with a password", found)
    st.rerun()


def _record(action: str, what: str, who: Principal) -> None:
    """An audit entry that must not stop the page when it cannot be written (the trail says what it can)."""
    with contextlib.suppress(DatabaseError):
        cache.write(lambda engine: audit.recorded(engine, action, what, principal=who), cached_reads_change=False)


def _resolve() -> Principal:
    settings = _secrets()
    if "auth" in settings:
        found = _provider_principal(settings["auth"], settings.get("cx_access", {}))
        if st.session_state.get(SIGNED_IN) != found.name:  # once per browser session
            st.session_state[SIGNED_IN] = found.name
            _record("sign-in", "through the identity provider", found)
        return found
    if isinstance(st.session_state.get(SIGNED_IN), Principal):
        return st.session_state[SIGNED_IN]
    if cache.run_recent(reads.access.user_count):
        _stop_with_sign_in(_password_form)
    address = st.get_option("server.address")
    if address not in LOOPBACK:
        st.error(f"**No sign-in is configured**, and this server listens on {plain(str(address or 'every address'))}"
                 ": open access is only served on 127.0.0.1. Add a user (`python cli.py users add NAME --role "
                 "admin`) or configure an identity provider (docs/security.md), or run with --server.address "
                 "127.0.0.1.")
        st.stop()
    return OPEN_ACCESS


def signed_in() -> Principal:
    """The person this run acts for, also set for the stores (data_access.identity); stops at the sign-in screen."""
    found = _resolve()
    identity.set_current(found)
    return found


def _sign_out() -> None:
    if isinstance(st.session_state.get(SIGNED_IN), Principal):
        del st.session_state[SIGNED_IN]
    else:
        st.session_state.pop(SIGNED_IN, None)
        st.logout()


def sidebar_identity(principal: Principal) -> None:
    """Who is signed in, their role and scope, and the way out; or that access is open."""
    box = st.sidebar.container(border=True)
    if principal.via == "open access":
        box.caption(":material/lock_open: **Open access**: no sign-in is configured, so this app serves this "
                    "machine only (127.0.0.1). To serve a team, see docs/security.md.")
        return
    box.markdown(f":material/account_circle: {plain(principal.name)} · **{principal.role}**")
    if principal.scope.limited:
        box.caption(f"Limited to {plain(principal.scope.describe())}")
    box.button("Sign out", icon=":material/logout:", on_click=_sign_out, key="sign_out")


def not_allowed(principal: Principal, page: str) -> None:
    """A page above the person's role: say so, read nothing."""
    st.error(f"**Not allowed.** {plain(page)} needs a higher role than {principal.role}; ask an admin if you need "
             "it.", icon=":material/block:")
    st.stop()
