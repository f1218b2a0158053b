"""Workshop mode: workshops, notes and their history, votes, stories and the closed-loop follow-ups (issue 14).

Revision ID: 0008
Revises: 0007
"""

import sqlalchemy as sa
from alembic import op

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None


def _note_columns() -> list[sa.Column]:
    return [sa.Column("kind", sa.String, nullable=False), sa.Column("text", sa.Text, nullable=False),
            sa.Column("stage", sa.String), sa.Column("touchpoint", sa.String), sa.Column("owner", sa.String),
            sa.Column("due_on", sa.Date), sa.Column("status", sa.String), sa.Column("expected_effect", sa.Text),
            sa.Column("archived", sa.Boolean, nullable=False)]


def upgrade() -> None:
    op.create_table(
        "workshops",
        sa.Column("workshop_id", sa.String, primary_key=True), sa.Column("name", sa.String, nullable=False),
        sa.Column("held_on", sa.Date, nullable=False), sa.Column("facilitator", sa.String, nullable=False),
        sa.Column("start_page", sa.String, nullable=False), sa.Column("start_params", sa.Text, nullable=False),
        sa.Column("vote_budget", sa.Integer, nullable=False), sa.Column("created_by", sa.String, nullable=False),
        sa.Column("created_at", sa.DateTime, nullable=False))
    op.create_table(
        "workshop_notes",
        sa.Column("note_id", sa.String, primary_key=True), sa.Column("workshop_id", sa.String, nullable=False),
        *_note_columns(), sa.Column("view_page", sa.String), sa.Column("view_params", sa.Text),
        sa.Column("author", sa.String, nullable=False), sa.Column("created_at", sa.DateTime, nullable=False),
        sa.Column("updated_by", sa.String, nullable=False), sa.Column("updated_at", sa.DateTime, nullable=False),
        sa.Column("version", sa.Integer, nullable=False))
    op.create_table(
        "workshop_note_history",
        sa.Column("note_id", sa.String, primary_key=True), sa.Column("version", sa.Integer, primary_key=True),
        *_note_columns(), sa.Column("updated_by", sa.String, nullable=False),
        sa.Column("updated_at", sa.DateTime, nullable=False))
    op.create_table(
        "workshop_votes",
        sa.Column("workshop_id", sa.String, primary_key=True), sa.Column("participant", sa.String, primary_key=True),
        sa.Column("slot", sa.Integer, primary_key=True), sa.Column("target_kind", sa.String, nullable=False),
        sa.Column("target", sa.String, nullable=False), sa.Column("cast_at", sa.DateTime, nullable=False))
    op.create_table(
        "stories",
        sa.Column("story_id", sa.String, primary_key=True), sa.Column("name", sa.String, nullable=False),
        sa.Column("created_by", sa.String, nullable=False), sa.Column("created_at", sa.DateTime, nullable=False))
    op.create_table(
        "story_steps",
        sa.Column("story_id", sa.String, primary_key=True), sa.Column("position", sa.Integer, primary_key=True),
        sa.Column("page", sa.String, nullable=False), sa.Column("params", sa.Text, nullable=False),
        sa.Column("caption", sa.String, nullable=False))
    op.create_table(
        "closed_loop",
        sa.Column("source", sa.String, primary_key=True), sa.Column("source_id", sa.String, primary_key=True),
        sa.Column("owner", sa.String), sa.Column("status", sa.String, nullable=False),
        sa.Column("outcome", sa.Text), sa.Column("first_contact_at", sa.DateTime),
        sa.Column("updated_by", sa.String, nullable=False), sa.Column("updated_at", sa.DateTime, nullable=False))


def downgrade() -> None:
    for name in ("closed_loop", "story_steps", "stories", "workshop_votes", "workshop_note_history",
                 "workshop_notes", "workshops"):
        op.drop_table(name)
