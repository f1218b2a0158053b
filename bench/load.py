"""Build the demo company into a fresh database through the real import path, timing each dataset.

Sentiment scoring is timed on its own by wrapping the loader's scorer call for the length of the load.
"""

from __future__ import annotations

import time
from contextlib import contextmanager
from pathlib import Path

import sqlalchemy as sa
from sqlalchemy.engine import make_url

from analytics.sentiment import DEFAULT_SCORER
from bench.common import timed
from data_access import loaders
from data_access.db import create_engine, open_database
from data_access.schema import metadata
from data_access.settings import masked

LOAD_ORDER = ("touchpoints", "customers", "tier_history", "survey", "service", "purchases")


def reset(url: str) -> None:
    """Start from nothing: delete the embedded file, or drop the app's tables in the PostgreSQL database."""
    parsed = make_url(url)
    if parsed.get_backend_name() == "duckdb":
        for path in (Path(parsed.database), Path(f"{parsed.database}.wal")):
            path.unlink(missing_ok=True)
        return
    engine = create_engine(url)
    with engine.begin() as conn:
        metadata.drop_all(conn)
        conn.execute(sa.text("DROP TABLE IF EXISTS alembic_version"))
    engine.dispose()


@contextmanager
def _scoring_clock(log: list[dict]):
    """Time every sentiment scoring call the loader makes, with how many texts and distinct texts it saw."""
    original = loaders.score_texts

    def clocked(texts, *args, **kwargs):
        start = time.perf_counter()
        scores = original(texts, *args, **kwargs)
        present = texts.dropna().astype(str).str.strip()
        present = present[present != ""]
        log.append({"seconds": time.perf_counter() - start, "texts": len(present),
                    "distinct": int(present.nunique())})
        return scores

    loaders.score_texts = clocked
    try:
        yield
    finally:
        loaders.score_texts = original


def build(url: str, scale: str, seed: int = 42, scorer: str = DEFAULT_SCORER) -> dict:
    """Generate the demo company at a scale and import it into a fresh database; seconds and rows/s per dataset."""
    from sample_data import generate

    reset(url)
    generate_seconds, frames = timed(lambda: generate.generate(scale, seed))
    migrate_seconds, engine = timed(lambda: open_database(url))
    datasets = []
    for name in LOAD_ORDER:
        scoring: list[dict] = []
        with _scoring_clock(scoring):
            seconds, report = timed(lambda name=name: loaders.import_dataset(
                engine, name, frames[name], name=f"bench:{name}", scorer=scorer))
        scored = {"sentiment_seconds": sum(s["seconds"] for s in scoring),
                  "texts": sum(s["texts"] for s in scoring), "distinct_texts": sum(s["distinct"] for s in scoring)}
        datasets.append({"dataset": name, "rows": report.stored, "rejected": report.rejected, "seconds": seconds,
                         "rows_per_second": report.stored / seconds if seconds else None,
                         **(scored if scoring else {})})
    engine.dispose()
    total = sum(d["seconds"] for d in datasets)
    rows = sum(d["rows"] for d in datasets)
    return {"url": masked(url), "scale": scale, "scorer": scorer,
            "generate_seconds": generate_seconds, "migrate_seconds": migrate_seconds, "datasets": datasets,
            "total_seconds": total, "total_rows": rows, "rows_per_second": rows / total if total else None}


def main(argv: list[str] | None = None) -> None:
    """`python -m bench.load --url URL --scale SCALE`: the load in its own process, so the generated frames'
    memory never stays with the process that starts the others."""
    import argparse

    from bench.common import emit

    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--url", required=True)
    parser.add_argument("--scale", required=True)
    args = parser.parse_args(argv)
    emit(build(args.url, args.scale))


if __name__ == "__main__":
    main()
