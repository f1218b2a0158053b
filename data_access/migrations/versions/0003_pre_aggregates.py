"""Pre-aggregated tables: what followed each answer and each ticket, and loyalty points per day.

The loader rebuilds them in every import's transaction (data_access.pre_aggregates.fill_pre_aggregates); this
migration fills them once from the rows already stored, with the loader's own fill.

Revision ID: 0003
Revises: 0002
"""

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "response_followups",
        sa.Column("response_id", sa.String, nullable=False),
        sa.Column("orders_after", sa.Integer, nullable=False),
        sa.Column("spend_after", sa.Double, nullable=False),
    )
    op.create_table(
        "ticket_followups",
        sa.Column("ticket_id", sa.String, nullable=False),
        sa.Column("orders_after", sa.Integer, nullable=False),
        sa.Column("spend_after", sa.Double, nullable=False),
        sa.Column("promoters_after", sa.Integer, nullable=False),
        sa.Column("passives_after", sa.Integer, nullable=False),
        sa.Column("detractors_after", sa.Integer, nullable=False),
    )
    op.create_table(
        "order_days",
        sa.Column("day", sa.DateTime, nullable=False),
        sa.Column("channel", sa.String),
        sa.Column("tier", sa.String),
        sa.Column("segment", sa.String),
        sa.Column("region", sa.String),
        sa.Column("points_earned", sa.BigInteger, nullable=False),
        sa.Column("points_redeemed", sa.BigInteger, nullable=False),
    )
    from data_access.pre_aggregates import fill_pre_aggregates  # the one definition, so these rows match imports'

    fill_pre_aggregates(op.get_bind(), ("response_followups", "ticket_followups", "order_days"))


def downgrade() -> None:
    op.drop_table("order_days")
    op.drop_table("ticket_followups")
    op.drop_table("response_followups")
