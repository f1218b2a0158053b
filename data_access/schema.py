"""The tables as the queries see them (head of the migrations in data_access/migrations)."""

from __future__ import annotations

import sqlalchemy as sa

metadata = sa.MetaData()

customers = sa.Table(
    "customers", metadata,
    sa.Column("customer_id", sa.String, primary_key=True),
    sa.Column("joined_at", sa.Date, nullable=False),
    sa.Column("tier", sa.String),
    sa.Column("loyalty_member", sa.Boolean),
    sa.Column("segment", sa.String),
    sa.Column("region", sa.String),
    sa.Column("origin", sa.String),  # NULL: from a customers file; 'transactions': known only from other data
)

tier_history = sa.Table(
    "tier_history", metadata,
    sa.Column("customer_id", sa.String, primary_key=True),
    sa.Column("effective_from", sa.Date, primary_key=True),
    sa.Column("tier", sa.String, nullable=False),
)

touchpoints = sa.Table(
    "touchpoints", metadata,
    sa.Column("touchpoint", sa.String, primary_key=True),
    sa.Column("stage", sa.String, nullable=False),
    sa.Column("stage_order", sa.Integer, nullable=False),
    sa.Column("channel", sa.String),
)

survey_responses = sa.Table(
    "survey_responses", metadata,
    sa.Column("response_id", sa.String, nullable=False),
    sa.Column("customer_id", sa.String, nullable=False),
    sa.Column("submitted_at", sa.DateTime, nullable=False),
    sa.Column("touchpoint", sa.String, nullable=False),
    sa.Column("channel", sa.String),
    sa.Column("nps", sa.SmallInteger),
    sa.Column("csat", sa.SmallInteger),
    sa.Column("ces", sa.SmallInteger),
    sa.Column("comment", sa.Text),
    sa.Column("sentiment", sa.Double),
    sa.Column("subjectivity", sa.Double),
    sa.Column("sentiment_scorer", sa.String),
    sa.Column("sentiment_band", sa.String),  # negative, neutral, positive or "not scored", by the scorer's bands
)

service_tickets = sa.Table(
    "service_tickets", metadata,
    sa.Column("ticket_id", sa.String, nullable=False),
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
    sa.Column("sentiment", sa.Double),
    sa.Column("subjectivity", sa.Double),
    sa.Column("sentiment_scorer", sa.String),
    sa.Column("first_response_hours", sa.Double),
    sa.Column("resolution_hours", sa.Double),
    sa.Column("sentiment_band", sa.String),  # added by migration 0006, hence last
)

purchases = sa.Table(
    "purchases", metadata,
    sa.Column("order_id", sa.String, primary_key=True),
    sa.Column("customer_id", sa.String, nullable=False),
    sa.Column("ordered_at", sa.DateTime, nullable=False),
    sa.Column("amount", sa.Double, nullable=False),
    sa.Column("channel", sa.String),
    sa.Column("points_earned", sa.Integer),
    sa.Column("points_redeemed", sa.Integer),
)

# Pre-aggregated at import (pre_aggregates.fill_pre_aggregates and PRE_AGGREGATES). What followed
# each answer and each ticket within settings.FOLLOWUP_DAYS, so no page joins answers or tickets with orders.
# No primary keys: the GROUP BY that fills them makes the keys unique, and on DuckDB an index turns each
# rebuild's commit from 0.01 s into 13 s at scale 1m.
response_followups = sa.Table(
    "response_followups", metadata,
    sa.Column("response_id", sa.String, nullable=False),
    sa.Column("orders_after", sa.Integer, nullable=False),
    sa.Column("spend_after", sa.Double, nullable=False),
)

ticket_followups = sa.Table(
    "ticket_followups", metadata,
    sa.Column("ticket_id", sa.String, nullable=False),
    sa.Column("orders_after", sa.Integer, nullable=False),
    sa.Column("spend_after", sa.Double, nullable=False),
    sa.Column("promoters_after", sa.Integer, nullable=False),
    sa.Column("passives_after", sa.Integer, nullable=False),
    sa.Column("detractors_after", sa.Integer, nullable=False),
)

# Loyalty points per day (midnight), channel and the customer attributes the filters use: the points chart
# over all history reads this instead of every order.
order_days = sa.Table(
    "order_days", metadata,
    sa.Column("day", sa.DateTime, nullable=False),
    sa.Column("channel", sa.String),
    sa.Column("tier", sa.String),
    sa.Column("segment", sa.String),
    sa.Column("region", sa.String),
    sa.Column("points_earned", sa.BigInteger, nullable=False),
    sa.Column("points_redeemed", sa.BigInteger, nullable=False),
)

# Survey answer counts and sums per day, touchpoint, channel and tier (as the customer has it now): every survey
# read without a segment or region filter or grouping (most views) sums these instead of a million answers.
SURVEY_COUNTS = ("responses", "promoters", "passives", "detractors", "csat_n", "csat_top2", "ces_n", "ces_sum",
                 "ces_squares", "sentiment_n", "sentiment_negative")
