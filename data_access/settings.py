"""Where the database is: one resolution order for the app, the CLI and the tests."""

from __future__ import annotations

import os
import tomllib
from pathlib import Path

from sqlalchemy.engine import make_url

PROJECT_ROOT = Path(__file__).resolve().parent.parent
DEFAULT_DATABASE_PATH = PROJECT_ROOT / "data" / "cx.duckdb"
SECRETS_PATH = PROJECT_ROOT / ".streamlit" / "secrets.toml"


def default_url() -> str:
    """The embedded DuckDB file that `make run` builds the demo company into."""
    return f"duckdb:///{DEFAULT_DATABASE_PATH}"


def database_url(explicit: str | None = None) -> str:
    """Explicit URL, else CX_DATABASE_URL, else .streamlit/secrets.toml, else the embedded file."""
    if explicit:
        return explicit
    if os.environ.get("CX_DATABASE_URL"):
        return os.environ["CX_DATABASE_URL"]
    if SECRETS_PATH.exists():
        with SECRETS_PATH.open("rb") as handle:
            url = tomllib.load(handle).get("CX_DATABASE_URL")
        if url:
            return url
    return default_url()


def read_only() -> bool:
    """Read-only mode: point at existing tables or views, never write (CX_READ_ONLY=1)."""
    return os.environ.get("CX_READ_ONLY", "").lower() in {"1", "true", "yes"}


class ReadOnlyError(RuntimeError):
    """A write asked for in read-only mode (CX_READ_ONLY=1)."""


def check_writable(what: str) -> None:
    """Refuse a write in read-only mode; every store calls this itself, so no caller can forget to ask."""
    if read_only():
        raise ReadOnlyError(f"Read-only mode (CX_READ_ONLY=1): {what}")


def masked(url: str) -> str:
    """The URL as it may be shown to a person: password replaced by ***."""
    try:
        return make_url(url).render_as_string(hide_password=True)
    except Exception:  # noqa: BLE001 - an unparseable URL is shown with anything after ':' and before '@' hidden
        head, sep, tail = url.rpartition("@")
        if not sep:
            return url
        scheme, _, credentials = head.partition("://")
        user = credentials.split(":", 1)[0]
        return f"{scheme}://{user}:***@{tail}"
