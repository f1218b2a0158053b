"""How well each sentiment scorer agrees with people, as last measured by the benchmark (bench/results/sentiment.json).

The figure is Pearson r against the mean human rating of the VADER paper's Amazon review snippets, the
human-rated set closest to customer comments. No Streamlit, no SQL: a page shows it next to the active scorer.
"""

from __future__ import annotations

import json
from pathlib import Path

RESULTS = Path(__file__).resolve().parent.parent / "bench" / "results" / "sentiment.json"
HEADLINE_SET = "amazonReviewSnippets"  # the rated set whose r is shown; `make bench` writes the file


def measured_accuracy(scorer: str, path: Path = RESULTS) -> float | None:
    """The scorer's measured Pearson r on the headline set; None when it was not measured or there is no file."""
    try:
        measured = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    value = measured.get("scorers", {}).get(scorer, {}).get("headline_r")
    return float(value) if isinstance(value, (int, float)) else None
