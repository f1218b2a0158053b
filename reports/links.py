"""Links from a report's statements back to the app: the page and filters that show each, at the address in
CX_APP_URL (a report is a file; only the person who schedules it knows where the app is served)."""

from __future__ import annotations

import os
import re
from pathlib import PurePosixPath
from urllib.parse import urlencode

from analytics.brief import Brief, Link
from data_access.filters import Filters

APP_URL = "CX_APP_URL"
LINK_HINT = (f"Set {APP_URL} to the app's address (e.g. https://cx.example.com) when making the report to link each "
             "statement to the page and filters that show it.")
NO_COMPARISON = "No comparison period in the data."


def app_url() -> str | None:
    """The app's http(s) address from CX_APP_URL, without a trailing slash; None when unset or not http(s)."""
    url = os.environ.get(APP_URL, "").strip().rstrip("/")
    return url if url.startswith(("http://", "https://")) else None


def page_path(script: str) -> str:
    """Streamlit's URL path of a page script: the entry (app.py) is "/", pages/1_Journey_map.py "/Journey_map"
    (the number prefix dropped, as streamlit.source_util.page_icon_and_name does)."""
    path = PurePosixPath(script)
    if len(path.parts) == 1:
        return "/"
    name = re.sub(r"^[0-9]*[_ -]*", "", path.stem)
    return "/" + re.sub(r"[_ ]+", "_", name)


def statement_url(base: str, link: Link) -> str:
    """The address of the page and filters a statement links to, its query string quoted."""
    query = urlencode(link.get("params", {}), doseq=True)
    return f"{base}{page_path(link['page'])}" + (f"?{query}" if query else "")


def report_params(filters: Filters, compare: str) -> dict[str, str | list[str]]:
    """The app's query parameters for the report's view: its dates as custom dates (a link in last month's report
    still shows last month next year), the comparison unless the default, and the customer filters."""
    start, end = filters.period
    params: dict[str, str | list[str]] = {"period": "custom", "from": start.isoformat(), "to": end.isoformat()}
    if compare != "previous":
        params["compare"] = compare
    lists = {"tier": filters.tiers, "segment": filters.segments, "region": filters.regions,
             "channel": filters.channels}
    params.update({name: list(values) for name, values in lists.items() if values})
    return params


def brief_lines(found: Brief | None, base: str | None) -> list[dict]:
    """The brief as a report shows it: each line's text, better/worse/neither, and its URL (None without base)."""
    if found is None:
        return [{"text": NO_COMPARISON, "direction": "neither", "url": None}]
    if not found.statements:
        return [{"text": found.lines[0], "direction": "neither", "url": None}]
    return [{"text": s.text, "direction": s.direction, "url": statement_url(base, s.link) if base and s.link else None}
            for s in found.statements]


def link_hint(found: Brief | None, base: str | None) -> str:
    """How to get links: said when the brief has statements and there is no address to link them to; else ""."""
    return LINK_HINT if base is None and found is not None and found.statements else ""
