"""Three-class sentiment measurement: class cut-offs, confusion, accuracy, macro-F1, the stable split, band fitting."""

import json
import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from analytics.sentiment_eval import (
    RatedSet,
    accuracy,
    classify,
    confusion,
    evaluate,
    fit_bands,
    is_held_out,
    macro_f1,
    read_rated_set,
    split,
    three_classes,
)

ROOT = Path(__file__).resolve().parents[2]


def test_three_classes_cut_offs_keep_exactly_minus_and_plus_half_neutral():
    ratings = np.array([-4.0, -0.51, -0.5, 0.0, 0.5, 0.51, 4.0])
    assert three_classes(ratings).tolist() == [0, 0, 1, 1, 1, 2, 2]


# truth:     0 0 0 0 1 1 1 2 2 2
# predicted: 0 0 1 2 1 1 0 2 2 1
# rows = human class, columns = scorer's class:
#   negative [2, 1, 1]   neutral [1, 2, 0]   positive [0, 1, 2]
# negative: TP 2, predicted 3, actual 4 -> P 2/3, R 1/2 -> F1 = 2*2/(3+4) = 4/7
# neutral:  TP 2, predicted 4, actual 3 -> P 1/2, R 2/3 -> F1 = 2*2/(4+3) = 4/7
# positive: TP 2, predicted 3, actual 3 -> P 2/3, R 2/3 -> F1 = 2*2/(3+3) = 2/3
# macro-F1 = (4/7 + 4/7 + 2/3) / 3 = 38/63; accuracy = 6/10
TRUTH = np.array([0, 0, 0, 0, 1, 1, 1, 2, 2, 2])
PREDICTED = np.array([0, 0, 1, 2, 1, 1, 0, 2, 2, 1])


def test_confusion_rows_are_the_human_class_and_columns_the_scorer():
    assert confusion(TRUTH, PREDICTED).tolist() == [[2, 1, 1], [1, 2, 0], [0, 1, 2]]


def test_accuracy_and_macro_f1_on_a_hand_computed_example():
    matrix = confusion(TRUTH, PREDICTED)
    assert accuracy(matrix) == pytest.approx(0.6)
    assert macro_f1(matrix) == pytest.approx(38 / 63)


def test_macro_f1_counts_a_never_predicted_class_as_zero():
    # truth 0 0 1 1 2 2, nobody predicted neutral: [[2,0,0],[1,0,1],[0,0,2]]
    # negative 2*2/(3+2) = 4/5, neutral 0, positive 2*2/(3+2) = 4/5 -> (0.8 + 0 + 0.8) / 3
    matrix = confusion(np.array([0, 0, 1, 1, 2, 2]), np.array([0, 0, 0, 2, 2, 2]))
    assert matrix.tolist() == [[2, 0, 0], [1, 0, 1], [0, 0, 2]]
    assert macro_f1(matrix) == pytest.approx(1.6 / 3)
    assert accuracy(matrix) == pytest.approx(4 / 6)


def test_macro_f1_scores_an_absent_class_zero_and_accuracy_of_nothing_is_nan():
    # neutral neither present nor predicted: documented as F1 0, so perfect calls on the rest give 2/3
    assert macro_f1(confusion(np.array([0, 2]), np.array([0, 2]))) == pytest.approx(2 / 3)
    assert np.isnan(accuracy(np.zeros((3, 3), dtype=int)))


def test_classify_scores_on_a_cut_off_are_neutral_and_nan_is_neutral():
    scores = np.array([-0.21, -0.2, 0.0, 0.3, 0.31, np.nan])
    assert classify(scores, -0.2, 0.3).tolist() == [0, 1, 1, 1, 2, 1]


def _synthetic(n: int) -> RatedSet:
    return RatedSet("synthetic", [f"customer comment number {i}" for i in range(n)], np.arange(n, dtype=float))


def test_split_is_stable_and_holds_out_about_thirty_percent():
    rated = _synthetic(5_000)
    sides = [is_held_out(t) for t in rated.texts]
    assert sides == [is_held_out(t) for t in rated.texts]
    assert 0.27 <= np.mean(sides) <= 0.33
    calibration, held = split(rated)
    again_calibration, again_held = split(rated)
    assert calibration.texts == again_calibration.texts and held.texts == again_held.texts
    assert len(held.texts) == sum(sides)


def test_split_parts_are_disjoint_cover_the_set_and_keep_each_rating_with_its_text():
    rated = _synthetic(2_000)
    calibration, held = split(rated)
    assert not set(calibration.texts) & set(held.texts)
    assert sorted(calibration.texts + held.texts) == sorted(rated.texts)
    assert len(calibration.ratings) == len(calibration.texts) and len(held.ratings) == len(held.texts)
    for part in (calibration, held):
        assert [int(t.rsplit(" ", 1)[1]) for t in part.texts] == part.ratings.astype(int).tolist()
    assert all(is_held_out(t) for t in held.texts) and not any(is_held_out(t) for t in calibration.texts)


