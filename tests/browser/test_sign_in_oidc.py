"""Sign-in end to end through Streamlit's st.login against a real OpenID Connect provider on 127.0.0.1
(tests/oidc/provider.mjs, oidc-provider on Node), in headless Chromium: sign in, see name and role, sign out.

The app gets its own secrets file through `--secrets.files`, so a developer's .streamlit/secrets.toml is never read
or written. The provider's pages are its built-in development ones: a login and password form, then a consent page.
"""

from __future__ import annotations

import re
import shutil

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import SCREENSHOTS, settle, streamlit_server, wait_ms

pytestmark = pytest.mark.browser

COOKIE_SECRET = "cx-insight-browser-test-cookie-secret-0123456789"  # a test app on 127.0.0.1 only
# client_kwargs: the provider has `groups` as a scope of its own (Streamlit asks for "openid email profile" only), and
# oidc-provider refuses Streamlit's default prompt=select_account ("unsupported prompt value requested"), so ask for
# a login instead. Two ways to write [auth]: a named provider section, or one provider's keys in [auth] itself.
PROVIDER = """\
client_id = "{client_id}"
client_secret = "{client_secret}"
server_metadata_url = "{metadata_url}"
client_kwargs = {{ scope = "openid profile email groups", prompt = "login" }}
"""
AUTH = {
    "named": """\
[auth]
redirect_uri = "{redirect_uri}"
cookie_secret = "{cookie_secret}"

[auth.localop]
""" + PROVIDER,
    "flat": """\
[auth]
redirect_uri = "{redirect_uri}"
cookie_secret = "{cookie_secret}"
""" + PROVIDER,
}
ACCESS = """
[cx_access]
provider_label = "the test provider"
role_claim = "groups"
default_role = "viewer"

[cx_access.roles]
"cx-analysts" = "analyst"
"cx-admins" = "admin"
"""
SIGN_IN = re.compile(r"^Sign in with")
WAIT = wait_ms(30)  # for expect(), whose own default is 5 s whatever the page's timeout


@pytest.fixture(scope="module")
def app(request, oidc_provider, demo_duckdb_path, tmp_path_factory):
    """The real app on the demo data, signing in through the local provider; [auth] written the way request.param
    says (named, the default, or flat). One at a time: the provider knows one redirect URI, so one app port."""
    form = getattr(request, "param", "named")
    folder = tmp_path_factory.mktemp(f"sign-in-oidc-{form}")
    shutil.copy(demo_duckdb_path, folder / "cx.duckdb")
    secrets = folder / "secrets.toml"
    secrets.write_text((AUTH[form] + ACCESS).format(
        redirect_uri=oidc_provider.redirect_uri, cookie_secret=COOKIE_SECRET, client_id=oidc_provider.client_id,
        client_secret=oidc_provider.client_secret, metadata_url=oidc_provider.metadata_url))
    # 127.0.0.1, the origin of redirect_uri: localhost would be another origin, and signed out
    with streamlit_server(folder / "cx.duckdb", port=oidc_provider.app_port, secrets=secrets,
                          log=folder / "streamlit.log") as base:
        yield base


@pytest.fixture
def page(chromium):
    """A fresh browser profile (no cookies) that reaches nothing but 127.0.0.1: the provider's development pages
    @import a web font, which an offline browser would otherwise wait for."""
    context = chromium.new_context(viewport={"width": 1440, "height": 1800})
    context.route(re.compile(r"^https?://(?!127\.0\.0\.1[:/])"), lambda route: route.abort())
    page = context.new_page()
    page.set_default_timeout(WAIT)
    yield page
    context.close()


def sign_in(page, base: str, login: str) -> None:
    """From the app's sign-in screen through the provider's login and consent pages, back to the app."""
    page.goto(base)
    page.get_by_role("button", name=SIGN_IN).click()
    error = page.locator('[data-testid="stException"]')
    page.locator("input[name=login]").or_(error).first.wait_for()
    assert error.count() == 0, error.first.text_content()[:300]
    assert "/interaction/" in page.url
    page.locator("input[name=login]").fill(login)
    page.locator("input[name=password]").fill("any password: the development form checks none")
    page.get_by_role("button", name="Sign-in").click()
    page.get_by_role("button", name="Continue").click()  # consent to the scopes
    page.wait_for_url(f"{base}/")


