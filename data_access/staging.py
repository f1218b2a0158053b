"""The staged rows of an import: a temporary table with the file's valid rows, the checks that need every row at
once (keys repeated across chunks and files, strict mode's unknown customers), and the upsert into the target."""

from __future__ import annotations

import uuid
from collections.abc import Collection

import pandas as pd
import sqlalchemy as sa
from sqlalchemy.engine import Connection

from data_access import known_customers
from data_access.schema import customers
from data_access.sql import Window
from data_access.validate import DUPLICATE_KEY

SOURCE_COLUMNS = ("source_file", "source_row")  # on staged rows: which file (its index) and which row of it


def stage_table(conn: Connection, target: sa.Table, columns: Collection[str]) -> sa.Table:
    """An empty temporary table with the target's columns that the files provide, plus where each row came from."""
    stage = sa.Table(f"stage_{target.name}_{uuid.uuid4().hex[:8]}", sa.MetaData(),
                     *(sa.Column(c.name, c.type) for c in target.columns if c.name in columns),
                     *(sa.Column(name, sa.Integer) for name in SOURCE_COLUMNS), prefixes=["TEMPORARY"])
    stage.create(conn)
    return stage


def reject_unknown_customers(conn: Connection, stage: sa.Table, files: list[str]) -> pd.DataFrame:
    """Strict mode: rows naming a customer no customers file holds are removed and reported."""
    unknown = ~sa.exists().where(customers.c.customer_id == stage.c.customer_id,
                                 known_customers.from_file())
    rows = conn.execute(sa.select(stage.c.source_file, stage.c.source_row, stage.c.customer_id).where(unknown)).all()
    conn.execute(sa.delete(stage).where(unknown))
    return pd.DataFrame({"file": [files[r.source_file] for r in rows], "row": [r.source_row for r in rows],
                         "column": "customer_id", "value": [r.customer_id for r in rows],
                         "reason": "unknown customer (strict mode)"})


def _matching(target: sa.Table, stage: sa.Table, key: tuple[str, ...]) -> tuple[sa.ColumnElement, sa.ColumnElement,
                                                                                 list[str]]:
    """(a staged row and a stored row share the key, they differ in a value the files give, those value columns)."""
    same_key = sa.and_(*(target.c[k] == stage.c[k] for k in key))
    values = [c.name for c in stage.columns if c.name not in key and c.name not in SOURCE_COLUMNS]
    changed = sa.or_(*(target.c[c].is_distinct_from(stage.c[c]) for c in values)) if values else sa.false()
    return same_key, changed, values


def changing(target: sa.Table, stage: sa.Table, key: tuple[str, ...], columns: Collection[str]) -> list[sa.Select]:
    """What the upsert is about to change, as SELECTs of the columns: the staged rows that are new or differ from
    the stored row with their key, and those stored rows as they are now (a changed row may name another customer
    or day than before). Read before the upsert; unchanged rows change nothing."""
    same_key, changed, _ = _matching(target, stage, key)
    staged = sa.select(*(stage.c[c] for c in columns)).where(~sa.exists().where(same_key, sa.not_(changed)))
    # the stored rows joined from the staged ones (whose keys are unique by now), so the target's key index serves it
    overwritten = sa.select(*(target.c[c] for c in columns)).select_from(stage.join(target, same_key)).where(changed)
    return [staged, overwritten]


def upsert(conn: Connection, target: sa.Table, stage: sa.Table, key: tuple[str, ...]) -> tuple[int, int, int]:
    """Update changed rows, insert new ones; returns (inserted, updated, unchanged)."""
    same_key, changed, values = _matching(target, stage, key)

    def count(*conditions: sa.ColumnElement) -> int:  # up front: drivers disagree on rowcount for INSERT ... SELECT
        return conn.execute(sa.select(sa.func.count()).select_from(stage).where(*conditions)).scalar_one()

    total = count()
    matched = count(sa.exists().where(same_key))
    updated = count(sa.exists().where(same_key, changed)) if values and matched else 0
    if updated:
        conn.execute(sa.update(target).where(same_key, changed).values({c: stage.c[c] for c in values}))
    names = [c.name for c in stage.columns if c.name not in SOURCE_COLUMNS]
    conn.execute(sa.insert(target).from_select(
        names, sa.select(*(stage.c[n] for n in names)).where(~sa.exists().where(same_key))))
    return total - matched, updated, matched - updated


def reject_repeated_keys(conn: Connection, stage: sa.Table, key: tuple[str, ...], files: list[str]) -> pd.DataFrame:
    """Keys repeated across chunks or files: the first row wins, the later ones are reported."""
    in_order = Window(partition_by=[stage.c[k] for k in key], order_by=(stage.c.source_file, stage.c.source_row))
    ranked = sa.select(stage.c.source_file, stage.c.source_row, stage.c[key[0]].label("value"),
                       sa.func.row_number().over(**in_order).label("seen"),
                       sa.func.first_value(stage.c.source_file).over(**in_order).label("first_file"),
                       sa.func.first_value(stage.c.source_row).over(**in_order).label("first_row")).subquery("ranked")
    later = sa.select(ranked).where(ranked.c.seen > 1).subquery("later")
    rows = conn.execute(sa.select(later).order_by(later.c.source_file, later.c.source_row)).all()
    if rows:
        conn.execute(sa.delete(stage).where(sa.exists().where(later.c.source_file == stage.c.source_file,
                                                              later.c.source_row == stage.c.source_row)))
    first = [(files[r.first_file] + " row " if len(files) > 1 else "row ") + str(r.first_row) for r in rows]
    return pd.DataFrame({"file": [files[r.source_file] for r in rows], "row": [r.source_row for r in rows],
                         "column": key[0], "value": [f"{r.value} (first in {where})" for r, where in zip(rows, first,
                                                                                                     strict=True)],
                         "reason": DUPLICATE_KEY})
