"""Alembic environment: runs on the connection db.migrate() hands over, for any dialect."""

from alembic import context
from alembic.ddl.impl import DefaultImpl


class DuckDBImpl(DefaultImpl):
    """Alembic ships no DuckDB implementation; the default DDL is enough for our migrations."""

    __dialect__ = "duckdb"


connection = context.config.attributes["connection"]
context.configure(connection=connection, target_metadata=None)
with context.begin_transaction():
    context.run_migrations()
