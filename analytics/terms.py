"""The words that set negative comments apart from positive ones, without NLTK data.

Terms are lower-case words (apostrophes kept inside words, anything with a digit dropped) and two-word
phrases that do not cross punctuation or a stop word. Two corpora are compared with the weighted
log-odds ratio with an informative Dirichlet prior of Monroe, Colaresi & Quinn (2008), "Fightin' Words:
Lexical Feature Selection and Evaluation for Identifying the Content of Political Conflict", Political
Analysis 16(4): the prior is the two corpora pooled, and each term's log-odds difference is divided by
its standard error, so a |z| above 1.96 is unlikely to be chance, rare terms are not over-rated and
frequent ones are not favoured merely for being frequent.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Iterable
from itertools import pairwise

import pandas as pd

MIN_COUNT = 3  # terms seen fewer times than this (both sides together) are not ranked
MIN_Z = 1.96  # |z| under this is within chance at the 5% level
COLUMNS = ["term", "side", "score", "negative_count", "positive_count"]

STOP_WORDS = frozenset((  # a small English list; negations (not, no, never, won't) are kept as meaningful
    "a", "about", "above", "after", "again", "against", "all", "also", "am", "an", "and", "any", "are", "as", "at",
    "be", "because", "been", "before", "being", "below", "between", "both", "but", "by", "could", "did", "do",
    "does", "doing", "down", "during", "each", "few", "for", "from", "further", "get", "got", "had", "has", "have",
    "having", "he", "her", "here", "hers", "herself", "him", "himself", "his", "how", "i", "i'd", "i'll", "i'm",
    "i've", "if", "in", "into", "is", "it", "it's", "its", "itself", "just", "me", "more", "most", "my", "myself",
    "now", "of", "off", "on", "once", "only", "or", "other", "our", "ours", "ourselves", "out", "over", "own",
    "same", "she", "should", "so", "some", "such", "than", "that", "that's", "the", "their", "theirs", "them",
    "themselves", "then", "there", "there's", "these", "they", "they're", "this", "those", "through", "to", "too",
    "under", "until", "up", "us", "very", "was", "we", "we're", "we've", "were", "what", "when", "where", "which",
    "while", "who", "whom", "why", "will", "with", "would", "you", "you'd", "you'll", "you're", "you've", "your",
    "yours", "yourself", "yourselves",
))

_MARKUP = re.compile(r"<[^>]*>|&#?\w+;")  # HTML tags and entities are formatting, not words
_CLAUSES = re.compile(r"[.!?;:,()\[\]{}\"“”…\n\r\t*_#|/\\<>=+~`^–—]+|\s-+|-+\s")  # phrases never span these
_TOKEN = re.compile(r"[^\W_]+(?:['-][^\W_]+)*")  # apostrophes and hyphens inside a word are kept


def tokenise(text: str) -> list[str]:
    """The words of a text, lower-cased; markup, numbers, words with digits and single letters are dropped."""
    return [w for clause in _clauses(text) for w in clause if w]


def _word(token: str) -> str | None:
    return None if len(token) < 2 or any(c.isdigit() for c in token) else token


def _clauses(text: str) -> list[list[str | None]]:
    """Words per clause; a dropped token stays as None so no phrase is formed across it."""
    cleaned = _MARKUP.sub(" ", str(text)).replace("’", "'").replace("‘", "'").lower()
    return [[_word(t.strip("'")) for t in _TOKEN.findall(part)] for part in _CLAUSES.split(cleaned)]


def terms(text: str) -> list[str]:
    """Content words and two-word phrases of adjacent content words within one clause."""
    found: list[str] = []
    for clause in _clauses(text):
        content = [w if w and w not in STOP_WORDS else None for w in clause]
        found += [w for w in content if w]
        found += [f"{a} {b}" for a, b in pairwise(content) if a and b]
    return found


def _count(texts: Iterable[str | float | None]) -> Counter:
    """Term counts over texts; a missing text (None, NaN, pd.NA) has none."""
    counts: Counter = Counter()
    for text in texts:
        if isinstance(text, str):
            counts.update(terms(text))
    return counts


def log_odds_z(negative: Counter, positive: Counter, min_count: int = MIN_COUNT) -> pd.DataFrame:
    """Per term: counts and the z-score of the log-odds ratio, negative over positive (Monroe et al. 2008).

    y is a term's count and n a side's total. The informative Dirichlet prior is the pooled corpus with
    both sides weighted equally (the mean of the two relative frequencies, so a side with many more
    comments does not make its own words look ordinary), with a prior mass a0 as large as the smaller side:
    a = a0 * (y_neg / n_neg + y_pos / n_pos) / 2,
    delta = log((y_neg + a) / (n_neg + a0 - y_neg - a)) - log((y_pos + a) / (n_pos + a0 - y_pos - a)),
    z = delta / sqrt(1 / (y_neg + a) + 1 / (y_pos + a)).
    """
    n_neg, n_pos = sum(negative.values()), sum(positive.values())
    a0 = min(n_neg, n_pos)
    rows = []
    for term in (negative + positive):
        y_neg, y_pos = negative[term], positive[term]
        if y_neg + y_pos < min_count:
            continue
        prior = a0 * (y_neg / n_neg + y_pos / n_pos) / 2
        delta = (math.log((y_neg + prior) / (n_neg + a0 - y_neg - prior))
                 - math.log((y_pos + prior) / (n_pos + a0 - y_pos - prior)))
        rows.append((term, delta / math.sqrt(1 / (y_neg + prior) + 1 / (y_pos + prior)), y_neg, y_pos))
    return pd.DataFrame(rows, columns=["term", "z", "negative_count", "positive_count"])


def distinguishing_terms(negative: Iterable[str], positive: Iterable[str], top: int = 15,
                         min_count: int = MIN_COUNT, min_z: float = MIN_Z) -> pd.DataFrame:
    """The terms most typical of negative and of positive comments, by weighted log-odds (Fightin' Words).

    Returns up to `top` terms per side: side "negative" or "positive"; score is the z-score, below zero for
    terms typical of negative comments and above zero for positive ones (so it plots as a diverging bar);
    only |z| >= min_z is kept. Empty when either side has no terms.
    """
    neg_counts, pos_counts = _count(negative), _count(positive)
    if not neg_counts or not pos_counts:
        return pd.DataFrame(columns=COLUMNS)
    scored = log_odds_z(neg_counts, pos_counts, min_count)
    scored = scored[scored["z"].abs() >= min_z]
    scored = scored.assign(score=-scored["z"], side=scored["z"].gt(0).map({True: "negative", False: "positive"}))
    sides = [scored[scored["side"] == "negative"].sort_values(["score", "term"]).head(top),
             scored[scored["side"] == "positive"].sort_values(["score", "term"], ascending=[False, True]).head(top)]
    return pd.concat(sides, ignore_index=True)[COLUMNS].astype(
        {"score": "float64", "negative_count": "int64", "positive_count": "int64"})


def terms_by_band(sample: pd.DataFrame, top: int = 15) -> pd.DataFrame:
    """distinguishing_terms for a frame of comments with a band column ("negative" or "positive")."""
    return distinguishing_terms(sample.loc[sample["band"] == "negative", "comment"],
                                sample.loc[sample["band"] == "positive", "comment"], top)
