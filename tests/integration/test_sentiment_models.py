"""The company scorer on real storage: trained on the demo company, stored, found, falling back when missing or
stale, and every stored comment re-scored in one transaction (DuckDB; the re-score also on PostgreSQL)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
import sqlalchemy as sa

from analytics.sentiment import COMPANY, DEFAULT_SCORER
from analytics.weak_labels import CV_ROWS, agreement, labelled
from data_access import sentiment_models
from data_access.db import open_database
from data_access.loaders import import_dataset
from data_access.reads import status
from data_access.schema import sentiment_models as models_table
from data_access.schema import survey_days, survey_responses

SURVEY = pd.DataFrame({
    "response_id": ["R1", "R2", "R3", "R4"],
    "customer_id": ["C1", "C2", "C3", "C4"],
    "submitted_at": pd.to_datetime(["2025-03-01", "2025-03-02", "2025-03-03", "2025-03-04"]),
    "touchpoint": ["Delivery"] * 4,
    "nps": [10, 2, 8, 5],
    "comment": ["Great delivery, really quick", "Terrible, the parcel was lost", "Lieferung kam zu spät",
                "Terrible, the parcel was lost"],
})


@pytest.fixture(scope="module")
def trained_demo(tmp_path_factory, demo_duckdb_path):
    """A copy of the demo company with a company scorer trained on it (trained once for the module)."""
    import shutil

    path = tmp_path_factory.mktemp("trained") / "cx.duckdb"
    shutil.copy(demo_duckdb_path, path)
    engine = open_database(f"duckdb:///{path}")
    steps = []
    stored = sentiment_models.train_and_store(engine, lambda what, share: steps.append(share))
    yield engine, stored, steps
    engine.dispose()


@pytest.mark.slow  # trains on the demo company: make test runs it, make test-fast leaves it out
def test_the_company_scorer_trains_on_the_demo_and_reports_its_cross_validated_accuracy(trained_demo):
    engine, stored, steps = trained_demo
    figures = stored.figures
    assert steps[-1] == 1.0 and steps == sorted(steps)
    assert figures["cv_folds"] == 5 and 0 < figures["cv_rows"] <= CV_ROWS
    assert figures["negative"] > 100 and figures["positive"] > 100
    assert figures["rated_comments"] == figures["negative"] + figures["positive"]
    assert set(figures["agreement"]) == {"textblob", "vader", "ensemble", "general"}
    assert 0.3 < figures["held_out"]["macro_f1"] <= 1
    with engine.connect() as conn:
        row = conn.execute(sa.select(models_table.c.scorer, models_table.c.rated_comments)).one()
        assert row == (COMPANY, sentiment_models.count_rated(conn))


@pytest.mark.slow  # trains on the demo company: make test runs it, make test-fast leaves it out
def test_it_beats_the_lexicon_scorers_on_the_demos_held_out_rated_comments(trained_demo, demo_duckdb_path):
    """Held out = the rated comments of the last two months, which a model trained on the rest never saw."""
    engine, _, _ = trained_demo
    with engine.connect() as conn:
        rated = sentiment_models.rated_comments(conn)
        cut = conn.execute(sa.select(sa.func.max(survey_responses.c.submitted_at))).scalar() - pd.Timedelta(days=61)
        dates = pd.Series([d for (d,) in conn.execute(
            sa.select(survey_responses.c.submitted_at)
            .where(survey_responses.c.comment.is_not(None), sa.func.trim(survey_responses.c.comment) != "",
                   sa.or_(survey_responses.c.nps.is_not(None), survey_responses.c.csat.is_not(None)))
            .order_by(survey_responses.c.submitted_at.desc(), survey_responses.c.response_id))])
    late = (dates >= cut).to_numpy()
    from analytics.sentiment import SCORERS
    from analytics.weak_labels import train_company

    model, _ = train_company(rated["comment"][~late], rated["nps"][~late], rated["csat"][~late])
    texts, labels, _ = labelled(rated["comment"][late], rated["nps"][late], rated["csat"][late])
    assert len(texts) > 200
    company = agreement(model.score(texts)[1], labels)
    for name in ("textblob", "vader", "ensemble"):
        assert company > agreement(SCORERS[name].score_batch(texts)[2], labels), name


def test_without_a_trained_model_the_general_scorer_is_used_with_a_notice(engine):
    with engine.connect() as conn:
        resolved = sentiment_models.resolve(conn, COMPANY)
    assert resolved.scorer.name == DEFAULT_SCORER
    assert "No company scorer has been trained yet" in resolved.notice


@pytest.mark.slow  # trains on the demo company: make test runs it, make test-fast leaves it out
def test_a_model_trained_before_the_comments_changed_much_is_stale(trained_demo):
    engine, stored, _ = trained_demo
    with engine.connect() as conn:
        assert sentiment_models.resolve(conn, COMPANY).scorer.name == COMPANY
        assert sentiment_models.resolve(conn, COMPANY).notice is None
        assert not status.company_scorer(conn)["stale"]
    with engine.connect() as conn:  # the model as if trained when there were 30% fewer rated comments
        conn.execute(sa.update(models_table).values(rated_comments=int(stored.rated_comments * 0.7)))
        resolved = sentiment_models.resolve(conn, COMPANY)
        assert status.company_scorer(conn)["stale"]
        conn.rollback()
    assert resolved.scorer.name == DEFAULT_SCORER and "changed too much" in resolved.notice


@pytest.mark.parametrize("scorer_name", ["vader", COMPANY])
def test_rescoring_updates_every_score_band_and_count_in_one_step(engine, scorer_name):
    import_dataset(engine, "survey", SURVEY, scorer="textblob")
    if scorer_name == COMPANY:  # too few comments to train: the general scorer stands in, and says so
        with pytest.raises(ValueError, match="Too few rated comments"):
            sentiment_models.train_and_store(engine)
    progress = []
    used, texts, notice = sentiment_models.rescore(engine, scorer_name, lambda w, s: progress.append(s))
    assert texts == 3  # distinct survey texts; no tickets
    assert progress[-1] == 1.0
    assert used == ("vader" if scorer_name == "vader" else DEFAULT_SCORER)
    assert (notice is None) == (scorer_name == "vader")
    with engine.connect() as conn:
        rows = {r.response_id: r for r in conn.execute(sa.select(survey_responses))}
        negative = conn.execute(sa.select(sa.func.sum(survey_days.c.sentiment_negative))).scalar()
    assert {r.sentiment_scorer for r in rows.values() if r.sentiment is not None} == {used}
    assert [rows[k].sentiment_band for k in ("R1", "R2", "R3", "R4")] == ["positive", "negative", "not scored",
                                                                            "negative"]
    assert rows["R3"].sentiment is None and rows["R3"].sentiment_scorer is None
    assert negative == 2  # the pre-aggregate counts the re-scored bands


def test_a_failed_rescore_changes_nothing(engine, monkeypatch):
    import_dataset(engine, "survey", SURVEY, scorer="textblob")
    with engine.connect() as conn:
        before = sorted(tuple(r) for r in conn.execute(sa.select(survey_responses)))

    def broken(*args, **kwargs):
        raise sa.exc.OperationalError("UPDATE", {}, RuntimeError("disk full"))

    monkeypatch.setattr(sentiment_models, "fill_pre_aggregates", broken)
    with pytest.raises(sa.exc.OperationalError):
        sentiment_models.rescore(engine, "vader")
    with engine.connect() as conn:
        assert sorted(tuple(r) for r in conn.execute(sa.select(survey_responses))) == before


@pytest.mark.slow  # trains on the demo company: make test runs it, make test-fast leaves it out
def test_stored_models_load_back_identical(trained_demo):
    engine, stored, _ = trained_demo
    with engine.connect() as conn:
        loaded = sentiment_models.latest(conn)
    texts = ["the courier was late again", "lovely staff", "ok"]
    np.testing.assert_allclose(loaded.model.probabilities(texts), stored.model.probabilities(texts), rtol=1e-6)
    assert loaded.figures == stored.figures
