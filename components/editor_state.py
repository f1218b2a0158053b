"""The Data page editor's state: every widget value lives in st.session_state under keys starting with PREFIX, put
there before the widget is drawn (its default, or what a saved mapping says), so a saved mapping can fill the
editor and new files can reset it; and `plain`, which keeps text from files from being read as markdown."""

from __future__ import annotations

import hashlib
import re
from typing import Any

import streamlit as st

PREFIX = "data_map"  # every key of the editor's state starts with this; clearing them resets the editor
NOT_MAPPED = "(not mapped)"
MARKDOWN = re.compile(r"([\\`*_\[\]<>#|~$])")


def plain(text: object) -> str:
    """Text from a file (names, values, messages about them) made safe for st.error/st.info/st.success, which
    render markdown: markdown characters are escaped, so the text shows as the characters it is."""
    escaped = MARKDOWN.sub(r"\\\1", str(text))
    return re.sub(r"(?m)^(\s*)([-+]|\d+\.)", lambda m: m.group(1) + "\\" + m.group(2), escaped)


def state_key(name: str) -> str:
    return f"{PREFIX}_{name}"


def digest(*parts: Any) -> str:
    return hashlib.sha1(repr(parts).encode()).hexdigest()[:10]


def default(name: str, value: Any, options: list | None = None) -> str:
    """The widget's key, its state set to value unless the state already holds a usable value."""
    key = state_key(name)
    held = st.session_state.get(key)
    if key not in st.session_state or (options is not None and held not in options):
        st.session_state[key] = value
    return key


def reset_editor() -> None:
    """Forget every setting of the editor, so the next draw starts from the suggestions."""
    for key in [k for k in st.session_state if str(k).startswith(PREFIX + "_")]:
        del st.session_state[key]
