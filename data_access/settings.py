"""Where the database is: one resolution order for the app, the CLI and the tests."""

from __future__ import annotations

import os
import re
import tomllib
from pathlib import Path
from urllib.parse import unquote, unquote_plus

from analytics.access import NotAllowed

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


class ReadOnlyError(NotAllowed):
    """A write asked for in read-only mode (CX_READ_ONLY=1): refused like a write the role does not allow."""


def check_writable(what: str) -> None:
    """Refuse a write in read-only mode; every store calls this itself, so no caller can forget to ask."""
    if read_only():
        raise ReadOnlyError(f"Read-only mode (CX_READ_ONLY=1): {what}")


SECRET_KEY = re.compile(r"passw(?:or)?d|pwd|secret|token|api_?key|access_?key|private_?key", re.IGNORECASE)
# key=value in a URL's query or a driver's connection string; a quoted value may hold the separators
PARAMETER = re.compile(r"(?<![^?&;\s])(?P<key>[^=?&;#\s]+)=(?P<value>'[^']*'|\"[^\"]*\"|[^&;#\s]*)")
HOST = re.compile(r"[\w.\-%\[\]:,~]*(?:[/?#]|$)")  # host:port, IPv6 or a comma list, up to the path or query


def masked(url: str) -> str:
    """The URL as it may be shown to a person: every credential replaced by ***, the rest as it was typed.

    Also for a string that is no URL at all: whatever looks like user:password@host or password=... is hidden.
    """
    url = _masked_parameters(url)
    span = _password_span(url)
    return url if span is None else f"{url[:span[0]]}***{url[span[1]:]}"


def redacted(text: str, url: str) -> str:
    """A driver's message with every secret of url taken out, in case the driver echoes its connection string."""
    for secret in sorted(_secrets(url), key=len, reverse=True):
        text = text.replace(secret, "***")
    return _masked_parameters(text)


def _masked_parameters(text: str) -> str:
    """password=..., token=..., sslpassword=... and their kind with the value replaced by ***."""
    return PARAMETER.sub(lambda m: f"{m['key']}=***" if _secret_values(m[0]) else m[0], text)


def _secret_values(text: str) -> set[str]:
    """The values of secret parameters in text, also inside a percent-encoded connection string (odbc_connect=)."""
    found = set()
    for match in PARAMETER.finditer(text):
        value = match["value"]
        if SECRET_KEY.search(unquote(match["key"])):
            found.add(value.strip("'\""))
        elif unquote_plus(value) != value:
            found |= _secret_values(unquote_plus(value))
    return found


def _password_span(url: str) -> tuple[int, int] | None:
    """Where the password of user:password@host is, or None.

    A password may hold '@', ':', '/' and '?' unencoded, so it ends at the last '@' followed by something shaped
    like a host, and starts at the first ':' after the scheme's '://'; a file path (duckdb:///...) has no user.
    """
    scheme_end = url.find("://")
    start = scheme_end + 3 if scheme_end >= 0 else 0
    ats = [i for i in range(start, len(url)) if url[i] == "@"] if not url.startswith("/", start) else []
    if not ats:
        return None
    at = next((i for i in reversed(ats) if HOST.match(url, i + 1)), ats[-1])
    colon = url.find(":", start, at)
    return None if colon < 0 else (colon + 1, at)


def _secrets(url: str) -> set[str]:
    """The URL's password and secret parameter values, as typed and decoded (the forms a driver could echo)."""
    found = _secret_values(url)
    without_parameters = _masked_parameters(url)
    span = _password_span(without_parameters)
    if span is not None:
        found.add(without_parameters[span[0]:span[1]])
    return {form for secret in found for form in (secret, unquote(secret), unquote_plus(secret)) if form}
