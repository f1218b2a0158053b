"""The reads under their old names, for callers that hold a connection (older tests and scripts).

New code calls the typed reads: `reads.survey.counts(filters)` on a page, `reads.survey.counts.on(conn, filters)`
elsewhere (data_access/reads/). Each name here is the direct, uncached form.
"""

from data_access.pre_aggregates import (
    PRE_AGGREGATES,
    journey_runs_select,
    order_days_select,
    order_sequence_select,
    response_followups_select,
    survey_days_select,
    ticket_followups_select,
)
from data_access.reads import journey, loyalty, service, survey
from data_access.reads.journey import LEFT_JOURNEY
from data_access.reads.service import TICKET_GROUPS
from data_access.reads.status import (
    data_checks,
    data_date_range,
    data_health,
    data_version,
    filter_options,
    last_import,
    sentiment_scorers,
)
from data_access.reads.survey import SURVEY_GROUPS
from data_access.sql import NPS_COUNTS, is_purchase, is_return, nps_groups

survey_counts = survey.counts.on
touchpoint_drivers = survey.touchpoint_drivers.on
touchpoints_per_customer = survey.touchpoints_per_customer.on
loyalty_by_tier = loyalty.by_tier.on
tier_migration = loyalty.tier_migration.on
nps_group_outcomes = loyalty.nps_group_outcomes.on
points_by_month = loyalty.points_by_month.on
tickets_by_month = service.tickets_by_month.on
ticket_service_levels = service.service_levels.on
backlog_by_month = service.backlog_by_month.on
ticket_outcomes = service.ticket_outcomes.on
journey_stages = journey.stages.on

__all__ = [
    "LEFT_JOURNEY", "NPS_COUNTS", "PRE_AGGREGATES", "SURVEY_GROUPS", "TICKET_GROUPS", "backlog_by_month",
    "data_checks", "data_date_range",
    "data_health", "data_version", "filter_options", "is_purchase", "is_return",
    "journey_runs_select", "journey_stages", "last_import", "loyalty_by_tier", "nps_group_outcomes", "nps_groups",
    "order_days_select", "order_sequence_select", "points_by_month", "response_followups_select",
    "sentiment_scorers", "survey_counts", "survey_days_select", "ticket_followups_select", "ticket_outcomes",
    "ticket_service_levels", "tickets_by_month", "tier_migration", "touchpoint_drivers",
    "touchpoints_per_customer",
]
