"""Learned sentiment scorers: TF-IDF word and character n-grams (and, for the general scorer, the lexicon scores)
into a three-class logistic regression.

A model is stored as plain arrays (vocabularies, idf weights, coefficients) in a compressed .npz, never as a
pickle: loading a model file or a database row runs no code. Prediction is a softmax over sparse features
computed here, so a stored model does not depend on scikit-learn's private attributes across versions.
"""

from __future__ import annotations

import io
import json
import zipfile
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import numpy as np

from analytics.lexicons import lexicon_features
from analytics.sentiment_eval import CLASSES

if TYPE_CHECKING:  # scikit-learn and scipy load only when a model is built or used, never on a page that reads
    import scipy.sparse as sp
    from sklearn.feature_extraction.text import TfidfVectorizer

TOKENS = r"(?u)\b\w[\w']*\b"  # keeps "didn't" and "wouldn't" whole: negations matter here
LEXICON_WEIGHT = 3.0  # lexicon columns are scaled up to weigh against thousands of n-gram columns
C = 2.0  # inverse regularisation strength, chosen on the calibration split (2 beat 4, 5 and 10)


@dataclass(frozen=True)
class Recipe:
    """Which features a model reads."""

    words: tuple[int, int] = (1, 2)
    chars: tuple[int, int] | None = (2, 5)
    lexicon: bool = True
    classifier: str = "logistic"  # or "sgd": the same log loss by stochastic gradient, for 300,000 comments


GENERAL = Recipe()
# Words only, by SGD: on 83,000 demo comments plus the calibration sentences, letter n-grams added 0.016 held-out
# macro-F1 but cut scoring from 50,000 to 7,700 texts/s, and exact logistic regression took longer and did worse
COMPANY = Recipe(chars=None, lexicon=False, classifier="sgd")


def _vectorizer(analyzer: str, ngrams: tuple[int, int], vocabulary: dict[str, int] | None = None,
                min_df: int = 2) -> TfidfVectorizer:
    from sklearn.feature_extraction.text import TfidfVectorizer

    return TfidfVectorizer(analyzer=analyzer, ngram_range=ngrams, min_df=min_df, sublinear_tf=True,
                           token_pattern=TOKENS if analyzer == "word" else None, vocabulary=vocabulary,
                           dtype=np.float32)


@dataclass
class TextModel:
    recipe: Recipe
    vectorizers: list[TfidfVectorizer]
    coef: np.ndarray  # classes × features
    intercept: np.ndarray
    info: dict = field(default_factory=dict)  # what it was trained on and how well it did

    def features(self, texts: Sequence[str]) -> sp.csr_matrix:
        import scipy.sparse as sp

        blocks = [v.transform(texts) for v in self.vectorizers]
        if self.recipe.lexicon:
            blocks.append(sp.csr_matrix(lexicon_features(texts) * LEXICON_WEIGHT))
        return sp.hstack(blocks, format="csr")

    def probabilities(self, texts: Sequence[str]) -> np.ndarray:
        """P(negative), P(neutral), P(positive) per text: a softmax over the class scores (for a one-vs-rest SGD
        model too, whose most likely class is the same either way)."""
        logits = np.asarray(self.features(texts) @ self.coef.T) + self.intercept
        logits -= logits.max(axis=1, keepdims=True)
        odds = np.exp(logits)
        return odds / odds.sum(axis=1, keepdims=True)

    def score(self, texts: Sequence[str]) -> tuple[np.ndarray, list[str]]:
        """(polarity = P(positive) − P(negative), on −1..1; the most likely class) per text."""
        if not texts:
            return np.zeros(0), []
        p = self.probabilities(texts)
        return p[:, 2] - p[:, 0], [CLASSES[i] for i in p.argmax(axis=1)]

    def to_bytes(self) -> bytes:
        arrays: dict[str, Any] = {"coef": self.coef.astype(np.float32), "intercept": self.intercept}
        for i, vectorizer in enumerate(self.vectorizers):
            terms = sorted(vectorizer.vocabulary_, key=vectorizer.vocabulary_.__getitem__)
            arrays[f"terms_{i}"] = np.asarray(terms, dtype=str)
            arrays[f"idf_{i}"] = vectorizer.idf_.astype(np.float32)
        arrays["meta"] = np.asarray(json.dumps({"recipe": self.recipe.__dict__, "info": self.info}))
        buffer = io.BytesIO()
        with zipfile.ZipFile(buffer, "w") as archive:  # an .npz, with fixed dates so equal models are equal bytes
            for name, array in arrays.items():
                entry = zipfile.ZipInfo(f"{name}.npy", date_time=(1980, 1, 1, 0, 0, 0))
                entry.compress_type = zipfile.ZIP_DEFLATED
                with archive.open(entry, "w") as out:
                    np.lib.format.write_array(out, np.asanyarray(array), allow_pickle=False)
        return buffer.getvalue()

    @classmethod
    def from_bytes(cls, blob: bytes) -> TextModel:
        with np.load(io.BytesIO(blob), allow_pickle=False) as stored:
            meta = json.loads(str(stored["meta"]))
            kept = meta["recipe"]
            recipe = Recipe(tuple(kept["words"]), tuple(kept["chars"]) if kept["chars"] else None, kept["lexicon"],
                            kept.get("classifier", "logistic"))
            vectorizers = []
            for i, (analyzer, ngrams) in enumerate(_blocks(recipe)):
                terms = stored[f"terms_{i}"].tolist()
                vectorizer = _vectorizer(analyzer, ngrams, vocabulary=dict(zip(terms, range(len(terms)), strict=True)))
                vectorizer.idf_ = stored[f"idf_{i}"].astype(np.float64)
                vectorizers.append(vectorizer)
            return cls(recipe, vectorizers, stored["coef"].astype(np.float64), stored["intercept"], meta["info"])


