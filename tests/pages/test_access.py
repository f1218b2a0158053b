"""Sign-in and roles in the app (components/sign_in.py, components/page.py), with AppTest.

The identity provider's own round trip runs in Chromium (tests/browser/test_sign_in_oidc.py); here AppTest's
`user` stands for what st.login returns.
"""

import pytest
import sqlalchemy as sa
from streamlit import config

from components import sign_in
from data_access import cache, users_store
from data_access.db import open_database
from data_access.schema import audit_log
from tests.conftest import new_app

PASSWORD = "correct horse battery"
VIEWER_PAGES = ("app.py", "pages/1_Journey_map.py", "pages/2_Touchpoints.py", "pages/3_Loyalty.py",
                "pages/4_Service.py")
MENU = ("Overview", "Journey map", "Touchpoints", "Loyalty", "Service", "Voices", "Workshop", "Data")


@pytest.fixture
def team(demo_copy):
    """The demo company with three built-in users: a viewer, an analyst limited to the North, and an admin."""
    url = f"duckdb:///{demo_copy}"
    engine = open_database(url)
    users_store.add(engine, "vic", "viewer", users_store.hash_password(PASSWORD))
    users_store.add(engine, "nora", "analyst", users_store.hash_password(PASSWORD), regions=["North"])
    users_store.add(engine, "ada", "admin", users_store.hash_password(PASSWORD))
    engine.dispose()
    return url


@pytest.fixture
def no_data_reads(monkeypatch):
    """Fail the test if the page reads the data: status or any cached read."""
    def refuse(*_args, **_kwargs):
        raise AssertionError("the page read data before sign-in allowed it")
    monkeypatch.setattr(cache, "status", refuse)
    monkeypatch.setattr(cache, "_cached_read", refuse)


def sign_in_as(at, username, password=PASSWORD):
    at.text_input[0].input(username)
    at.text_input[1].input(password)
    next(b for b in at.button if b.label == "Sign in").click()
    return at.run()


def menu(at) -> list[str]:
    return [link.proto.label for link in at.sidebar.get("page_link")]


def texts(at) -> str:
    return "\n".join(m.value for m in (*at.markdown, *at.caption, *at.error, *at.info))


def audit_actions(url) -> list[tuple[str, str]]:
    """Who signed in (or failed to), in order."""
    engine = sa.create_engine(url)
    with engine.connect() as conn:
        found = [tuple(r) for r in conn.execute(sa.select(audit_log.c.actor, audit_log.c.action)
                                                .where(audit_log.c.action.like("sign-in%"))
                                                .order_by(audit_log.c.happened_at))]
    engine.dispose()
    return found


@pytest.mark.parametrize("page", [*VIEWER_PAGES, "pages/5_Voices.py", "pages/6_Data.py", "pages/7_Workshop.py"])
def test_with_users_every_page_asks_for_sign_in_and_reads_nothing(app_on, team, no_data_reads, page):
    at = app_on(team, page=None if page == "app.py" else page)
    assert not at.exception
    assert [b.label for b in at.button] == ["Sign in"]
    assert menu(at) == [] and not at.metric and not at.get("plotly_chart")


def test_a_wrong_password_is_refused_with_one_message_and_recorded(app_on, team, monkeypatch):
    monkeypatch.setattr(sign_in, "FAILED_SIGN_IN_PAUSE", 0)
    at = sign_in_as(app_on(team), "vic", "not the password")
    assert [e.value for e in at.error] == ["Wrong user name or password."]
    assert not at.metric
    at = sign_in_as(at, "nobody")
    assert [e.value for e in at.error] == ["Wrong user name or password."]
    assert audit_actions(team) == [("vic", "sign-in failed"), ("nobody", "sign-in failed")]


def test_a_viewer_reads_the_kpi_pages_without_comments_downloads_reports_or_workshop(app_on, team):
    at = sign_in_as(app_on(team), "vic")
    assert not at.exception and at.metric
    assert menu(at) == list(MENU[:5])
    assert "vic · **viewer**" in texts(at)
    labels = [b.label for b in at.button]
    assert "Sign out" in labels and "Add this view to the story" not in labels
    assert not at.get("download_button") and not at.get("popover")  # no report of this view
    for page in VIEWER_PAGES[1:]:
        at.switch_page(page).run()
        assert not at.exception and not at.error, page
        assert not at.get("download_button"), page
    assert audit_actions(team) == [("vic", "sign-in")]


@pytest.mark.parametrize(("username", "page"), [("vic", "pages/5_Voices.py"), ("vic", "pages/7_Workshop.py"),
                                                ("vic", "pages/6_Data.py"), ("nora", "pages/6_Data.py")])
def test_a_direct_link_above_ones_role_says_not_allowed_and_reads_nothing(app_on, team, monkeypatch, username, page):
    at = sign_in_as(app_on(team), username)
    def refuse(*_args, **_kwargs):
        raise AssertionError("a page above the role read data")
    monkeypatch.setattr(cache, "status", refuse)
    monkeypatch.setattr(cache, "_cached_read", refuse)
    at.switch_page(page).run()
    assert not at.exception
    assert len(at.error) == 1 and at.error[0].value.startswith("**Not allowed.**")
    assert not at.metric and not at.get("plotly_chart") and not at.get("file_uploader")


