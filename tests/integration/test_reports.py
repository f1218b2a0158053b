"""The reports: one-file HTML with the JSON report's numbers, offline and escaped; the CLI's periods, files and
exit codes. (The PDF needs Chromium: tests/browser/test_reports_in_chromium.py.)"""

from __future__ import annotations

import json
import re
from datetime import date
from html.parser import HTMLParser

import pandas as pd
import pytest

import cli
import reports
from data_access.db import open_database
from data_access.filters import Filters
from data_access.loaders import import_dataset
from reports.html import render_html
from reports.links import APP_URL, LINK_HINT, page_path, report_params, statement_url

HOSTILE = '<script>alert("x")</script> Delivery'


class Page(HTMLParser):
    """What a browser would fetch or run (resource URLs, inline scripts), the text it shows, and the links a reader
    may follow (an <a href> is fetched only on a click, so it is not a resource)."""

    def __init__(self) -> None:
        super().__init__()
        self.resources: list[str] = []
        self.links: list[str] = []
        self.scripts = 0
        self.text: list[str] = []
        self._in_script = False

    def handle_starttag(self, tag, attrs):
        urls = [value for name, value in attrs if name in ("src", "href") and value]
        if tag == "a":
            self.links += urls
        else:
            self.resources += urls
        if tag == "script":
            self.scripts += 1
            self._in_script = True

    def handle_endtag(self, tag):
        if tag == "script":
            self._in_script = False

    def handle_data(self, data):
        if not self._in_script and data.strip():
            self.text.append(data.strip())


def parsed(html: str) -> Page:
    page = Page()
    page.feed(html)
    return page


@pytest.fixture(scope="module")
def demo(demo_duckdb_path):
    engine = open_database(f"duckdb:///{demo_duckdb_path}")
    yield engine
    engine.dispose()


@pytest.fixture(scope="module")
def year(demo):
    filters = Filters(date(2025, 11, 1), date(2026, 10, 31))
    with pytest.MonkeyPatch.context() as patch:
        patch.delenv(APP_URL, raising=False)
        return filters, render_html(demo, filters)


def test_the_html_report_holds_the_json_reports_numbers(demo, year, capsys):
    _, html = year
    assert cli.main(["report", "--from", "2025-11-01", "--to", "2026-10-31", "--format", "json",
                     "--database-url", str(demo.url)]) == 0
    numbers = json.loads(capsys.readouterr().out)
    shown = " ".join(parsed(html).text)
    overall = numbers["overall"]
    assert f"{overall['nps']:+.0f} ± {overall['nps_margin']:.0f}" in shown
    assert f"{overall['csat']:.0f}%" in shown and f"{overall['nps_n']:,}" in shown
    for row in numbers["by_touchpoint"]:
        assert row["touchpoint"] in shown
    assert "What changed" in shown and "Benjamini-Hochberg" in shown and "What unhappy customers write" in shown
    assert "01 Nov 2025 – 31 Oct 2026" in shown


def test_it_opens_offline_with_plotly_embedded_once(year):
    _, html = year
    page = parsed(html)
    assert page.resources == [] and page.links == []  # no src or href at all: nothing to fetch
    assert not re.search(r"url\(\s*['\"]?https?:", html.split("<script>", 1)[0])  # nor in the stylesheet
    assert html.count("plotly.js v") == 1  # the bundle's banner: embedded once, not per figure
    assert page.scripts == 1 + html.count("Plotly.newPlot(")  # the bundle, then one small script per figure
    assert html.count("Plotly.newPlot(") >= 4


def test_text_from_the_data_is_escaped(engine):
    touchpoints = pd.DataFrame({"touchpoint": [HOSTILE, "Web checkout"], "stage": ["Receive", "Buy"],
                                "stage_order": [3, 2], "channel": ["web", "web"]})
    days = pd.date_range("2025-01-01", periods=120, freq="D")
    survey = pd.DataFrame({"response_id": [f"R{i}" for i in range(240)],
                           "customer_id": [f"C{i % 40}" for i in range(240)],
                           "submitted_at": list(days) * 2, "touchpoint": [HOSTILE] * 120 + ["Web checkout"] * 120,
                           "nps": [i % 11 for i in range(240)],
                           "comment": ["<b>bold</b> & <script>x()</script>"] * 240})
    import_dataset(engine, "touchpoints", touchpoints)
    import_dataset(engine, "survey", survey)
    html = render_html(engine, Filters(date(2025, 3, 1), date(2025, 4, 30)))
    assert "<script>alert" not in html and '&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt; Delivery' in html
    assert HOSTILE in " ".join(parsed(html).text)  # shown as the characters typed
    assert parsed(html).scripts == 1 + html.count("Plotly.newPlot(")  # the name never became a script


