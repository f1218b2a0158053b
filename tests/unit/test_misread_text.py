"""Text a lexicon misreads: every case on every scorer, with the misses each scorer is known to make.

Each row is a short customer comment, the band a person gives it, and what makes it hard. The test scores every
row with every scorer in the registry and asserts the band. The scorers known to misread a row are listed in
its `misses` (space-separated scorer names): those pairs are strict xfails, so a scorer that starts reading one
right fails the test until the row is updated. A scorer not named anywhere (a new one) is expected to read every
row right; add its misses here once measured.

The misses are measured with each scorer's calibrated bands (lexicons) or its own classes (learned scorers).
Sarcasm defeats all of them, the learned general scorer included; emoji defeat TextBlob, whose lexicon has none.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import cache

import pandas as pd
import pytest

from analytics.sentiment import NOT_SCORED, SCORERS, score_texts

NEGATIVE, NEUTRAL, POSITIVE = "negative", "neutral", "positive"
ALL_MISS = "textblob vader ensemble general"


@dataclass(frozen=True)
class Case:
    text: str
    band: str  # what a person reads: negative, neutral, positive, or NOT_SCORED for a comment not in English
    category: str  # negation, intensifier, emoji, emoticon, caps, sarcasm, non_english, plain
    misses: str = ""  # scorers known to misread it, space-separated
    name: str = ""  # for the test id, when the text does not make a readable one

    @property
    def slug(self) -> str:
        text = self.name or unicodedata.normalize("NFKD", self.text).encode("ascii", "ignore").decode()
        return "-".join(re.findall(r"[a-z0-9]+", text.lower())[:8])


CASES = [
    Case("not bad at all", POSITIVE, "negation"),
    Case("not good", NEGATIVE, "negation"),
    Case("never again", NEGATIVE, "negation", "textblob vader ensemble"),
    Case("I wouldn't recommend this shop", NEGATIVE, "negation", "textblob"),
    Case("No complaints, everything arrived on time", POSITIVE, "negation", "textblob ensemble"),
    Case("didnt like the new menu", NEGATIVE, "negation", "textblob"),
    Case("absolutely fantastic service", POSITIVE, "intensifier"),
    Case("extremely rude driver", NEGATIVE, "intensifier"),
    Case("the soup was barely warm", NEGATIVE, "intensifier", "textblob vader ensemble general"),
    Case("😡 parcel lost", NEGATIVE, "emoji", "textblob"),
    Case("😍😍😍", POSITIVE, "emoji", "textblob", name="heart eyes x3"),
    Case("Delivery on time 👍", POSITIVE, "emoji", "textblob vader ensemble"),
    Case("waited 2 hours for a table 🙄", NEGATIVE, "emoji", "textblob vader ensemble general"),
    Case("great :)", POSITIVE, "emoticon"),
    Case("order arrived broken :(", NEGATIVE, "emoticon"),
    Case("thanks for sorting it so quickly :D", POSITIVE, "emoticon"),
    Case("still no refund :-(", NEGATIVE, "emoticon"),
    Case("the app is SO slow", NEGATIVE, "caps", "vader"),
    Case("WORST SERVICE EVER", NEGATIVE, "caps"),
    Case("LOVE the new app", POSITIVE, "caps"),
    Case("CANCELLED MY ORDER WITHOUT ASKING", NEGATIVE, "caps", "textblob"),
    Case("Oh great, another two-week delay. Just what I needed.", NEGATIVE, "sarcasm", ALL_MISS),
    Case("Wow, thanks for losing my parcel. Again.", NEGATIVE, "sarcasm", ALL_MISS),
    Case("Love waiting 40 minutes on hold, best part of my day", NEGATIVE, "sarcasm", ALL_MISS),
    Case("Brilliant, the app crashed right at checkout", NEGATIVE, "sarcasm", ALL_MISS),
    Case("Lieferung kam zu spät", NOT_SCORED, "non_english"),
    Case("El pedido llegó tarde y el repartidor fue grosero", NOT_SCORED, "non_english"),
    Case("Livraison rapide, très satisfait", NOT_SCORED, "non_english"),
    Case("Servizio ottimo, consegna veloce", NOT_SCORED, "non_english"),
    Case("服务很好，送货很快", NOT_SCORED, "non_english", "", name="chinese good service fast delivery"),
    Case("The parcel arrived on Tuesday.", NEUTRAL, "plain"),
    Case("I ordered two shirts and a pair of shoes.", NEUTRAL, "plain", "general"),
    Case("Great service, friendly staff", POSITIVE, "plain"),
    Case("The driver was rude and the box was damaged", NEGATIVE, "plain"),
]


@cache
def _bands(scorer_name: str) -> dict[str, str]:
    """Every case scored once per scorer."""
    texts = [case.text for case in CASES]
    frame = score_texts(pd.Series(texts), scorer_name)
    return dict(zip(texts, frame["band"], strict=True))


def _pairs() -> list:
    pairs = []
    for case in CASES:
        for name in SCORERS:
            marks = []
            if name in case.misses.split():
                marks.append(pytest.mark.xfail(strict=True, reason=f"{name} is known to misread this {case.category}"))
            pairs.append(pytest.param(case, name, id=f"{case.category}-{case.slug}-{name}", marks=marks))
    return pairs


@pytest.mark.parametrize(("case", "scorer_name"), _pairs())
def test_each_scorer_reads_the_case_as_a_person_does(case: Case, scorer_name: str) -> None:
    assert _bands(scorer_name)[case.text] == case.band


def test_the_table_is_well_formed() -> None:
    assert len({case.text for case in CASES}) == len(CASES)
    assert len({case.slug for case in CASES}) == len(CASES)
    assert {case.band for case in CASES} == {NEGATIVE, NEUTRAL, POSITIVE, NOT_SCORED}
    categories = {"negation", "intensifier", "emoji", "emoticon", "caps", "sarcasm", "non_english", "plain"}
    assert {case.category for case in CASES} == categories
    assert all((case.band == NOT_SCORED) == (case.category == "non_english") for case in CASES)
    named = {name for case in CASES for name in case.misses.split()}
    assert named <= set(SCORERS) | {"general", "company"}, "a miss names a scorer that does not exist"