def test_an_analyst_limited_to_a_region_sees_only_it_whatever_the_url_asks(app_on, team, demo_copy):
    admin = sign_in_as(app_on(team, region="North"), "ada")
    north_nps = admin.metric[0].value
    at = sign_in_as(app_on(team), "nora")
    assert "Limited to regions: North" in texts(at)
    assert at.metric[0].value == north_nps
    assert at.multiselect(key="filter_region").options == ["North"]
    assert menu(at) == list(MENU[:7])  # Voices and Workshop, not Data
    wider = sign_in_as(app_on(team, region="South"), "nora")  # a shared link for another region
    assert not wider.exception
    assert wider.metric[0].value == north_nps  # the link's region is not offered to her, so her scope stands


def test_signing_out_returns_to_the_form(app_on, team):
    at = sign_in_as(app_on(team), "ada")
    assert menu(at) == list(MENU)
    next(b for b in at.button if b.label == "Sign out").click()
    at.run()
    assert [b.label for b in at.button] == ["Sign in"] and not at.metric


OIDC = {"redirect_uri": "http://127.0.0.1:8501/oauth2callback", "cookie_secret": "x" * 32, "client_id": "cx",
        "client_secret": "s", "server_metadata_url": "http://127.0.0.1:9/.well-known/openid-configuration"}
ACCESS = {"role_claim": "groups", "default_role": "viewer", "provider_label": "Example SSO",
          "roles": {"cx-analysts": "analyst", "cx-admins": "admin"}}


def provider_app(user, page=None):
    """The app as the identity provider's sign-in leaves it: secrets and user set before the first run."""
    at = new_app()
    at.secrets["auth"] = OIDC
    at.secrets["cx_access"] = ACCESS
    at.user = user
    if page:
        at.switch_page(page)
    return at.run()


def test_before_the_provider_signs_someone_in_the_page_shows_its_button_and_reads_nothing(
        demo_url, monkeypatch, no_data_reads):
    monkeypatch.setenv("CX_DATABASE_URL", demo_url)
    at = provider_app({"is_logged_in": False})
    assert [b.label for b in at.button] == ["Sign in with Example SSO"]
    assert not at.metric and menu(at) == []


def test_the_providers_group_claim_gives_the_role(team, monkeypatch):
    monkeypatch.setenv("CX_DATABASE_URL", team)
    user = {"is_logged_in": True, "name": "Ana Analyst", "email": "ana@example.test", "groups": ["cx-analysts"]}
    at = provider_app(user)
    assert not at.exception and at.metric
    assert "Ana Analyst · **analyst**" in texts(at)
    assert menu(at) == list(MENU[:7])
    at.switch_page("pages/6_Data.py").run()
    assert at.error[0].value.startswith("**Not allowed.**")
    assert ("Ana Analyst", "sign-in") in audit_actions(team)


def test_a_users_row_overrides_the_claim_for_a_provider_user(team, monkeypatch):
    """An admin can give one person a role or scope their groups do not (a row without a password)."""
    engine = open_database(team)
    users_store.add(engine, "ana@example.test", "viewer", regions=["East"])
    engine.dispose()
    monkeypatch.setenv("CX_DATABASE_URL", team)
    user = {"is_logged_in": True, "name": "Ana Analyst", "email": "ana@example.test", "groups": ["cx-admins"]}
    at = provider_app(user)
    assert "Ana Analyst · **viewer**" in texts(at) and "Limited to regions: East" in texts(at)


def test_open_access_is_said_in_the_sidebar_and_refused_off_this_machine(app_on, demo_url):
    at = app_on(demo_url)
    assert "**Open access**" in texts(at) and at.metric
    address = config.get_option("server.address")
    config.set_option("server.address", "0.0.0.0")
    try:
        at = app_on(demo_url)
    finally:
        config.set_option("server.address", address)
    message = at.error[0].value
    assert not at.metric and message.startswith("**No sign-in is configured**") and "0.0.0.0" in message


def test_a_download_is_recorded_with_who_took_it_when_the_file_is_made(team, monkeypatch):
    """Streamlit makes a download's file on its own thread, where no one is signed in: the person is captured when
    the button is drawn (components/exports.py)."""
    from analytics.access import Principal
    from components import exports

    monkeypatch.setenv("CX_DATABASE_URL", team)
    made = exports._recorded(lambda: b"a,b\n", Principal("nora", "analyst", "password"), "export", "voices.csv")
    assert made() == b"a,b\n"
    engine = sa.create_engine(team)
    with engine.connect() as conn:
        rows = [tuple(r) for r in conn.execute(sa.select(audit_log.c.actor, audit_log.c.via, audit_log.c.what)
                                               .where(audit_log.c.action == "export"))]
    engine.dispose()
    cache.release_embedded_file()
    assert rows == [("nora", "password", "voices.csv")]