@pytest.mark.parametrize(("period", "start", "end"), [
    ("last-month", "2026-10-01", "2026-10-31"),  # the demo ends on 31 October 2026: October is complete
    ("last-quarter", "2026-07-01", "2026-09-30"),  # Q4 is not, so Q3
    ("last-12-months", "2025-11-01", "2026-10-31"),
    ("ytd", "2026-01-01", "2026-10-31"),
])
def test_relative_periods_end_on_the_datas_last_day(demo, tmp_path, period, start, end):
    assert cli.main(["report", "--period", period, "--format", "markdown", "--out", str(tmp_path),
                     "--database-url", str(demo.url)]) == 0
    written = tmp_path / f"cx-report-{start}-to-{end}.md"
    assert written.read_text(encoding="utf-8").startswith(f"# CX report {start} to {end}")


def test_exit_codes_say_what_went_wrong(demo, tmp_path, capsys):
    url = str(demo.url)
    assert cli.main(["report", "--from", "1990-01-01", "--to", "1990-12-31", "--database-url", url]) == 1
    assert "no data from 1990-01-01 to 1990-12-31" in capsys.readouterr().err
    assert cli.main(["report", "--format", "pdf", "--database-url", url]) == 1
    assert "needs --out" in capsys.readouterr().err
    assert cli.main(["report", "--format", "html", "--sections", "brief,gossip", "--database-url", url]) == 1
    assert "unknown section(s) gossip" in capsys.readouterr().err
    assert cli.main(["report", "--database-url", "postgresql+psycopg://nobody@127.0.0.1:1/none"]) == 2
    assert "Could not open the database" in capsys.readouterr().err
    assert not list(tmp_path.iterdir())


