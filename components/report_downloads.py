"""'Report of this view' in the sidebar of every page: the one-file HTML report and its PDF, made only when clicked."""

from __future__ import annotations

import streamlit as st

import reports
from components.exports import download
from components.filters import View
from data_access import cache
from reports.pdf import INSTALL_HINT, chromium


def report_file(view: View, fmt: str) -> bytes:
    """The report of the view's filters and comparison (what the buttons download)."""
    return reports.render(cache.engine(), view.filters, fmt, view.compare)


def report_downloads(view: View) -> None:
    """Two buttons; the file is built on click, on its own thread, so a page never waits for it."""
    with st.sidebar.popover("Report of this view", icon=":material/summarize:", width="stretch"):
        st.caption("The brief, the key figures with their changes, the journey, touchpoints, tiers and service "
                   "for the filters above, as one file that opens offline.")
        download("HTML report", lambda: report_file(view, "html"), reports.file_name(view.filters, "html"),
                 "text/html", "report_html", action="report", width="stretch")
        printer = chromium()
        download("PDF report", (lambda: report_file(view, "pdf")) if printer else bytes,
                 reports.file_name(view.filters, "pdf"), "application/pdf", "report_pdf", action="report",
                 icon=":material/picture_as_pdf:", width="stretch", disabled=printer is None,
                 help=None if printer else INSTALL_HINT)
