"""The measured scorer accuracy the Voices page shows is read from the benchmark's results file."""

import json

from analytics.scorer_accuracy import measured_accuracy


def test_reads_the_headline_r_and_says_none_when_unmeasured(tmp_path):
    path = tmp_path / "sentiment.json"
    path.write_text(json.dumps({"scorers": {"vader": {"headline_r": 0.59}}}))
    assert measured_accuracy("vader", path) == 0.59
    assert measured_accuracy("textblob", path) is None
    assert measured_accuracy("vader", tmp_path / "missing.json") is None
    path.write_text("not json")
    assert measured_accuracy("vader", path) is None
