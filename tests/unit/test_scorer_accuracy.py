"""What the Voices page says about each scorer's accuracy: one line per scorer, and the comparison table."""

from datetime import datetime

import pytest

from analytics.scorer_accuracy import comparison, scorer_line
from analytics.sentiment import COMPANY, FIXED_BANDS, SCORERS

LEXICONS = [name for name, s in SCORERS.items() if s.kind == "lexicon"]

COMPANY_FIGURES = {
    "rated_comments": 123_456,
    "cv_accuracy": 0.8149,
    "cv_folds": 5,
    "agreement": {"textblob": 0.61, "vader": 0.7234, "ensemble": 0.69, "general": 0.65},
    "held_out": {"accuracy": 0.71, "macro_f1": 0.6789},
}


def _percent(share: float) -> str:
    return f"{round(share * 100)}%"


def test_the_figures_file_measured_every_lexicon():
    assert LEXICONS, "no lexicon scorer registered"
    for name in LEXICONS:
        figures = SCORERS[name].figures
        assert figures.get("held_out") and figures.get("held_out_fixed_bands") and figures.get("bands")


@pytest.mark.parametrize("name", LEXICONS)
def test_lexicon_line_gives_held_out_accuracy_n_macro_f1_bands_and_the_fixed_band_figure(name):
    figures = SCORERS[name].figures
    held, fixed = figures["held_out"], figures["held_out_fixed_bands"]
    low, high = figures["bands"]
    line = scorer_line(name)
    assert line.startswith(f"**{name}**")
    assert f"for {_percent(held['accuracy'])} of {held['n']:,} held-out" in line
    assert f"(macro-F1 {held['macro_f1']:.2f};" in line
    assert f"bands fitted at {low:+.2f} / {high:+.2f}" in line
    assert f"the usual ±{FIXED_BANDS[1]} gave {fixed['macro_f1']:.2f})" in line
    assert "not measured" not in line


def test_learned_scorer_line_has_no_band_comparison():
    held = SCORERS["general"].figures["held_out"]
    line = scorer_line("general")
    assert f"for {_percent(held['accuracy'])} of {held['n']:,} held-out" in line
    assert "bands fitted" not in line


def test_company_line_names_date_count_cv_accuracy_and_best_other_scorer():
    line = scorer_line(COMPANY, COMPANY_FIGURES, datetime(2026, 3, 5, 14, 30))
    assert line.startswith("**company**")
    assert "trained on 05 Mar 2026 on 123,456 of your rated comments" in line
    assert "on 81% of comments it did not learn from" in line  # 0.8149
    assert "5-fold cross-validation" in line
    assert "best other scorer, vader: 72%" in line  # the highest agreement, 0.7234
    assert "macro-F1 0.68 on held-out" in line  # 0.6789


def test_company_line_without_a_date_or_other_scorers():
    line = scorer_line(COMPANY, {**COMPANY_FIGURES, "agreement": {}})
    assert "trained on 123,456" in line
    assert "best other scorer" not in line


@pytest.mark.parametrize(("name", "company"), [("no-such-scorer", None), ("no-such-scorer", COMPANY_FIGURES),
                                               (COMPANY, None), (COMPANY, {})])
def test_unmeasured_or_unknown_scorer_says_not_measured(name, company):
    assert scorer_line(name, company) == f"**{name}** – not measured."


def test_comparison_without_company_figures_has_one_row_per_registered_scorer():
    table = comparison()
    assert table["scorer"].tolist() == list(SCORERS)
    for row in table.itertuples():
        held = SCORERS[row.scorer].figures["held_out"]
        assert row.held_out_accuracy == held["accuracy"]
        assert row.held_out_macro_f1 == held["macro_f1"]
        assert row.kind == SCORERS[row.scorer].kind
    assert table["agrees_with_customers"].isna().all()


def test_comparison_with_company_figures_adds_the_company_row_and_agreement():
    table = comparison(COMPANY_FIGURES).set_index("scorer")
    assert table.index.tolist() == [*SCORERS, COMPANY]
    for name in SCORERS:
        assert table.loc[name, "agrees_with_customers"] == COMPANY_FIGURES["agreement"][name]
    company = table.loc[COMPANY]
    assert company["agrees_with_customers"] == COMPANY_FIGURES["cv_accuracy"]
    assert company["held_out_accuracy"] == COMPANY_FIGURES["held_out"]["accuracy"]
    assert company["held_out_macro_f1"] == COMPANY_FIGURES["held_out"]["macro_f1"]
