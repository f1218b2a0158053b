"""order_sequence keyed by customer, so an import refreshes only the rows of the customers it touched (issue 16).

The table holds nothing that could give each stored row its customer, so it is made again with customer_id and
filled here from the rows already stored, with the loader's own fill.

Revision ID: 0010
Revises: 0009
"""

import sqlalchemy as sa
from alembic import op

revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None


def upgrade() -> None:
    from data_access.pre_aggregates import fill_pre_aggregates

    op.drop_table("order_sequence")
    op.create_table(
        "order_sequence",
        sa.Column("customer_id", sa.String, nullable=False),
        sa.Column("ordered_at", sa.DateTime, nullable=False),
        sa.Column("joined_at", sa.Date, nullable=False),
        sa.Column("tier", sa.String),
        sa.Column("segment", sa.String),
        sa.Column("region", sa.String),
        sa.Column("amount", sa.Double, nullable=False),
        sa.Column("points_earned", sa.Integer, nullable=False),
        sa.Column("points_redeemed", sa.Integer, nullable=False),
        sa.Column("previous_at", sa.DateTime),
        sa.Column("second_previous_at", sa.DateTime),
        sa.Column("last_redeemed_at", sa.DateTime),
        sa.Column("next_redeemed_at", sa.DateTime),
    )
    fill_pre_aggregates(op.get_bind(), ("order_sequence",))


def downgrade() -> None:
    op.drop_column("order_sequence", "customer_id")