def _blocks(recipe: Recipe) -> list[tuple[str, tuple[int, int]]]:
    return [("word", recipe.words)] + ([("char_wb", recipe.chars)] if recipe.chars else [])


def train(texts: Sequence[str], labels: np.ndarray, recipe: Recipe = GENERAL,
          weights: np.ndarray | None = None, info: dict | None = None) -> TextModel:
    """Fit the vectorizers and a class-balanced multinomial logistic regression (labels 0, 1, 2 as CLASSES)."""
    vectorizers = [_vectorizer(analyzer, ngrams) for analyzer, ngrams in _blocks(recipe)]
    for vectorizer in vectorizers:
        vectorizer.fit(texts)
    model = TextModel(recipe, vectorizers, np.zeros((3, 0)), np.zeros(3), dict(info or {}))
    from sklearn.linear_model import LogisticRegression, SGDClassifier

    classifier = (LogisticRegression(C=C, max_iter=3000, class_weight="balanced") if recipe.classifier == "logistic"
                  else SGDClassifier(loss="log_loss", alpha=2e-6, max_iter=15, tol=None, class_weight="balanced",
                                     random_state=0))
    classifier.fit(model.features(texts), labels, sample_weight=weights)
    if len(classifier.classes_) < 3:
        raise ValueError("a learned scorer needs negative, neutral and positive examples")
    model.coef, model.intercept = classifier.coef_, classifier.intercept_
    return model


def cross_validated_accuracy(texts: Sequence[str], labels: np.ndarray, recipe: Recipe,
                             base: tuple[Sequence[str], np.ndarray] = ((), np.zeros(0, dtype=int)),
                             folds: int = 5, seed: int = 0) -> float:
    """Share of texts whose class a model trained without them (but with the base texts) gets right.

    Stratified folds with a fixed seed, so the figure is the same on every run.
    """
    hits = 0
    from sklearn.model_selection import StratifiedKFold

    splitter = StratifiedKFold(n_splits=folds, shuffle=True, random_state=seed)
    for fit_rows, test_rows in splitter.split(np.zeros(len(labels)), labels):
        model = train([*base[0], *(texts[i] for i in fit_rows)], np.concatenate([base[1], labels[fit_rows]]),
                      recipe)
        _, bands = model.score([texts[i] for i in test_rows])
        hits += sum(CLASSES[label] == band for label, band in zip(labels[test_rows], bands, strict=True))
    return hits / len(labels)
