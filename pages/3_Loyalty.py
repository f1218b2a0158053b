"""Loyalty: how tiers behave next to how they feel, how customers move between tiers, and what experience is worth."""

import streamlit as st

from analytics import loyalty, service
from analytics.journey import sankey_links
from analytics.metrics import METRICS, empty_message, with_sentiment
from analytics.settings import FOLLOWUP_DAYS, SLOW_TICKET_HOURS
from components import charts
from components.filters import TIER_OPTIONS
from components.page import setup_page
from components.tables import download_table
from components.theme import NPS_GROUP_COLOURS, SPEED_COLOURS, TIER_COLOURS, colour_for
from data_access import reads

GRID_BEHAVIOUR = ("retention", "orders_per_customer", "average_order_value", "repeat_rate", "redemption_rate")

page = setup_page("Loyalty", ":material/workspace_premium:", "Tier behaviour next to experience.")
page.note_missing_metrics()
experience = with_sentiment(page.metric.key)
experience_columns = [column for m in experience for column in (m.key, m.margin_column)]

tiers = loyalty.tier_kpis(reads.loyalty.by_tier(page.filters)).merge(
    reads.survey.summary(page.filters, by=("tier",))[["tier", *experience_columns]],
    on="tier", how="left").set_index("tier").reindex(TIER_OPTIONS).dropna(how="all").reset_index()
grid = [METRICS["customers"], *experience, *(METRICS[key] for key in GRID_BEHAVIOUR)]
st.plotly_chart(charts.tier_kpi_grid(tiers, [(m.key, m.label, m.number_format) for m in grid],
                                     "Loyalty tiers: size, experience and behaviour", page.describe()),
                key="loyalty_grid")
download_table(tiers[["tier", "customers", "active_customers", "orders_per_customer", "average_order_value", "revenue",
                      "repeat_rate", "retention", "points_earned", "points_redeemed", "redemption_rate", "breakage",
                      *experience_columns]], "loyalty-by-tier", "loyalty_download")

st.subheader("Tier migration")
left, right = st.columns(2)
first = left.date_input("From", value=page.filters.start, min_value=page.span[0], max_value=page.span[1],
                        key="loyalty_from")
second = right.date_input("To", value=page.filters.end, min_value=page.span[0], max_value=page.span[1],
                          key="loyalty_to")
moves = reads.loyalty.tier_migration(first, second, page.filters)
matrix_column, flow_column = st.columns(2)
matrix_column.plotly_chart(charts.migration_heatmap(loyalty.migration_matrix(moves, TIER_OPTIONS), f"{first:%d %b %Y}",
                                                    f"{second:%d %b %Y}", "Where each tier's customers went",
                                                    page.describe()), key="loyalty_matrix")
nodes, links = sankey_links(loyalty.migration_paths(moves),
                            label=lambda step, tier: f"{tier} ({first if step == 1 else second:%b %Y})")
flow_column.plotly_chart(charts.sankey(nodes, links, "Tier flows", page.describe(),
                                       colours=[colour_for(TIER_COLOURS, n.split(" (")[0]) for n in nodes]),
                         key="loyalty_sankey")

points = loyalty.redemption_by_month(reads.loyalty.points_by_month(page.history))
st.plotly_chart(charts.points_over_time(points, "Loyalty points earned and redeemed by month, all data",
                                        page.describe(page.history)), key="loyalty_points")

st.subheader("What experience is worth")
groups = loyalty.value_after(reads.loyalty.nps_group_outcomes(page.filters, page.data_end, by=()), "responses")
no_groups = empty_message("nps", page.metrics)
spend_column, again_column, tickets_column = st.columns(3)
spend_column.plotly_chart(charts.group_bars(groups, "nps_group", "spend_per_unit", NPS_GROUP_COLOURS,
                                            f"Spend in the {FOLLOWUP_DAYS} days after answering", page.describe(),
                                            "{:,.0f}",
                                            "Spend per response", no_groups), key="loyalty_spend")
again_column.plotly_chart(charts.group_bars(groups, "nps_group", "ordered_again", NPS_GROUP_COLOURS,
                                            f"Bought again within {FOLLOWUP_DAYS} days", page.describe(), "{:.0f}%",
                                            "% of responses followed by an order", no_groups),
                         key="loyalty_again")
tickets = service.ticket_experience(reads.service.ticket_outcomes(page.filters, page.data_end))
tickets_column.plotly_chart(charts.group_bars(tickets, "speed", "ordered_again", SPEED_COLOURS,
                                              "Bought again, by ticket speed", page.describe(), "{:.0f}%",
                                              "% of tickets followed by an order"), key="loyalty_tickets")
st.caption(f"Per survey response (or ticket): the same customer's orders in the {FOLLOWUP_DAYS} days after it. "
           f"Responses and tickets from the last {FOLLOWUP_DAYS} days of data are left out, so every one has a full "
           f"window. Slow = resolved in more than {SLOW_TICKET_HOURS} hours; the Service page has the NPS and spend "
           "behind it.")
