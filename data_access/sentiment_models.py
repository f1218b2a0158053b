"""The company scorer's life: train it from the company's rated comments, store it, find it, and re-score every
stored comment with any scorer in one transaction.

Training reads comment texts (not aggregates): a model must see the words. It is bounded by MAX_TRAINING rows.
"""

from __future__ import annotations

import json
import math
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime

import pandas as pd
import sqlalchemy as sa
from sqlalchemy.engine import Connection, Engine

from analytics.sentiment import COMPANY, DEFAULT_SCORER, SCORERS, Scorer, learned, score_texts
from analytics.sentiment_model import TextModel
from analytics.weak_labels import StaleRule, is_stale, train_company
from data_access.change_log import log_change
from data_access.identity import check_write
from data_access.import_report import ImportReport
from data_access.pre_aggregates import fill_pre_aggregates, stale_after
from data_access.reads.status import count_rated, data_version, latest_company_model, rated_comment
from data_access.schema import TABLES, sentiment_models, survey_responses

STALE = StaleRule()
MAX_TRAINING = 300_000  # the most recent rated comments a training reads
Progress = Callable[[str, float], None]
_r = survey_responses.c


@dataclass(frozen=True)
class StoredModel:
    model_id: str
    trained_at: datetime
    data_version: int
    rated_comments: int
    figures: dict
    model: TextModel


def rated_comments(conn: Connection, limit: int = MAX_TRAINING) -> pd.DataFrame:
    """The most recent comments with an NPS or CSAT answer beside them: comment, nps, csat."""
    statement = (sa.select(_r.comment, _r.nps, _r.csat).where(*rated_comment())
                 .order_by(_r.submitted_at.desc(), _r.response_id).limit(limit))
    return pd.DataFrame(conn.execute(statement).all(), columns=["comment", "nps", "csat"])


def train_and_store(engine: Engine, progress: Progress | None = None) -> StoredModel:
    """Train the company scorer on the stored rated comments and keep it, with its figures, in the database."""
    check_write("import", "the company scorer is not trained, since it could not be stored.")
    with engine.connect() as conn:
        rated, version, available = rated_comments(conn), data_version(conn), count_rated(conn)
    model, figures = train_company(rated["comment"], rated["nps"], rated["csat"], progress)
    stored = StoredModel(uuid.uuid4().hex, datetime.now(UTC).replace(tzinfo=None), version, available, figures,
                         model)
    with engine.begin() as conn:
        conn.execute(sa.insert(sentiment_models).values(
            model_id=stored.model_id, scorer=COMPANY, trained_at=stored.trained_at, data_version=version,
            rated_comments=stored.rated_comments, figures=json.dumps(figures), model=model.to_bytes()))
    return stored


def latest(conn: Connection) -> StoredModel | None:
    row = conn.execute(latest_company_model(sentiment_models)).first()
    if row is None:
        return None
    return StoredModel(row.model_id, row.trained_at, row.data_version, row.rated_comments,
                       json.loads(row.figures), TextModel.from_bytes(row.model))


@dataclass(frozen=True)
class Resolved:
    """The scorer an import or a re-score will use, and why, when it is not the one asked for."""

    scorer: Scorer
    notice: str | None = None


def resolve(conn: Connection, name: str, rule: StaleRule = STALE) -> Resolved:
    """A registered scorer as is; the company scorer from its latest model, or the general one with a notice
    when none was trained or the comments changed too much since."""
    if name != COMPANY:
        return Resolved(SCORERS[name] if name in SCORERS else _unknown(name))
    stored = latest(conn)
    fallback = SCORERS[DEFAULT_SCORER]
    if stored is None:
        return Resolved(fallback, "No company scorer has been trained yet, so the general scorer was used. "
                                  "Train one on the Data page or with `python cli.py sentiment train`.")
    if is_stale(stored.rated_comments, count_rated(conn), rule):
        return Resolved(fallback, f"The company scorer was trained on {stored.rated_comments:,} rated comments; "
                                  "the data has changed too much since, so the general scorer was used. Retrain it.")
    return Resolved(Scorer(COMPANY, "Learned from this company's own rated comments.", "learned",
                           learned(stored.model)))


def _unknown(name: str) -> Scorer:
    raise ValueError(f"Unknown sentiment scorer {name!r}; choose one of: {', '.join([*SCORERS, COMPANY])}")


TEXTS = {"survey_responses": "comment", "service_tickets": "description"}


def rescore(engine: Engine, scorer_name: str, progress: Progress | None = None) -> tuple[str, int, str | None]:
    """Score every stored comment and ticket text again and store polarity, band and scorer, in one transaction
    (all or nothing), then rebuild the pre-aggregates that count them. Returns (scorer used, texts, notice)."""
    check_write("import", "stored texts are not re-scored.")
    with engine.begin() as conn:
        resolved = resolve(conn, scorer_name)
        rows = 0
        for position, (table_name, text_column) in enumerate(TEXTS.items()):
            table = TABLES[table_name]
            texts = pd.Series([r[0] for r in conn.execute(sa.select(table.c[text_column]).distinct())
                               if r[0] is not None], dtype="object")
            scores = score_texts(texts, resolved.scorer, progress=_part(progress, table_name, position))
            scores = scores.assign(text=texts)
            rows += _store_scores(conn, table, text_column, scores, resolved.scorer.name)
        for table_name in TEXTS:
            fill_pre_aggregates(conn, [t.name for t, _ in stale_after(table_name)])
        log_change(conn, ImportReport("survey", f"(re-scored by {resolved.scorer.name})", rows_read=rows,
                                scorer=resolved.scorer.name), "re-score")
    return resolved.scorer.name, rows, resolved.notice


def _part(progress: Progress | None, table_name: str, position: int) -> Callable[[int, int], None] | None:
    """Progress of one table's texts as its share of the whole re-score."""
    if progress is None:
        return None
    what = f"Scoring {table_name.replace('_', ' ')}"
    return lambda done, total: progress(what, (position + (done / total if total else 1.0)) / len(TEXTS))


def _number(value: float | None) -> float | None:
    return None if value is None or math.isnan(value) else float(value)


def _store_scores(conn: Connection, table: sa.Table, text_column: str, scores: pd.DataFrame, name: str) -> int:
    """Write the scores through a temporary table joined on the text: one UPDATE, not one per row."""
    temporary = sa.Table(f"rescore_{uuid.uuid4().hex[:8]}", sa.MetaData(), sa.Column("text", sa.Text),
                         sa.Column("sentiment", sa.Double), sa.Column("subjectivity", sa.Double),
                         sa.Column("band", sa.String), prefixes=["TEMPORARY"])
    temporary.create(conn)
    values = [{"text": t, "sentiment": _number(s), "subjectivity": _number(j), "band": b}
              for t, s, j, b in zip(scores["text"], scores["sentiment"], scores["subjectivity"], scores["band"],
                                    strict=True)]
    if values:
        conn.execute(temporary.insert(), values)
    conn.execute(table.update().where(table.c[text_column] == temporary.c.text).values(
        sentiment=temporary.c.sentiment, subjectivity=temporary.c.subjectivity, sentiment_band=temporary.c.band,
        sentiment_scorer=sa.case((temporary.c.sentiment.is_not(None), name))))
    temporary.drop(conn)
    return len(values)

