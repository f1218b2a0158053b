"""Sentiment scorers: the registry, the direction of scores, dedup and progress."""

import math

import pandas as pd
import pytest

from analytics.sentiment import SCORERS, score_texts


@pytest.mark.parametrize("name", list(SCORERS))
def test_every_scorer_tells_positive_from_negative(name):
    texts = pd.Series(["Great service, quick and friendly!", "Terrible. The parcel was late and the driver rude."])
    scores = score_texts(texts, name)
    assert scores.loc[0, "sentiment"] > 0.2
    assert scores.loc[1, "sentiment"] < -0.2
    assert scores["sentiment"].between(-1, 1).all()


def test_missing_and_blank_texts_get_no_score():
    scores = score_texts(pd.Series([None, "   ", "good"]), "textblob")
    assert math.isnan(scores.loc[0, "sentiment"]) and math.isnan(scores.loc[1, "sentiment"])
    assert scores.loc[2, "sentiment"] > 0


def test_identical_texts_are_scored_once_and_progress_reaches_the_total():
    calls = []
    texts = pd.Series(["good"] * 5 + ["bad"] * 5, index=range(10, 20))
    scores = score_texts(texts, "textblob", progress=lambda done, total: calls.append((done, total)))
    assert calls[-1] == (2, 2)  # two distinct texts
    assert list(scores.index) == list(range(10, 20))
    assert scores["sentiment"].nunique() == 2


def test_vader_has_no_subjectivity_and_ensemble_is_the_mean():
    text = pd.Series(["I love the new checkout, it is so easy"])
    tb, vader, ensemble = (score_texts(text, n).iloc[0] for n in ("textblob", "vader", "ensemble"))
    assert math.isnan(vader["subjectivity"])
    assert ensemble["sentiment"] == pytest.approx((tb["sentiment"] + vader["sentiment"]) / 2)
    assert ensemble["subjectivity"] == pytest.approx(tb["subjectivity"])


def test_parallel_scoring_gives_the_same_scores_as_serial():
    texts = pd.Series([f"order {i} was great" if i % 2 else f"order {i} was awful" for i in range(40)])
    serial = score_texts(texts, "textblob", workers=1)
    progress = []
    parallel = score_texts(texts, "textblob", workers=2, batch=10, progress=lambda d, t: progress.append(d))
    assert progress == [10, 20, 30, 40]  # four batches came back from the worker processes
    pd.testing.assert_frame_equal(serial, parallel)


def test_unknown_scorer_names_the_valid_ones():
    with pytest.raises(ValueError, match="textblob, vader, ensemble"):
        score_texts(pd.Series(["x"]), "bert")


def test_parallel_scoring_works_when_main_is_a_page_script(tmp_path, monkeypatch):
    """Streamlit and AppTest make the page script __main__; spawned workers must not run it again."""
    import sys
    import types

    page = tmp_path / "page.py"
    page.write_text("raise SystemExit('a worker ran the page script')\n")
    fake_main = types.ModuleType("__main__")
    fake_main.__file__ = str(page)
    monkeypatch.setitem(sys.modules, "__main__", fake_main)
    texts = pd.Series(["lovely"] * 3 + ["dreadful", "fine", "ok"])
    scores = score_texts(texts, "textblob", workers=2, batch=2)
    assert scores["sentiment"].notna().all()
    assert sys.modules["__main__"] is fake_main
