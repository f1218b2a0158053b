"""Every download of data goes through here: shown only to roles that may export, and each one is written to the
audit trail when the file is made (on click, never on a rerun)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import streamlit as st

from analytics.access import Principal
from data_access import audit, cache, identity


def _recorded(make: Callable[[], bytes], principal: Principal, action: str, what: str) -> Callable[[], bytes]:
    """The file's maker, writing who took it. It runs on Streamlit's own thread, so the person is passed in."""
    def made() -> bytes:
        content = make()
        cache.write(lambda engine: audit.recorded(engine, action, what, principal=principal),
                    cached_reads_change=False)
        return content
    return made


def download(label: str, make: Callable[[], bytes], file_name: str, mime: str, key: str, *, container: Any = st,
             action: str = "export", **options: Any) -> None:
    """A download button for a file made on click; nothing for a person whose role may not export."""
    principal = identity.current()
    if not principal.may("export"):
        return
    container.download_button(label, _recorded(make, principal, action, file_name), file_name=file_name, mime=mime,
                              key=key, on_click="ignore", **{"icon": ":material/download:", **options})
