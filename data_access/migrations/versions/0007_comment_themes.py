"""Comment themes people name, merge and pin per touchpoint on the Voices page (issue 12, item 4).

Revision ID: 0007
Revises: 0006
"""

import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "comment_themes",
        sa.Column("theme_id", sa.String, primary_key=True),
        sa.Column("touchpoint", sa.String, nullable=False),
        sa.Column("name", sa.String, nullable=False),
        sa.Column("keywords", sa.Text, nullable=False),
        sa.Column("pinned", sa.Boolean, nullable=False),
        sa.Column("merged_into", sa.String),
        sa.Column("created_at", sa.DateTime, nullable=False),
        sa.Column("updated_at", sa.DateTime, nullable=False),
    )


def downgrade() -> None:
    op.drop_table("comment_themes")
