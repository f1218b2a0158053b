"""The HTML report printed to PDF by headless Chromium (Debian's `chromium`, driven by Playwright; no browser is
ever downloaded): A4 landscape, a page per section, the period and page numbers in the footer."""

from __future__ import annotations

import html
import os
import shutil
from pathlib import Path

INSTALL_HINT = ("No Chromium was found to print the PDF: install Debian's chromium (`apt-get install chromium`) or "
                "set CX_CHROMIUM to a Chromium executable. The HTML report works without it.")
CHARTS_DRAWN = "() => [...document.querySelectorAll('.js-plotly-plot')].every(plot => plot._fullLayout)"


class NoChromium(RuntimeError):
    """Raised with INSTALL_HINT when there is no Chromium to print with."""


def chromium() -> str | None:
    """The Chromium to print with: CX_CHROMIUM, else `chromium` on the PATH, else None."""
    chosen = os.environ.get("CX_CHROMIUM") or shutil.which("chromium") or shutil.which("chromium-browser")
    return chosen if chosen and Path(chosen).exists() else None


def to_pdf(report_html: str, footer: str) -> bytes:
    """Print the report; NoChromium (saying how to install it) when there is no browser."""
    executable = chromium()
    if executable is None:
        raise NoChromium(INSTALL_HINT)
    from playwright.sync_api import sync_playwright  # only needed here, and slow to import

    footer_html = (f'<div style="font-size:8px;width:100%;text-align:center;color:#616E7C">{html.escape(footer)} · '
                   'page <span class="pageNumber"></span> of <span class="totalPages"></span></div>')
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=executable, args=["--no-sandbox"])
        try:
            page = browser.new_page(viewport={"width": 1123, "height": 794})
            page.route("**/*", lambda route: route.abort() if not route.request.url.startswith(("data:", "about:"))
                       else route.continue_())  # the report needs no network; nothing it holds may fetch
            page.set_content(report_html, wait_until="load")
            page.wait_for_function(CHARTS_DRAWN, timeout=30_000)
            return page.pdf(format="A4", landscape=True, print_background=True, display_header_footer=True,
                            header_template="<span></span>", footer_template=footer_html,
                            margin={"top": "12mm", "bottom": "14mm", "left": "10mm", "right": "10mm"})
        finally:
            browser.close()
