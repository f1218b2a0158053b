"""Access: the built-in sign-in's users and the audit trail (issue 15).

Revision ID: 0009
Revises: 0008
"""

import sqlalchemy as sa
from alembic import op

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "users",
        sa.Column("username", sa.String, primary_key=True), sa.Column("password_hash", sa.String),
        sa.Column("role", sa.String, nullable=False), sa.Column("regions", sa.Text, nullable=False),
        sa.Column("tiers", sa.Text, nullable=False), sa.Column("updated_by", sa.String, nullable=False),
        sa.Column("updated_at", sa.DateTime, nullable=False))
    op.create_table(
        "audit_log",
        sa.Column("event_id", sa.String, primary_key=True), sa.Column("happened_at", sa.DateTime, nullable=False),
        sa.Column("actor", sa.String, nullable=False), sa.Column("via", sa.String, nullable=False),
        sa.Column("action", sa.String, nullable=False), sa.Column("what", sa.Text, nullable=False),
        sa.Column("row_count", sa.BigInteger))
    op.create_index("audit_log_happened_at", "audit_log", ["happened_at"])


def downgrade() -> None:
    op.drop_index("audit_log_happened_at", "audit_log")
    op.drop_table("audit_log")
    op.drop_table("users")
