"""Sentiment bands stored with each score, and the company scorer's trained models (issue 12).

sentiment_band on survey responses and tickets: each scorer's own calibrated cut-offs decide it, so SQL counts
negative comments without knowing which scorer made them. Rows already stored get their band from their
scorer's cut-offs in the registry; the survey pre-aggregate that counts negative comments is rebuilt.

Revision ID: 0006
Revises: 0005
"""

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None

BANDED = ("survey_responses", "service_tickets")


def upgrade() -> None:
    from analytics.sentiment import FIXED_BANDS, SCORERS
    from data_access.pre_aggregates import fill_pre_aggregates

    for table in BANDED:
        op.add_column(table, sa.Column("sentiment_band", sa.String))
    op.create_table(
        "sentiment_models",
        sa.Column("model_id", sa.String, primary_key=True),
        sa.Column("scorer", sa.String, nullable=False),
        sa.Column("trained_at", sa.DateTime, nullable=False),
        sa.Column("data_version", sa.Integer, nullable=False),
        sa.Column("rated_comments", sa.Integer, nullable=False),
        sa.Column("figures", sa.Text, nullable=False),
        sa.Column("model", sa.LargeBinary, nullable=False),
    )
    for table in BANDED:
        rows = sa.table(table, sa.column("sentiment"), sa.column("sentiment_scorer"), sa.column("sentiment_band"))
        for name, chosen in SCORERS.items():
            low, high = chosen.bands or FIXED_BANDS
            op.execute(rows.update().where(rows.c.sentiment_scorer == name, rows.c.sentiment.is_not(None)).values(
                sentiment_band=sa.case((rows.c.sentiment < low, "negative"), (rows.c.sentiment > high, "positive"),
                                       else_="neutral")))
    fill_pre_aggregates(op.get_bind(), ("survey_days",))


def downgrade() -> None:
    op.drop_table("sentiment_models")
    for table in BANDED:
        op.drop_column(table, "sentiment_band")
