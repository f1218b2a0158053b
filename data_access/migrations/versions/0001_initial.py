"""Initial schema: the contract's tables, the import log and the app's metadata.

Revision ID: 0001
Revises:
"""

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None

# (table, columns) for the indexes behind the pages' filters. DuckDB skips them: its zone maps
# already prune by date, and ART indexes there slow bulk loads and cost memory without speeding scans.
FILTER_INDEXES = (
    ("survey_responses", ("submitted_at",)),
    ("survey_responses", ("touchpoint", "submitted_at")),
    ("survey_responses", ("customer_id", "submitted_at")),
    ("service_tickets", ("opened_at",)),
    ("service_tickets", ("customer_id", "resolved_at")),
    ("purchases", ("ordered_at",)),
    ("purchases", ("customer_id", "ordered_at")),
    ("customers", ("tier",)),
)


def _sentiment_columns() -> list[sa.Column]:
    return [sa.Column("sentiment", sa.Double), sa.Column("subjectivity", sa.Double),
            sa.Column("sentiment_scorer", sa.String)]


def upgrade() -> None:
    op.create_table(
        "customers",
        sa.Column("customer_id", sa.String, primary_key=True),
        sa.Column("joined_at", sa.Date, nullable=False),
        sa.Column("tier", sa.String),
        sa.Column("loyalty_member", sa.Boolean),
        sa.Column("segment", sa.String),
        sa.Column("region", sa.String),
    )
    op.create_table(
        "tier_history",
        sa.Column("customer_id", sa.String, primary_key=True),
        sa.Column("effective_from", sa.Date, primary_key=True),
        sa.Column("tier", sa.String, nullable=False),
    )
    op.create_table(
        "touchpoints",
        sa.Column("touchpoint", sa.String, primary_key=True),
        sa.Column("stage", sa.String, nullable=False),
        sa.Column("stage_order", sa.Integer, nullable=False),
        sa.Column("channel", sa.String),
    )
    op.create_table(
        "survey_responses",
        sa.Column("response_id", sa.String, primary_key=True),
        sa.Column("customer_id", sa.String, nullable=False),
        sa.Column("submitted_at", sa.DateTime, nullable=False),
        sa.Column("touchpoint", sa.String, nullable=False),
        sa.Column("channel", sa.String),
        sa.Column("nps", sa.SmallInteger),
        sa.Column("csat", sa.SmallInteger),
        sa.Column("ces", sa.SmallInteger),
        sa.Column("comment", sa.Text),
        *_sentiment_columns(),
    )
    op.create_table(
        "service_tickets",
        sa.Column("ticket_id", sa.String, primary_key=True),
        sa.Column("customer_id", sa.String, nullable=False),
        sa.Column("opened_at", sa.DateTime, nullable=False),
        sa.Column("first_response_at", sa.DateTime),
        sa.Column("resolved_at", sa.DateTime),
        sa.Column("channel", sa.String),
        sa.Column("category", sa.String),
        sa.Column("priority", sa.String),
        sa.Column("status", sa.String),
        sa.Column("csat", sa.SmallInteger),
        sa.Column("description", sa.Text),
        *_sentiment_columns(),
        sa.Column("first_response_hours", sa.Double),
        sa.Column("resolution_hours", sa.Double),
    )
    op.create_table(
        "purchases",
        sa.Column("order_id", sa.String, primary_key=True),
        sa.Column("customer_id", sa.String, nullable=False),
        sa.Column("ordered_at", sa.DateTime, nullable=False),
        sa.Column("amount", sa.Double, nullable=False),
        sa.Column("channel", sa.String),
        sa.Column("points_earned", sa.Integer),
        sa.Column("points_redeemed", sa.Integer),
    )
    op.create_table(
        "import_log",
        sa.Column("import_id", sa.String, primary_key=True),
        sa.Column("dataset", sa.String, nullable=False),
        sa.Column("source", sa.String, nullable=False),
        sa.Column("imported_at", sa.DateTime, nullable=False),
        sa.Column("rows_read", sa.Integer, nullable=False),
        sa.Column("inserted", sa.Integer, nullable=False),
        sa.Column("updated", sa.Integer, nullable=False),
        sa.Column("unchanged", sa.Integer, nullable=False),
        sa.Column("rejected", sa.Integer, nullable=False),
        sa.Column("scorer", sa.String),
        sa.Column("data_version", sa.Integer, nullable=False),
    )
    op.create_table(
        "app_meta",
        sa.Column("key", sa.String, primary_key=True),
        sa.Column("value", sa.String, nullable=False),
    )
    if op.get_bind().dialect.name != "duckdb":
        for table, columns in FILTER_INDEXES:
            op.create_index(f"ix_{table}_{'_'.join(columns)}", table, list(columns))


def downgrade() -> None:
    for table in ("app_meta", "import_log", "purchases", "service_tickets", "survey_responses",
                  "touchpoints", "tier_history", "customers"):
        op.drop_table(table)
