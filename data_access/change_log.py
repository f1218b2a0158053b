"""Every change to the data is logged and moves the data version, so caches keyed by it show the new data at once
(imports, removals, re-scoring); the audit trail names who made it, in the same transaction."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from data_access import audit
from data_access.import_report import ImportReport
from data_access.schema import app_meta, import_log


def bump_data_version(conn: Connection) -> int:
    """Every import changes the data version, so caches keyed by it show the new data at once."""
    current = conn.execute(sa.select(app_meta.c.value).where(app_meta.c.key == "data_version")).scalar()
    version = int(current or 0) + 1
    if current is None:
        conn.execute(sa.insert(app_meta).values(key="data_version", value=str(version)))
    else:
        conn.execute(sa.update(app_meta).where(app_meta.c.key == "data_version").values(value=str(version)))
    return version


def log_change(conn: Connection, report: ImportReport, action: str = "import") -> None:
    """Log the change (import, remove or re-score) and who made it, and move the data version."""
    report.data_version = bump_data_version(conn)
    conn.execute(sa.insert(import_log).values(
        import_id=uuid.uuid4().hex, dataset=report.dataset, source=report.source,
        imported_at=datetime.now(UTC).replace(tzinfo=None), rows_read=report.rows_read,
        inserted=report.inserted, updated=report.updated, unchanged=report.unchanged,
        rejected=report.rejected, scorer=report.scorer, data_version=report.data_version))
    audit.record(conn, action, report.summary(), rows=report.rows_read)