SURVEY_SUMS = ("sentiment_sum", "sentiment_squares")
survey_days = sa.Table(
    "survey_days", metadata,
    sa.Column("day", sa.DateTime, nullable=False),
    sa.Column("touchpoint", sa.String, nullable=False),
    sa.Column("channel", sa.String),
    sa.Column("tier", sa.String),
    *(sa.Column(name, sa.BigInteger, nullable=False) for name in SURVEY_COUNTS),
    *(sa.Column(name, sa.Double, nullable=False) for name in SURVEY_SUMS),
)

# The journey's collapsed event stream: each customer's maximal runs of one kind of event (a journey stage's
# answers, support tickets, orders) with the runs just before and after, so the journey map reads runs in a
# period without sorting every event. JOURNEY_STEPS is how many steps the map follows.
JOURNEY_STEPS = 4
journey_runs = sa.Table(
    "journey_runs", metadata,
    sa.Column("customer_id", sa.String, nullable=False),
    sa.Column("event", sa.String, nullable=False),
    sa.Column("first_at", sa.DateTime, nullable=False),
    sa.Column("last_at", sa.DateTime, nullable=False),
    *(sa.Column(f"last_at_{k}_before", sa.DateTime) for k in range(1, JOURNEY_STEPS)),
    sa.Column("next_event", sa.String),
    sa.Column("next_first_at", sa.DateTime),
)

# Each order of a known customer with the times of that customer's orders of the same kind (purchase orders or
# returns) before it and of redeeming orders around it, so per-customer counts in
# a period (buyers, repeat buyers, retained buyers, buyers who redeemed nothing) become counts of orders that
# meet a condition, with no per-customer grouping. Customer attributes as the customer has them now.
order_sequence = sa.Table(
    "order_sequence", metadata,
    sa.Column("customer_id", sa.String, nullable=False),  # so an import refreshes only its customers' rows (0010)
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
    sa.Column("last_redeemed_at", sa.DateTime),  # the latest redeeming order up to and including this one
    sa.Column("next_redeemed_at", sa.DateTime),  # the first redeeming order after this one
)

