"""Comment reads: a filtered, ordered page of them, their count, their spread by touchpoint, a sample per side.

Global Filters apply through the same conditions as every survey query; the page's own choices (touchpoints,
stages, sentiment band, NPS group, search) are added here. Every value is bound, the search included.
"""

from __future__ import annotations

from collections.abc import Sequence

import pandas as pd
import sqlalchemy as sa
from sqlalchemy.engine import Connection

from analytics.sentiment import BANDS, NOT_SCORED
from data_access.filters import Filters, tier_label
from data_access.reads.registry import cached_read
from data_access.schema import survey_responses
from data_access.schema import touchpoints as journey  # the name `touchpoints` is the readers' keyword
from data_access.sql import frame, nps_groups, survey_from, survey_where

SHOWN_CHARS = 500  # of a comment in a table: one 2 MB comment must not freeze the page; whole() reads it all
SAMPLE_PER_BAND = 3_000  # comments per side for the term analysis: enough for stable terms, small to send
_r = survey_responses.c
SENTIMENT_BANDS: dict[str, sa.ColumnElement] = {  # each comment's band was set by its scorer's own cut-offs
    band: _r.sentiment_band == band for band in (*BANDS, NOT_SCORED)}
NPS_GROUPS: dict[str, sa.ColumnElement] = nps_groups(_r.nps)
ORDERS: dict[str, tuple[sa.ColumnElement, ...]] = {
    "negative": (_r.sentiment.asc().nulls_last(), _r.response_id),
    "positive": (_r.sentiment.desc().nulls_last(), _r.response_id),
    "recent": (_r.submitted_at.desc(), _r.response_id),
}


def _has_comment() -> sa.ColumnElement:
    return sa.and_(_r.comment.is_not(None), sa.func.trim(_r.comment) != "")


def _allowed(name: str, value: str, options: dict) -> None:
    if value not in options:
        raise ValueError(f"unknown {name} {value!r}; choose one of: {', '.join(options)}")


def comment_where(filters: Filters, chosen: Sequence[str] = (), stages: Sequence[str] = (),
                   sentiment_band: str | None = None, nps_group: str | None = None,
                   search: str | None = None) -> list[sa.ColumnElement]:
    """The global filters, the page's choices, and 'has a comment', as one list of conditions."""
    where = [_has_comment(), *survey_where(filters)]
    if chosen:
        where.append(_r.touchpoint.in_(list(chosen)))
    if stages:
        where.append(journey.c.stage.in_(list(stages)))
    if sentiment_band is not None:
        _allowed("sentiment band", sentiment_band, SENTIMENT_BANDS)
        where.append(SENTIMENT_BANDS[sentiment_band])
    if nps_group is not None:
        _allowed("NPS group", nps_group, NPS_GROUPS)
        where.append(NPS_GROUPS[nps_group])
    if search and search.strip():  # a bound, escaped LIKE: % and _ in the search are literal characters
        where.append(sa.func.lower(_r.comment).contains(search.strip().lower(), autoescape=True))
    return where


@cached_read
def listed(conn: Connection, filters: Filters, *, touchpoints: Sequence[str] = (), stages: Sequence[str] = (),
             sentiment_band: str | None = None, nps_group: str | None = None, search: str | None = None,
             order: str = "negative", limit: int = 200) -> pd.DataFrame:
    """One page of comments in the view, most negative, most positive or most recent first; each comment cut to
    SHOWN_CHARS in the engine (with "…"), so a huge one never reaches the page whole."""
    _allowed("order", order, ORDERS)
    head = sa.func.substr(_r.comment, 1, SHOWN_CHARS + 1).label("comment")
    statement = (sa.select(_r.response_id, _r.submitted_at, _r.touchpoint, journey.c.stage, tier_label(),
                           _r.nps, _r.sentiment, _r.sentiment_band.label("band"), head)
                 .select_from(survey_from())
                 .where(*comment_where(filters, touchpoints, stages, sentiment_band, nps_group, search))
                 .order_by(*ORDERS[order]).limit(limit))
    found = frame(conn, statement)
    cut = found["comment"].str.len() > SHOWN_CHARS
    return found.assign(comment=found["comment"].where(~cut, found["comment"].str.slice(0, SHOWN_CHARS) + "…"))


@cached_read
def whole(conn: Connection, response_id: str) -> str | None:
    """One comment's whole text, read only when someone asks for it (tables show its first SHOWN_CHARS)."""
    return conn.execute(sa.select(_r.comment).where(_r.response_id == response_id)).scalar()


@cached_read
def count(conn: Connection, filters: Filters, *, touchpoints: Sequence[str] = (), stages: Sequence[str] = (),
          sentiment_band: str | None = None, nps_group: str | None = None, search: str | None = None) -> int:
    """How many comments the view holds, for 'showing 200 of 1,234'."""
    statement = (sa.select(sa.func.count()).select_from(survey_from())
                 .where(*comment_where(filters, touchpoints, stages, sentiment_band, nps_group, search)))
    return int(conn.execute(statement).scalar_one())


@cached_read
def by_touchpoint(conn: Connection, filters: Filters, *, touchpoints: Sequence[str] = (),
                  stages: Sequence[str] = (), nps_group: str | None = None,
                  search: str | None = None) -> pd.DataFrame:
    """Per touchpoint in the view: comments, negative and positive ones; most negative comments first."""
    negative = sa.func.count(sa.case((SENTIMENT_BANDS["negative"], 1))).label("negative")
    statement = (sa.select(_r.touchpoint, sa.func.count().label("comments"), negative,
                           sa.func.count(sa.case((SENTIMENT_BANDS["positive"], 1))).label("positive"))
                 .select_from(survey_from())
                 .where(*comment_where(filters, touchpoints, stages, None, nps_group, search))
                 .group_by(_r.touchpoint).order_by(negative.desc(), _r.touchpoint))
    return frame(conn, statement)


@cached_read
def sample(conn: Connection, filters: Filters, touchpoint: str, per_band: int = SAMPLE_PER_BAND) -> pd.DataFrame:
    """Negative and positive comment texts on one touchpoint, at most per_band of each, most recent first.

    The cap keeps the term analysis fast and the transfer small on any data size; on the demo data no
    touchpoint reaches it in a year. Neutral comments are left out: they distinguish neither side.
    """
    def side(band: str) -> sa.Select:
        inner = (sa.select(_r.comment, sa.literal(band).label("band")).select_from(survey_from())
                 .where(*comment_where(filters, (touchpoint,), sentiment_band=band))
                 .order_by(_r.submitted_at.desc(), _r.response_id).limit(per_band).subquery(band))
        return sa.select(inner.c.comment, inner.c.band)

    return frame(conn, sa.union_all(side("negative"), side("positive")))
