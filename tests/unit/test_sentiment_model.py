"""Learned sentiment models on a tiny hand-made corpus: fit, score, store as plain arrays, cross-validate."""

import io

import numpy as np
import pytest

from analytics.sentiment import general_model
from analytics.sentiment_eval import CLASSES
from analytics.sentiment_model import Recipe, TextModel, cross_validated_accuracy, train

NEGATIVE_TEXTS = [
    "The parcel arrived late and damaged", "Terrible service, nobody answered my call",
    "Very slow delivery, really disappointed", "The driver was rude and unhelpful",
    "My order was wrong and the refund took weeks", "Awful experience, never again",
    "The app keeps crashing at checkout", "Late again, this is terrible", "Rude staff and a damaged box",
    "Disappointed with the slow refund", "Worst customer service I have had", "The item broke after one day, awful",
    "Nobody helped me, terrible support", "Delivery was late and the courier was rude",
    "I waited two weeks, very disappointed", "The checkout failed three times, awful",
    "Poor quality and a slow refund", "Terrible packaging, everything was damaged",
    "The support team never replied, awful", "Really bad experience with the courier", "My parcel was lost, terrible",
    "Awful, the order never arrived", "Slow, rude and unhelpful", "Bad quality, broke straight away",
    "Disappointed, the refund is still missing", "The driver threw the parcel, rude",
    "Terrible app, keeps logging me out", "Poor service and very late delivery",
    "Never ordering again, awful support", "The box was damaged and the item broken",
]
NEUTRAL_TEXTS = [
    "The parcel arrived on Tuesday", "I ordered two items", "Delivery was on the expected day",
    "I used the app to place the order", "The courier came in the afternoon", "I paid by card at checkout",
    "The order contained three items", "I collected the parcel from the shop", "The box was brown",
    "I changed my delivery address", "The item is as described", "I called support to check the order status",
    "Delivery took three days", "I used the website this time", "The parcel was left with a neighbour",
    "I ordered the blue version", "The courier rang the bell", "I read the email confirmation",
    "The order number was on the box", "I will check the app later", "The item came in a box",
    "I ordered it on Monday", "The delivery window was in the morning", "I paid with points",
    "The parcel had a label", "I updated my account details", "The order was split into two parcels",
    "I checked the tracking page", "The courier took the parcel to the shop", "I used a discount code at checkout",
]
POSITIVE_TEXTS = [
    "Great service, quick and friendly", "The delivery was fast, thank you", "Lovely staff, really helpful",
    "Excellent quality, very happy", "Quick refund, great support", "The driver was friendly and polite",
    "Love the new app, so easy", "Fast delivery and great packaging", "Very happy with my order, thank you",
    "Brilliant service as always", "Helpful support team, great experience", "The courier was friendly and quick",
    "Excellent, arrived early", "Great quality and fast delivery", "Really happy, will order again",
    "Friendly and helpful staff", "Love it, great value", "Fast, friendly and easy", "Thank you for the quick help",
    "Perfect order, very happy", "Great app, checkout was easy", "Excellent support, thank you",
    "The parcel arrived early, brilliant", "Happy with the quality, great", "Quick and easy, love it",
    "Amazing service, thank you so much", "Friendly driver and fast delivery", "Great experience, highly recommend",
    "Very helpful and quick support", "Easy returns, great service",
]
TEXTS = NEGATIVE_TEXTS + NEUTRAL_TEXTS + POSITIVE_TEXTS
LABELS = np.repeat([0, 1, 2], [len(NEGATIVE_TEXTS), len(NEUTRAL_TEXTS), len(POSITIVE_TEXTS)])

RECIPES = {
    "words_sgd": Recipe(chars=None, lexicon=False, classifier="sgd"),
    "words_chars_logistic": Recipe(chars=(2, 3), lexicon=False),
}


@pytest.fixture(scope="module", params=list(RECIPES))
def model(request) -> TextModel:
    return train(TEXTS, LABELS, RECIPES[request.param], info={"trained_on": len(TEXTS), "corpus": "tiny"})


def test_it_gets_its_training_texts_mostly_right(model):
    _, bands = model.score(TEXTS)
    right = np.mean([band == CLASSES[label] for band, label in zip(bands, LABELS, strict=True)])
    assert right >= 0.9
    for label in (0, 1, 2):  # and every class, not just the majority of the corpus
        assert np.mean([b == CLASSES[label] for b, lab in zip(bands, LABELS, strict=True) if lab == label]) >= 0.8


def test_bytes_round_trip_keeps_probabilities_recipe_and_info(model):
    loaded = TextModel.from_bytes(model.to_bytes())
    assert loaded.recipe == model.recipe
    assert loaded.info == {"trained_on": len(TEXTS), "corpus": "tiny"}
    probe = [*TEXTS[::7], "A word the model never saw: zyzzyva", ""]
    np.testing.assert_allclose(loaded.probabilities(probe), model.probabilities(probe), rtol=0, atol=1e-6)
    assert loaded.score(probe)[1] == model.score(probe)[1]


def test_the_stored_blob_holds_plain_arrays_only(model):
    blob = model.to_bytes()
    blocks = 2 if model.recipe.chars else 1
    with np.load(io.BytesIO(blob), allow_pickle=False) as stored:
        expected = {"coef", "intercept", "meta"} | {f"{kind}_{i}" for kind in ("terms", "idf") for i in range(blocks)}
        assert set(stored.files) == expected
        for name in stored.files:
            array = stored[name]  # raises ValueError if the array needs unpickling
            assert array.dtype != object


def test_polarity_is_p_positive_minus_p_negative_and_within_bounds(model):
    probe = [*TEXTS, "great", "late", "the box"]
    polarity, bands = model.score(probe)
    p = model.probabilities(probe)
    np.testing.assert_allclose(p.sum(axis=1), 1.0, atol=1e-6)  # float32 features
    np.testing.assert_allclose(polarity, p[:, 2] - p[:, 0], atol=1e-12)
    assert np.all((polarity >= -1) & (polarity <= 1))
    assert bands == [CLASSES[i] for i in p.argmax(axis=1)]
    assert polarity[TEXTS.index("Great service, quick and friendly")] > 0
    assert polarity[TEXTS.index("Awful experience, never again")] < 0


def test_scoring_nothing_gives_nothing(model):
    polarity, bands = model.score([])
    assert len(polarity) == 0 and bands == []


@pytest.mark.parametrize("recipe", list(RECIPES.values()), ids=list(RECIPES))
def test_training_without_a_neutral_example_is_refused(recipe):
    keep = LABELS != 1
    with pytest.raises(ValueError, match="neutral"):
        train([t for t, k in zip(TEXTS, keep, strict=True) if k], LABELS[keep], recipe)


def test_cross_validated_accuracy_is_repeatable_and_a_share():
    recipe = RECIPES["words_sgd"]
    first = cross_validated_accuracy(TEXTS, LABELS, recipe, folds=3)
    assert cross_validated_accuracy(TEXTS, LABELS, recipe, folds=3) == first
    assert 0.0 <= first <= 1.0
    assert first > 1 / 3  # better than guessing among three balanced classes
    assert round(first * len(TEXTS)) == pytest.approx(first * len(TEXTS))  # a share of whole texts


def test_the_shipped_general_model_tells_praise_from_complaint():
    _, bands = general_model().score(["Great service, quick and friendly!",
                                      "Terrible. The parcel was late and the driver rude."])
    assert bands == ["positive", "negative"]
