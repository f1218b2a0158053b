"""The few SQL functions that differ between engines, each compiled per dialect.

Everything else in the queries is portable SQLAlchemy Core.
"""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.compiler import SQLCompiler
from sqlalchemy.sql.functions import FunctionElement


class month_start(FunctionElement):  # noqa: N801 - reads like the SQL function it stands for
    """First instant of the timestamp's month."""

    type = sa.DateTime()
    inherit_cache = True
    name = "month_start"


@compiles(month_start)
def _month_start_default(element: FunctionElement, compiler: SQLCompiler, **kw: Any) -> str:
    return f"date_trunc('month', {compiler.process(element.clauses, **kw)})"


@compiles(month_start, "sqlite")
def _month_start_sqlite(element: FunctionElement, compiler: SQLCompiler, **kw: Any) -> str:
    return f"datetime({compiler.process(element.clauses, **kw)}, 'start of month')"


class median(FunctionElement):  # noqa: N801
    """The 50th percentile of a numeric column (exact where the engine has it)."""

    type = sa.Float()
    inherit_cache = True
    name = "median"


@compiles(median)
def _median_default(element: FunctionElement, compiler: SQLCompiler, **kw: Any) -> str:
    return f"percentile_cont(0.5) WITHIN GROUP (ORDER BY {compiler.process(element.clauses, **kw)})"


@compiles(median, "trino")
def _median_trino(element: FunctionElement, compiler: SQLCompiler, **kw: Any) -> str:
    return f"approx_percentile({compiler.process(element.clauses, **kw)}, 0.5)"