import_log = sa.Table(
    "import_log", metadata,
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

sentiment_models = sa.Table(  # the company scorer, retrained from the company's rated comments
    "sentiment_models", metadata,
    sa.Column("model_id", sa.String, primary_key=True),
    sa.Column("scorer", sa.String, nullable=False),
    sa.Column("trained_at", sa.DateTime, nullable=False),
    sa.Column("data_version", sa.Integer, nullable=False),
    sa.Column("rated_comments", sa.Integer, nullable=False),  # comments with a score when trained: staleness base
    sa.Column("figures", sa.Text, nullable=False),  # JSON: cross-validated accuracy, held-out figures
    sa.Column("model", sa.LargeBinary, nullable=False),  # analytics.sentiment_model.TextModel.to_bytes()
)

app_meta = sa.Table(
    "app_meta", metadata,
    sa.Column("key", sa.String, primary_key=True),
    sa.Column("value", sa.String, nullable=False),
)

# Themes people keep per touchpoint on the Voices page (data_access.themes_store): a name and keywords (one per
# line); a comment matches when one starts a word of it. A merged theme stays, pointing at the one it went into.
comment_themes = sa.Table(
    "comment_themes", metadata,
    sa.Column("theme_id", sa.String, primary_key=True),
    sa.Column("touchpoint", sa.String, nullable=False),
    sa.Column("name", sa.String, nullable=False),
    sa.Column("keywords", sa.Text, nullable=False),
    sa.Column("pinned", sa.Boolean, nullable=False),
    sa.Column("merged_into", sa.String),
    sa.Column("created_at", sa.DateTime, nullable=False),
    sa.Column("updated_at", sa.DateTime, nullable=False),
)

# Workshop mode (issue 14; data_access.workshop_store, stories_store, closed_loop_store). Written by people in a
# review session, never by the loaders. Nothing is deleted: notes are archived, and every edit first copies the
# row as it was into workshop_note_history under its version number.
workshops = sa.Table(
    "workshops", metadata,
    sa.Column("workshop_id", sa.String, primary_key=True),
    sa.Column("name", sa.String, nullable=False),
    sa.Column("held_on", sa.Date, nullable=False),
    sa.Column("facilitator", sa.String, nullable=False),
    sa.Column("start_page", sa.String, nullable=False),  # the view it started from: a page script
    sa.Column("start_params", sa.Text, nullable=False),  # and its URL query string
    sa.Column("vote_budget", sa.Integer, nullable=False),
    sa.Column("created_by", sa.String, nullable=False),
    sa.Column("created_at", sa.DateTime, nullable=False),
)

NOTE_FIELDS = ("kind", "text", "stage", "touchpoint", "owner", "due_on", "status", "expected_effect", "archived")


def _note_columns() -> tuple[sa.Column, ...]:
    """What a note holds and its history keeps (NOTE_FIELDS), as new columns for each table."""
    return (
        sa.Column("kind", sa.String, nullable=False),  # observation, question, idea or action
        sa.Column("text", sa.Text, nullable=False),
        sa.Column("stage", sa.String),
        sa.Column("touchpoint", sa.String),
        sa.Column("owner", sa.String),  # actions only, as are the three below
        sa.Column("due_on", sa.Date),
        sa.Column("status", sa.String),  # open, doing, done or dropped
        sa.Column("expected_effect", sa.Text),
        sa.Column("archived", sa.Boolean, nullable=False),
    )


workshop_notes = sa.Table(
    "workshop_notes", metadata,
    sa.Column("note_id", sa.String, primary_key=True),
    sa.Column("workshop_id", sa.String, nullable=False),
    *_note_columns(),
    sa.Column("view_page", sa.String),  # the view the note was made on, if pinned to it
    sa.Column("view_params", sa.Text),
    sa.Column("author", sa.String, nullable=False),
    sa.Column("created_at", sa.DateTime, nullable=False),
    sa.Column("updated_by", sa.String, nullable=False),
    sa.Column("updated_at", sa.DateTime, nullable=False),
    sa.Column("version", sa.Integer, nullable=False),
)
workshop_note_history = sa.Table(  # a note as it was before each edit: version n is the row edit n+1 replaced
    "workshop_note_history", metadata,
    sa.Column("note_id", sa.String, primary_key=True),
    sa.Column("version", sa.Integer, primary_key=True),
    *_note_columns(),
    sa.Column("updated_by", sa.String, nullable=False),
    sa.Column("updated_at", sa.DateTime, nullable=False),
)
workshop_votes = sa.Table(  # slot 1..budget per participant: the key holds the budget even under two browsers
    "workshop_votes", metadata,
    sa.Column("workshop_id", sa.String, primary_key=True),
    sa.Column("participant", sa.String, primary_key=True),
    sa.Column("slot", sa.Integer, primary_key=True),
    sa.Column("target_kind", sa.String, nullable=False),  # touchpoint or action
    sa.Column("target", sa.String, nullable=False),  # a touchpoint's name or an action's note_id
    sa.Column("cast_at", sa.DateTime, nullable=False),
)
stories = sa.Table(
    "stories", metadata,
    sa.Column("story_id", sa.String, primary_key=True),
    sa.Column("name", sa.String, nullable=False),
    sa.Column("created_by", sa.String, nullable=False),
    sa.Column("created_at", sa.DateTime, nullable=False),
)
story_steps = sa.Table(
    "story_steps", metadata,
    sa.Column("story_id", sa.String, primary_key=True),
    sa.Column("position", sa.Integer, primary_key=True),  # 1, 2, ... in the order shown
    sa.Column("page", sa.String, nullable=False),  # a page script, e.g. pages/1_Journey_map.py
    sa.Column("params", sa.Text, nullable=False),  # the view's URL query string
    sa.Column("caption", sa.String, nullable=False),
)
# The closed loop: who follows up an unhappy customer's answer or ticket, and how it went.
closed_loop = sa.Table(
    "closed_loop", metadata,
    sa.Column("source", sa.String, primary_key=True),  # answer or ticket
    sa.Column("source_id", sa.String, primary_key=True),  # response_id or ticket_id
    sa.Column("owner", sa.String),
    sa.Column("status", sa.String, nullable=False),  # new, contacted, resolved or no reply
    sa.Column("outcome", sa.Text),
    sa.Column("first_contact_at", sa.DateTime),
    sa.Column("updated_by", sa.String, nullable=False),
    sa.Column("updated_at", sa.DateTime, nullable=False),
)

# Access (issue 15): the built-in sign-in's users, and what was done by whom.
users = sa.Table(
    "users", metadata,
    sa.Column("username", sa.String, primary_key=True),  # a login name, or the e-mail an OpenID provider gives
    sa.Column("password_hash", sa.String),  # argon2id; none for a person who signs in through the provider
    sa.Column("role", sa.String, nullable=False),  # viewer, analyst or admin
    sa.Column("regions", sa.Text, nullable=False),  # the regions this person is limited to, JSON; [] = all
    sa.Column("tiers", sa.Text, nullable=False),  # the tiers this person is limited to, JSON; [] = all
    sa.Column("updated_by", sa.String, nullable=False),
    sa.Column("updated_at", sa.DateTime, nullable=False),
)
audit_log = sa.Table(
    "audit_log", metadata,
    sa.Column("event_id", sa.String, primary_key=True),
    sa.Column("happened_at", sa.DateTime, nullable=False),  # UTC
    sa.Column("actor", sa.String, nullable=False),
    sa.Column("via", sa.String, nullable=False),  # password, oidc, open access or cli
    sa.Column("action", sa.String, nullable=False),  # sign-in, import, remove, export, report, role, user
    sa.Column("what", sa.Text, nullable=False),
    sa.Column("row_count", sa.BigInteger),
)

TABLES: dict[str, sa.Table] = dict(metadata.tables)