@pytest.mark.parametrize("app", ["named", "flat"], indirect=True)
def test_sign_in_see_name_and_role_then_sign_out(app, page, request):
    suffix = "" if request.node.callspec.params["app"] == "named" else f"-{request.node.callspec.params['app']}"
    page.goto(app)
    button = page.get_by_role("button", name=SIGN_IN)
    expect(button).to_be_visible(timeout=WAIT)
    expect(button).to_have_text(re.compile("the test provider"), timeout=WAIT)
    assert page.locator('[data-testid="stMetric"]').count() == 0  # no data before sign-in
    assert page.get_by_role("button", name="Sign out").count() == 0
    SCREENSHOTS.mkdir(exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"sign-in-oidc-start{suffix}.png"))
    page.goto(f"{app}/Data")  # every page, deep links too
    expect(page.get_by_role("button", name=SIGN_IN)).to_be_visible(timeout=WAIT)
    assert page.locator('[data-testid="stFileUploader"]').count() == 0

    sign_in(page, app, "ana")
    sidebar = page.locator('[data-testid="stSidebar"]')
    expect(sidebar.get_by_text("Ana Analyst · analyst")).to_be_visible(timeout=WAIT)
    expect(sidebar.get_by_role("button", name="Sign out")).to_be_visible(timeout=WAIT)
    page.locator(".js-plotly-plot").first.wait_for()
    expect(page.locator('[data-testid="stMetric"]')).to_have_count(8, timeout=WAIT)
    assert page.locator('[data-testid="stException"]').count() == 0
    assert {c["name"] for c in page.context.cookies()} >= {"_streamlit_user", "_streamlit_user_tokens"}
    settle(page)
    page.screenshot(path=str(SCREENSHOTS / f"sign-in-oidc{suffix}.png"))

    page.goto(f"{app}/Data")  # a new page load: the sign-in cookie carries over
    expect(page.get_by_text(re.compile("Not allowed"))).to_be_visible(timeout=WAIT)
    expect(sidebar.get_by_text("Ana Analyst · analyst")).to_be_visible(timeout=WAIT)
    expect(sidebar.get_by_role("link", name="Overview")).to_be_visible(timeout=WAIT)
    assert sidebar.get_by_role("link", name="Data").count() == 0  # the menu leaves out what the role cannot open
    assert page.locator('[data-testid="stFileUploader"]').count() == 0

    sidebar.get_by_role("button", name="Sign out").click()
    # st.logout clears the cookies and sends the browser to the provider's end_session_endpoint, which asks
    page.get_by_role("button", name="Yes, sign me out").click()
    page.wait_for_url(f"{app}/")  # back through /oauth2callback
    expect(page.get_by_role("button", name=SIGN_IN)).to_be_visible(timeout=WAIT)
    assert page.locator('[data-testid="stMetric"]').count() == 0
    assert not {c["name"] for c in page.context.cookies()} & {"_streamlit_user", "_streamlit_user_tokens"}


@pytest.mark.parametrize("app", ["named"], indirect=True)  # the same server as the first test's
def test_an_admin_from_the_groups_claim_opens_the_data_page(app, page):
    sign_in(page, app, "ada")
    page.goto(f"{app}/Data")
    sidebar = page.locator('[data-testid="stSidebar"]')
    expect(sidebar.get_by_text("Ada Admin · admin")).to_be_visible(timeout=WAIT)
    page.locator('[data-testid="stFileUploader"]').first.wait_for()
    assert page.get_by_text(re.compile("Not allowed")).count() == 0


@pytest.mark.parametrize("app", ["named"], indirect=True)
def test_no_mapped_group_means_the_default_role(app, page):
    sign_in(page, app, "vic")
    sidebar = page.locator('[data-testid="stSidebar"]')
    expect(sidebar.get_by_text("Vic Viewer · viewer")).to_be_visible(timeout=WAIT)
    page.goto(f"{app}/Voices")
    expect(page.get_by_text(re.compile("Not allowed"))).to_be_visible(timeout=WAIT)