def test_split_does_not_depend_on_the_process_hash_seed():
    """Python's hash() changes per process; the split must not (it is a SHA-1 of the text)."""
    texts = [f"comment {i}" for i in range(300)]
    code = ("import json, sys; from analytics.sentiment_eval import is_held_out; "
            "print(json.dumps([is_held_out(t) for t in json.loads(sys.stdin.read())]))")
    here = [is_held_out(t) for t in texts]
    for seed in ("1", "2"):
        env = {**os.environ, "PYTHONHASHSEED": seed}
        out = subprocess.run([sys.executable, "-c", code], input=json.dumps(texts), capture_output=True, text=True,
                             cwd=ROOT, env=env, check=True).stdout
        assert json.loads(out) == here


def _obvious():
    scores = np.concatenate([np.linspace(-0.9, -0.6, 10), np.linspace(-0.1, 0.1, 10), np.linspace(0.6, 0.9, 10)])
    return scores, np.repeat([0, 1, 2], 10)


def test_fit_bands_separates_obvious_classes_perfectly_with_a_narrow_band():
    scores, truth = _obvious()
    low, high = fit_bands(scores, truth)
    assert macro_f1(confusion(truth, classify(scores, low, high))) == 1.0
    assert -0.6 < low <= -0.1 and 0.1 <= high < 0.6
    # ties go to the narrower band: closer to the neutrals than to the middle of each gap
    assert low > -0.35 and high < 0.35


def test_fit_bands_is_deterministic_whatever_the_order():
    scores, truth = _obvious()
    first = fit_bands(scores, truth)
    assert fit_bands(scores, truth) == first
    order = np.random.default_rng(7).permutation(len(scores))
    assert fit_bands(scores[order], truth[order]) == first


def test_fit_bands_finds_a_wider_neutral_band_when_that_is_better_than_the_fixed_one():
    scores = np.concatenate([np.linspace(-0.8, -0.35, 10), np.linspace(-0.3, 0.3, 20), np.linspace(0.35, 0.8, 10)])
    truth = np.repeat([0, 1, 2], [10, 20, 10])
    fixed = macro_f1(confusion(truth, classify(scores, -0.05, 0.05)))
    low, high = fit_bands(scores, truth)
    fitted = macro_f1(confusion(truth, classify(scores, low, high)))
    assert fitted > fixed
    assert fitted == 1.0
    assert high - low > 0.1


def test_read_rated_set_handles_bom_crlf_and_individual_ratings(tmp_path):
    path = tmp_path / "tiny_GroundTruth.txt"
    rows = ["1\t-1.5\t-2\t-1\tThe parcel was late",
            "2\t2.25\t3\t2\t2\tHe said \"loved it\", café très bien",
            "3\t0.0\tIt arrived",
            ""]
    path.write_bytes(("\ufeff" + "\r\n".join(rows) + "\r\n").encode("utf-8"))
    rated = read_rated_set(path)
    assert rated.name == "tiny"
    assert rated.texts == ["The parcel was late", "He said \"loved it\", café très bien", "It arrived"]
    assert rated.ratings.tolist() == [-1.5, 2.25, 0.0]
    assert rated.labels.tolist() == [0, 2, 1]


def test_evaluate_reports_n_accuracy_macro_f1_confusion_and_pearson():
    scores = np.array([-0.9, -0.2, 0.0, 0.3, 0.8])
    truth = np.array([0, 0, 1, 1, 2])
    # with bands (-0.5, 0.5): predicted 0 1 1 1 2 -> [[1,1,0],[0,2,0],[0,0,1]]
    # F1: negative 2/(1+2) = 2/3, neutral 4/(3+2) = 4/5, positive 2/(1+1) = 1 -> mean 0.8222
    result = evaluate(scores, truth, (-0.5, 0.5), ratings=2 * scores + 1)
    assert result["n"] == 5
    assert result["accuracy"] == pytest.approx(0.8)
    assert result["macro_f1"] == pytest.approx(round((2 / 3 + 4 / 5 + 1) / 3, 4))
    assert result["confusion"] == [[1, 1, 0], [0, 2, 0], [0, 0, 1]]
    assert result["pearson_r"] == pytest.approx(1.0)
    assert "pearson_r" not in evaluate(scores, truth, (-0.5, 0.5))


def test_evaluate_pearson_r_on_a_hand_computed_example():
    # x 1 2 3, y 1 3 2: deviations (-1,0,1) and (-1,1,0): r = 1 / sqrt(2 * 2) = 0.5
    result = evaluate(np.array([1.0, 2.0, 3.0]), np.array([2, 2, 2]), (-0.5, 0.5), ratings=np.array([1.0, 3.0, 2.0]))
    assert result["pearson_r"] == pytest.approx(0.5)