def test_no_chromium_says_how_to_install_it_and_html_still_works(demo, tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("CX_CHROMIUM", str(tmp_path / "no-such-browser"))
    monkeypatch.setenv("PATH", str(tmp_path))
    assert cli.main(["report", "--format", "pdf", "--out", str(tmp_path), "--database-url", str(demo.url)]) == 1
    assert "apt-get install chromium" in capsys.readouterr().err
    assert cli.main(["report", "--format", "html", "--sections", "brief,kpis", "--out", str(tmp_path / "r.html"),
                     "--database-url", str(demo.url)]) == 0
    assert (tmp_path / "r.html").stat().st_size > 1_000_000  # plotly.js inside


def test_sections_choose_what_the_report_holds(demo):
    filters = reports.period_filters(demo, Filters(), "last-quarter")
    short = render_html(demo, filters, sections=("brief", "kpis"))
    assert "Key figures" in short and "The journey" not in short and "Plotly.newPlot(" not in short


DIP = Filters(date(2025, 8, 1), date(2025, 10, 31))  # the delivery dip against May to July
DIP_VIEW = "period=custom&from=2025-08-01&to=2025-10-31"


@pytest.mark.parametrize(("script", "path"), [
    ("app.py", "/"), ("pages/1_Journey_map.py", "/Journey_map"), ("pages/2_Touchpoints.py", "/Touchpoints"),
    ("pages/12_A b-c.py", "/A_b-c")])
def test_page_paths_are_streamlits(script, path):
    assert page_path(script) == path


def test_statement_urls_quote_every_parameter():
    link = {"page": "app.py", "params": {"period": "custom", "from": "2025-08-01", "tier": ["Gold", "No tier"],
                                         "region": ["<North & South>"]}}
    assert statement_url("https://cx.example.com", link) == (
        "https://cx.example.com/?period=custom&from=2025-08-01&tier=Gold&tier=No+tier&region=%3CNorth+%26+South%3E")
    assert statement_url("https://cx.example.com/app", {"page": "pages/3_Loyalty.py", "params": {}}) == \
        "https://cx.example.com/app/Loyalty"


def test_report_params_are_the_reports_dates_comparison_and_filters():
    assert report_params(DIP, "previous") == {"period": "custom", "from": "2025-08-01", "to": "2025-10-31"}
    narrow = Filters(DIP.start, DIP.end, tiers=("Gold",), channels=("web", "app"))
    assert report_params(narrow, "last-year") == {"period": "custom", "from": "2025-08-01", "to": "2025-10-31",
                                                  "compare": "last-year", "tier": ["Gold"], "channel": ["web", "app"]}


def test_with_cx_app_url_each_statement_links_to_its_view(demo, monkeypatch):
    monkeypatch.setenv(APP_URL, "https://cx.example.com/")
    html = render_html(demo, DIP, sections=("brief",))
    page = parsed(html)
    assert page.resources == []  # links are followed on a click, never fetched
    assert f"https://cx.example.com/Touchpoints?{DIP_VIEW}" in page.links  # Home delivery's fall
    assert f"https://cx.example.com/Journey_map?{DIP_VIEW}" in page.links  # the NPS card's fall
    assert len(page.links) == html.count("<li class=\"worse\">") + html.count("<li class=\"better\">")
    assert f"{DIP_VIEW.replace('&', '&amp;')}" in html  # escaped in the attribute
    assert LINK_HINT not in " ".join(page.text)


@pytest.mark.parametrize("value", [None, "javascript:alert(1)"])
def test_without_an_http_address_statements_are_plain_text_and_say_how_to_link_them(demo, monkeypatch, value):
    if value is None:
        monkeypatch.delenv(APP_URL, raising=False)
    else:
        monkeypatch.setenv(APP_URL, value)
    page = parsed(render_html(demo, DIP, sections=("brief",)))
    assert page.links == [] and LINK_HINT in page.text
    assert any(line.startswith("Home delivery NPS fell") for line in page.text)


def test_the_markdown_report_has_the_brief_linked_when_cx_app_url_is_set(demo, monkeypatch, capsys):
    arguments = ["report", "--from", "2025-08-01", "--to", "2025-10-31", "--format", "markdown",
                 "--database-url", str(demo.url)]
    monkeypatch.setenv(APP_URL, "https://cx.example.com")
    assert cli.main(arguments) == 0
    linked = capsys.readouterr().out
    assert "## What changed" in linked and "Benjamini-Hochberg" in linked and LINK_HINT not in linked
    assert re.search(r"^- \[Home delivery NPS fell from \+26 to −17 .*; detractors there spend 46% less in the next "
                     rf"90 days\.\]\(https://cx\.example\.com/Touchpoints\?{DIP_VIEW}\)$", linked, re.M), linked
    monkeypatch.delenv(APP_URL)
    assert cli.main(arguments) == 0
    plain = capsys.readouterr().out
    assert re.search(r"^- Home delivery NPS fell .* 90 days\.$", plain, re.M) and LINK_HINT in plain
    assert plain.index("## What changed") < plain.index("## By touchpoint")


def test_the_report_lists_open_actions_overdue_first_and_escaped(demo_copy):
    from analytics.workshop import ActionFields
    from data_access import workshop_store

    engine = open_database(f"duckdb:///{demo_copy}")
    workshop = workshop_store.create_workshop(engine, name="Review", held_on=date(2026, 11, 1), facilitator="Ana",
                                              by="Ana")
    for text, owner, due in (("Later one", "Ben", date(2099, 1, 1)), ("<script>alert(1)</script>", "Chris",
                                                                     date(2020, 1, 1))):
        workshop_store.add_note(engine, workshop, kind="action", text=text, by="Ana", touchpoint="Home delivery",
                                action=ActionFields(owner, due))
    html = render_html(engine, DIP, sections=("actions",))
    engine.dispose()
    section = html[html.index("Open actions from workshops"):]
    assert "<script>alert(1)" not in html and "&lt;script&gt;alert(1)&lt;/script&gt;" in section
    assert section.index("alert(1)") < section.index("Later one")  # overdue first
    assert "01 Jan 2020 (overdue)" in section and "01 Jan 2099" in section
