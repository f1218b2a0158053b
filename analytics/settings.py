"""The thresholds the product chooses, in one place: the SQL, the captions, the docs and the demo generator read
them from here, so a caption can never say "72 hours" while a query counts 48."""

from __future__ import annotations

from datetime import date

MIN_N = 30  # below this many answers a group is shown greyed out, never ranked nor called significant
PROMOTER_FROM = 9  # NPS 9-10
DETRACTOR_UP_TO = 6  # NPS 0-6; 7-8 are passives
CSAT_TOP_FROM = 4  # CSAT counts the share of answers from this value up (4 and 5 on 1-5)
LOW_CSAT_UP_TO = 2  # a ticket rated 1 or 2 of 5 joins the follow-up list, as a detractor's 0-6 of 10 does
SLOW_TICKET_HOURS = 72  # a ticket resolved after more than this many hours is slow
FOLLOWUP_DAYS = 90  # the window after an answer or a ticket in which later orders and answers are counted
ALPHA = 0.05  # the significance level of every test of a change
EARLIEST_DATE = date(2000, 1, 1)  # an imported date before this is a typo (1900, 0001) unless allowed
FUTURE_DAYS = 2  # an imported date more than this many days after today is a typo (2099) unless allowed
