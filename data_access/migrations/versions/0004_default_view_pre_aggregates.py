"""Pre-aggregated tables for the PostgreSQL default views: survey counts per day, the journey's collapsed event
stream, and each order with its customer's neighbouring orders (bench/README.md, fix 11).

Filled once here from the rows already stored, with the loader's own fill.

Revision ID: 0004
Revises: 0003
"""

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None

JOURNEY_STEPS = 4  # as data_access.schema.JOURNEY_STEPS when this revision was written
SURVEY_COUNTS = ("responses", "promoters", "passives", "detractors", "csat_n", "csat_top2", "ces_n", "ces_sum",
                 "ces_squares", "sentiment_n", "sentiment_negative")


def upgrade() -> None:
    op.create_table(
        "survey_days",
        sa.Column("day", sa.DateTime, nullable=False),
        sa.Column("touchpoint", sa.String, nullable=False),
        sa.Column("channel", sa.String),
        sa.Column("tier", sa.String),
        *(sa.Column(name, sa.BigInteger, nullable=False) for name in SURVEY_COUNTS),
        sa.Column("sentiment_sum", sa.Double, nullable=False),
        sa.Column("sentiment_squares", sa.Double, nullable=False),
    )
    op.create_table(
        "journey_runs",
        sa.Column("customer_id", sa.String, nullable=False),
        sa.Column("event", sa.String, nullable=False),
        sa.Column("first_at", sa.DateTime, nullable=False),
        sa.Column("last_at", sa.DateTime, nullable=False),
        *(sa.Column(f"last_at_{k}_before", sa.DateTime) for k in range(1, JOURNEY_STEPS)),
        sa.Column("next_event", sa.String),
        sa.Column("next_first_at", sa.DateTime),
    )
    op.create_table(
        "order_sequence",
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
    from data_access.pre_aggregates import fill_pre_aggregates

    # survey_days is filled by 0006: its counts read sentiment_band, which 0006 adds; order_sequence by 0010,
    # which gives it customer_id
    fill_pre_aggregates(op.get_bind(), ("journey_runs",))


def downgrade() -> None:
    op.drop_table("order_sequence")
    op.drop_table("journey_runs")
    op.drop_table("survey_days")
