"""PostgreSQL: indexes that carry the columns the per-customer reads need (index-only scans).

Measured at scale 1m (bench/README.md, fix 5): tier KPIs and spend after answers read orders per customer
off the index; the key-driver reads group answers per customer and touchpoint off the other.

Revision ID: 0002
Revises: 0001
"""

from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    op.create_index("ix_purchases_customer_id_ordered_at_cover", "purchases", ["customer_id", "ordered_at"],
                    postgresql_include=["order_id", "amount", "points_earned", "points_redeemed", "channel"])
    op.drop_index("ix_purchases_customer_id_ordered_at", table_name="purchases")
    op.create_index("ix_survey_responses_customer_id_touchpoint_cover", "survey_responses",
                    ["customer_id", "touchpoint"], postgresql_include=["submitted_at", "nps", "csat", "channel"])


def downgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    op.drop_index("ix_survey_responses_customer_id_touchpoint_cover", table_name="survey_responses")
    op.create_index("ix_purchases_customer_id_ordered_at", "purchases", ["customer_id", "ordered_at"])
    op.drop_index("ix_purchases_customer_id_ordered_at_cover", table_name="purchases")
