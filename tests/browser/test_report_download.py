"""The report as a person gets it: downloaded from the running app's sidebar, opened in Chromium with the network
blocked, screenshotted (screenshots/report-offline.png)."""

from __future__ import annotations

import pytest

from tests.browser.conftest import SCREENSHOTS, settle, wait_ms

pytestmark = pytest.mark.browser


def test_the_downloaded_report_opens_offline_and_reads_like_a_report(chromium, server, tmp_path):
    page = chromium.new_page(viewport={"width": 1440, "height": 1600}, accept_downloads=True)
    page.goto(f"{server}/?period=quarter")
    settle(page)
    page.get_by_text("Report of this view").click()
    with page.expect_download(timeout=wait_ms(60)) as download:
        page.get_by_role("button", name="HTML report").click()
    saved = tmp_path / download.value.suggested_filename
    download.value.save_as(saved)
    page.close()
    assert saved.name.startswith("cx-report-") and saved.suffix == ".html"

    offline = chromium.new_context(viewport={"width": 1440, "height": 3000}, offline=True)
    fetched: list[str] = []
    report = offline.new_page()
    report.on("request", lambda request: fetched.append(request.url))
    report.goto(saved.as_uri())
    report.wait_for_function("document.querySelectorAll('.js-plotly-plot').length >= 4 && "
                             "[...document.querySelectorAll('.js-plotly-plot')].every(p => p._fullLayout)",
                             timeout=wait_ms(30))
    assert [url for url in fetched if not url.startswith(("file:", "data:"))] == []
    assert report.get_by_text("What changed").is_visible()
    assert report.locator("table").count() >= 3
    SCREENSHOTS.mkdir(exist_ok=True)
    report.screenshot(path=str(SCREENSHOTS / "report-offline.png"))
    offline.close()
