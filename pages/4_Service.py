"""Service: ticket volume and service levels, and what slow resolution does to loyalty."""

import streamlit as st

from analytics import service
from analytics.metrics import METRICS, empty_message
from analytics.settings import FOLLOWUP_DAYS, SLOW_TICKET_HOURS
from components import charts
from components.page import setup_page
from components.tables import download_table
from components.theme import CHANNEL_COLOURS, SPEED_COLOURS
from data_access import reads

page = setup_page("Service", ":material/support_agent:", "Support tickets: volume, speed, satisfaction, backlog.")

volume_column, category_column = st.columns([3, 2])
volume_column.plotly_chart(charts.stacked_volume(reads.service.tickets_by_month(page.filters, by="channel"),
                                                 "channel", "tickets", CHANNEL_COLOURS, "Tickets by month and channel",
                                                 page.describe(), "Tickets opened"), key="service_volume")
categories = reads.service.service_levels(page.filters, by="category")
category_column.plotly_chart(charts.horizontal_bars(categories, "category", "tickets", "Tickets by category",
                                                    page.describe(), "{:,.0f}", "Tickets"), key="service_categories")

levels = service.service_levels(reads.service.service_levels(page.filters, by="channel"))
first, resolution, satisfaction = st.columns(3)
first.plotly_chart(charts.group_bars(levels, "channel", "median_first_response_hours", CHANNEL_COLOURS,
                                     "Time to first response", page.describe(), "{:.1f} h", "Median hours"),
                   key="service_first_response")
resolution.plotly_chart(charts.group_bars(levels, "channel", "median_resolution_hours", CHANNEL_COLOURS,
                                          "Time to resolution", page.describe(), "{:.1f} h", "Median hours"),
                        key="service_resolution")
satisfaction.plotly_chart(charts.group_bars(levels, "channel", "csat", CHANNEL_COLOURS, "Ticket CSAT by channel",
                                            page.describe(), "{:.0f}%", "Share rating 4-5"), key="service_csat")
download_table(levels[["channel", "tickets", "resolved", "median_first_response_hours", "median_resolution_hours",
                       "slow_share", "csat", "csat_n"]].round(2), "service-levels", "service_download")

backlog = reads.service.backlog_by_month(page.filters, service.month_ends(page.filters.start, page.filters.end))
st.plotly_chart(charts.line(backlog, "month_end", "open_tickets", "Backlog: tickets open at each month end",
                            page.describe(), "Open tickets"), key="service_backlog")

st.subheader("What slow resolution costs")
outcomes = service.ticket_experience(reads.service.ticket_outcomes(page.filters, page.data_end))
nps_column, spend_column = st.columns(2)
nps_column.plotly_chart(charts.metric_bars(outcomes, "speed", METRICS["nps"],
                                           f"NPS in the {FOLLOWUP_DAYS} days after a ticket, slow vs fast",
                                           page.describe(),
                                           SPEED_COLOURS, order=("fast", "slow"),
                                           empty=empty_message("nps", page.metrics)), key="service_nps")
spend_column.plotly_chart(charts.group_bars(outcomes, "speed", "spend_per_ticket", SPEED_COLOURS,
                                            f"Spend in the {FOLLOWUP_DAYS} days after a ticket", page.describe(),
                                            "{:,.0f}",
                                            "Spend per ticket"), key="service_spend")
st.caption(f"Slow = resolved in more than {SLOW_TICKET_HOURS} hours. NPS counts the customer's survey answers in the "
           f"{FOLLOWUP_DAYS} days after resolution; spend counts their orders in the same window. Tickets resolved in "
           f"the last {FOLLOWUP_DAYS} days of data are left out so each has a full window.")
