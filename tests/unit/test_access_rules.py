"""The access rules on their own: roles, pages, claims and scope (analytics/access.py)."""

import pytest

from analytics.access import PAGE_CAPABILITY, NotAllowed, Principal, Scope, role_from_claims
from components.page import PAGES

VIEWER, ANALYST, ADMIN = (Principal(role, role, "password") for role in ("viewer", "analyst", "admin"))
VIEWER_PAGES = {"app.py", "pages/1_Journey_map.py", "pages/2_Touchpoints.py", "pages/3_Loyalty.py",
                "pages/4_Service.py"}


def test_each_role_opens_the_pages_the_issue_lists():
    scripts = {script for script, _, _ in PAGES}
    assert {s for s in scripts if VIEWER.may_open(s)} == VIEWER_PAGES
    assert {s for s in scripts if ANALYST.may_open(s)} == VIEWER_PAGES | {"pages/5_Voices.py", "pages/7_Workshop.py"}
    assert {s for s in scripts if ADMIN.may_open(s)} == scripts


def test_every_page_in_the_menu_has_a_rule_and_a_page_without_one_is_for_admins_only():
    assert {script for script, _, _ in PAGES} == set(PAGE_CAPABILITY)
    assert not ANALYST.may_open("pages/8_New_page.py")
    assert ADMIN.may_open("pages/8_New_page.py")


@pytest.mark.parametrize(("principal", "capability", "allowed"), [
    (VIEWER, "read", True), (VIEWER, "export", False), (VIEWER, "unmasked_text", False),
    (VIEWER, "workshop", False), (ANALYST, "export", True), (ANALYST, "unmasked_text", True),
    (ANALYST, "workshop", True), (ANALYST, "import", False), (ANALYST, "users", False), (ADMIN, "import", True),
    (ADMIN, "users", True), (ADMIN, "audit", True)])
def test_capabilities_follow_the_role_order(principal, capability, allowed):
    assert principal.may(capability) is allowed


def test_a_refusal_names_what_was_refused_and_the_role_it_needs():
    with pytest.raises(NotAllowed, match="importing, removing and re-scoring data needs the admin role, and "
                                         "analyst is analyst"):
        ANALYST.require("import")
    ADMIN.require("import")  # no error


@pytest.mark.parametrize(("claims", "role"), [
    ({"groups": ["cx-analysts"]}, "analyst"),
    ({"groups": ["staff", "cx-admins", "cx-analysts"]}, "admin"),  # the highest of the mapped groups
    ({"groups": "cx-admins"}, "admin"),  # a single value, not a list
    ({"groups": ["staff"]}, "viewer"),  # no mapped group: the default
    ({}, "viewer"),
])
def test_a_claim_maps_to_the_highest_role_it_names(claims, role):
    roles = {"cx-analysts": "analyst", "cx-admins": "admin"}
    assert role_from_claims(claims, "groups", roles, "viewer") == role


def test_a_claim_map_to_an_unknown_role_is_an_error_not_a_silent_viewer():
    with pytest.raises(ValueError, match="unknown role 'superuser'"):
        role_from_claims({"groups": ["x"]}, "groups", {"x": "superuser"}, "viewer")


def test_scope_cuts_filter_choices_and_says_what_it_keeps():
    scope = Scope(regions=("North",), tiers=("Gold", "Silver"))
    options = {"regions": ["North", "South"], "segments": ["B2B", "B2C"], "channels": ["web"]}
    assert scope.narrowed(options) == {"regions": ["North"], "segments": ["B2B", "B2C"], "channels": ["web"]}
    assert scope.describe() == "regions: North · tiers: Gold, Silver"
    assert Scope().narrowed(options) == options
    assert not Scope().limited and scope.limited


def test_the_app_listens_on_this_machine_only_unless_told_otherwise():
    """Finding 1: `make run` and a bare `streamlit run app.py` both serve 127.0.0.1; another address needs sign-in
    (tests/pages/test_access.py checks the app refuses open access there)."""
    import tomllib
    from pathlib import Path

    root = Path(__file__).resolve().parents[2]
    config = tomllib.loads((root / ".streamlit" / "config.toml").read_text())
    assert config["server"]["address"] == "127.0.0.1"
    makefile = (root / "Makefile").read_text()
    assert "ADDRESS ?= 127.0.0.1" in makefile and "--server.address $(ADDRESS)" in makefile
