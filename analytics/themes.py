"""Themes in a touchpoint's comments: seeded from the text by NMF over TF-IDF, then named and merged by people.

A theme is a name and a few keywords; a comment belongs to a theme when it contains any of them, so the
database can count a theme's comments, sentiment and NPS itself. Seeding only proposes keywords: the terms
are those of analytics.terms (words and two-word phrases, no NLTK data), weighted by TF-IDF and factorised
by non-negative matrix factorisation (Lee & Seung 1999), which reads each component as a topic of terms.
Each term goes to the one component it weighs most in, so no keyword is shared by two themes, and only if most of
its weight is there, so words every theme uses ("arrived", "delivery") match none.
"""

from __future__ import annotations

import re
import warnings
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace

import numpy as np
import pandas as pd

from analytics.nps import add_nps
from analytics.terms import terms

MIN_COMMENTS = 20  # fewer comments than this give no stable topics: no themes are proposed
KEYWORDS = 6  # keywords proposed per theme
NAME_TERMS = 3  # keywords that make a proposed theme's name
MIN_KEYWORD = 3  # characters: shorter terms match inside too many unrelated words
MAX_NAME = 60  # characters of a theme's name, so it fits a chart's label and a select box
MAX_SHARE = 0.5  # terms in more than half the comments say what the touchpoint is, not what a theme is about
OWN_SHARE = 0.6  # a keyword carries at least this share of its weight in its theme: "arrived" in every theme is none's
SEPARATOR = " · "
_SPACES = re.compile(r"\s+")


@dataclass(frozen=True)
class Theme:
    """A named set of keywords; stored ones carry their id and pin. Frozen, so a tuple of them is a cache key."""

    name: str
    keywords: tuple[str, ...]
    theme_id: str = ""
    pinned: bool = False


def theme_count(comments: int) -> int:
    """How many themes to look for: a handful, fewer on small samples so each still has comments to show."""
    return 3 if comments < 60 else 4 if comments < 200 else 5 if comments < 1000 else 6


def _texts(texts: Iterable[object]) -> list[str]:
    return [t for t in texts if isinstance(t, str) and t.strip()]


def _weights(texts: list[str], k: int) -> tuple[np.ndarray, np.ndarray]:
    """Terms and their weight in each of k components (rows), each row scaled to a maximum of 1."""
    from sklearn.decomposition import NMF  # loaded only when themes are proposed, not on every page
    from sklearn.exceptions import ConvergenceWarning
    from sklearn.feature_extraction.text import TfidfVectorizer

    vectoriser = TfidfVectorizer(analyzer=terms, min_df=2, max_df=MAX_SHARE, sublinear_tf=True)
    matrix = vectoriser.fit_transform(texts)
    vocabulary = vectoriser.get_feature_names_out()
    k = min(k, len(vocabulary) - 1, len(texts) - 1)
    if k < 1:
        return vocabulary, np.zeros((0, len(vocabulary)))
    with warnings.catch_warnings():  # a few hundred iterations are plenty to rank the terms
        warnings.simplefilter("ignore", ConvergenceWarning)
        model = NMF(n_components=k, init="nndsvd", random_state=0, max_iter=400).fit(matrix)
    components = model.components_
    peaks = components.max(axis=1, keepdims=True)
    return vocabulary, np.divide(components, peaks, out=np.zeros_like(components), where=peaks > 0)


def _covered(term: str, chosen: list[str]) -> bool:
    """A phrase whose words are all keywords already adds nothing a comment would be matched by."""
    words = {w for c in chosen for w in c.split()}
    return all(w in words for w in term.split())


def _name(keywords: Sequence[str]) -> str:
    """The top keywords that share no word with an earlier one, while the name stays short."""
    parts: list[str] = []
    for keyword in keywords:
        if len(parts) == NAME_TERMS:
            break
        named = {w for part in parts for w in part.split()}
        if not set(keyword.split()) & named and len(SEPARATOR.join([*parts, keyword])) <= MAX_NAME:
            parts.append(keyword)
    return SEPARATOR.join(parts)


def seed_themes(texts: Iterable[object], k: int | None = None) -> list[Theme]:
    """Proposed themes for a sample of comments, strongest first; [] when there are too few comments.

    Deterministic: NNDSVD starts NMF from the data's singular vectors, and the random state is fixed.
    """
    documents = _texts(texts)
    if len(documents) < MIN_COMMENTS:
        return []
    try:
        vocabulary, weights = _weights(documents, k or theme_count(len(documents)))
    except ValueError:  # no term is in two comments or fewer than half of them
        return []
    if not len(weights):
        return []
    owner, total = weights.argmax(axis=0), weights.sum(axis=0)
    themes = []
    for component, row in enumerate(weights):
        ranked = [i for i in np.argsort(-row, kind="stable")
                  if owner[i] == component and row[i] > 0 and row[i] >= OWN_SHARE * total[i]]
        keywords: list[str] = []
        for term in (str(vocabulary[i]) for i in ranked):
            if len(keywords) == KEYWORDS:
                break
            if len(term) >= MIN_KEYWORD and not _covered(term, keywords):
                keywords.append(term)
        if keywords:
            themes.append((float(row[ranked].sum()), Theme(_name(keywords), tuple(keywords))))
    return [theme for _, theme in sorted(themes, key=lambda pair: -pair[0])]


def clean_name(name: str) -> str:
    """A theme's new name as stored: one line, trimmed; a ValueError says what is wrong with it."""
    cleaned = _SPACES.sub(" ", str(name)).strip()
    if not cleaned:
        raise ValueError("A theme needs a name: type a few words.")
    if len(cleaned) > MAX_NAME:
        raise ValueError(f"A theme's name may be at most {MAX_NAME} characters; this one has {len(cleaned)}.")
    return cleaned


def merge_themes(target: Theme, source: Theme) -> Theme:
    """source folded into target: the target's name and id, both keyword lists (target's first), pinned if
    either was, since someone wanted one of them kept in view."""
    if source.theme_id and source.theme_id == target.theme_id:
        raise ValueError("A theme cannot be merged into itself.")
    keywords = tuple(dict.fromkeys([*target.keywords, *source.keywords]))
    return replace(target, keywords=keywords, pinned=target.pinned or source.pinned)


def summarise(summary: pd.DataFrame) -> pd.DataFrame:
    """Theme counts with NPS and its margin of error, from the one NPS formula (analytics.nps)."""
    return add_nps(summary)


def monthly(trend: pd.DataFrame, theme_id: str) -> pd.Series:
    """A theme's comments per month over every month any theme has, months without its comments as 0, so the
    sparklines of all themes share one time axis."""
    if trend.empty:
        return pd.Series(dtype="int64")
    months = pd.date_range(pd.Timestamp(trend["month"].min()), pd.Timestamp(trend["month"].max()), freq="MS")
    own = trend[trend["theme_id"] == theme_id].set_index("month")["comments"]
    own.index = pd.DatetimeIndex(own.index)
    return own.reindex(months, fill_value=0).astype("int64")
