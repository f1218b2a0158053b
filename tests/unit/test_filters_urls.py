"""The global filters' URL handling, through the pure functions of components/filters.py (no Streamlit app runs).

Every expected date is worked out by hand in the comment beside it. Links are written as the query strings a
person would paste, parsed the way st.query_params.get_all hands them over (a list of values per name).
"""

from __future__ import annotations

from datetime import date
from urllib.parse import parse_qs

import pytest

from analytics.periods import preset_dates
from components.filters import View, view_from_params, view_to_params
from data_access.filters import Filters

FIRST, LAST = date(2023, 1, 1), date(2025, 6, 30)  # the data's span in the link tests: a quarter's last day
OPTIONS = {"segments": ("Consumer", "Business"), "regions": ("North", "South"), "channels": ("web", "app")}


def link(query: str) -> dict[str, list[str]]:
    """'period=custom&from=…' as the lists of values per name that st.query_params.get_all gives."""
    return parse_qs(query, keep_blank_values=True)


def view_of(query: str, span: tuple[date, date] = (FIRST, LAST)) -> View:
    return view_from_params(link(query), span, OPTIONS)


# preset, first day with data, last day with data, expected start, expected end
PRESET_CASES = {
    # Jun 1-30 is 30 days
    "30d": ("30d", FIRST, date(2025, 6, 30), date(2025, 6, 1), date(2025, 6, 30)),
    # Dec 12-31 is 20 days, Jan 1-10 another 10
    "30d across new year": ("30d", FIRST, date(2025, 1, 10), date(2024, 12, 12), date(2025, 1, 10)),
    # Mar 1-15 is 15 days, Feb 15-29 (leap year) another 15
    "30d across a leap day": ("30d", FIRST, date(2024, 3, 15), date(2024, 2, 15), date(2024, 3, 15)),
    # only 11 days of data: the period starts on the first of them
    "30d on a short history": ("30d", date(2025, 6, 20), date(2025, 6, 30), date(2025, 6, 20), date(2025, 6, 30)),
    # Apr 1-Jun 30 is 91 days, so 90 start on Apr 2
    "90d": ("90d", FIRST, date(2025, 6, 30), date(2025, 4, 2), date(2025, 6, 30)),
    # Dec 2-31 is 30, Jan 31, Feb 28 (2025), Mar 1: 90
    "90d across new year": ("90d", FIRST, date(2025, 3, 1), date(2024, 12, 2), date(2025, 3, 1)),
    "90d on a short history": ("90d", date(2025, 5, 1), date(2025, 6, 30), date(2025, 5, 1), date(2025, 6, 30)),
    # 365 days: Jul 1 2024-Jun 30 2025 holds no 29 February
    "12m": ("12m", FIRST, date(2025, 6, 30), date(2024, 7, 1), date(2025, 6, 30)),
    # 2024 has 366 days, so the 365 ending on 31 December start on 2 January
    "12m in a leap year": ("12m", FIRST, date(2024, 12, 31), date(2024, 1, 2), date(2024, 12, 31)),
    # Mar 1 2024-Feb 28 2025: 365 days, the leap day just before the start
    "12m ending 28 February": ("12m", FIRST, date(2025, 2, 28), date(2024, 3, 1), date(2025, 2, 28)),
    "12m on a short history": ("12m", date(2025, 1, 1), date(2025, 6, 30), date(2025, 1, 1), date(2025, 6, 30)),
    # the data ends inside Q2, so the last full quarter is Q1
    "quarter, mid-quarter": ("quarter", FIRST, date(2025, 5, 15), date(2025, 1, 1), date(2025, 3, 31)),
    # one day into Q2: still Q1
    "quarter, data ends on a quarter's first day": ("quarter", FIRST, date(2025, 4, 1), date(2025, 1, 1),
                                                     date(2025, 3, 31)),
    # the data ends on Q2's last day: Q2 itself is full
    "quarter, data ends on a quarter's last day": ("quarter", FIRST, date(2025, 6, 30), date(2025, 4, 1),
                                                    date(2025, 6, 30)),
    # one day short of Q2's end: Q1
    "quarter, data ends the day before a quarter's last": ("quarter", FIRST, date(2025, 6, 29), date(2025, 1, 1),
                                                           date(2025, 3, 31)),
    "quarter, Q3 ends on 30 September": ("quarter", FIRST, date(2025, 9, 30), date(2025, 7, 1), date(2025, 9, 30)),
    # 1 January: the full quarter is last year's Q4
    "quarter, data ends on 1 January": ("quarter", FIRST, date(2025, 1, 1), date(2024, 10, 1), date(2024, 12, 31)),
    "quarter, data ends mid-Q1": ("quarter", FIRST, date(2025, 2, 14), date(2024, 10, 1), date(2024, 12, 31)),
    "quarter, data ends on 31 December": ("quarter", FIRST, date(2024, 12, 31), date(2024, 10, 1),
                                          date(2024, 12, 31)),
    # a leap year's Q1 ends on 31 March like any other; a day short of it, the full quarter is last year's Q4
    "quarter, leap year's Q1 complete": ("quarter", FIRST, date(2024, 3, 31), date(2024, 1, 1), date(2024, 3, 31)),
    "quarter, leap year's Q1 a day short": ("quarter", FIRST, date(2024, 3, 30), date(2023, 10, 1),
                                            date(2023, 12, 31)),
    # unlike the day-count presets, the quarter is not cut to the first day with data (10 February here)
    "quarter, data starts inside it": ("quarter", date(2025, 2, 10), date(2025, 4, 20), date(2025, 1, 1),
                                       date(2025, 3, 31)),
    # the last full month: the data's month when it ends on its last day, else the month before
    "month, data ends on a month's last day": ("month", FIRST, date(2025, 6, 30), date(2025, 6, 1),
                                               date(2025, 6, 30)),
    "month, data ends mid-month": ("month", FIRST, date(2025, 3, 14), date(2025, 2, 1), date(2025, 2, 28)),
    "month, data ends on 1 January": ("month", FIRST, date(2025, 1, 1), date(2024, 12, 1), date(2024, 12, 31)),
    "month, leap February complete": ("month", FIRST, date(2024, 2, 29), date(2024, 2, 1), date(2024, 2, 29)),
    "month, cut to the first day with data": ("month", date(2025, 2, 10), date(2025, 3, 5), date(2025, 2, 10),
                                              date(2025, 2, 28)),
    # year to date: 1 January of the data's last year to its last day
    "ytd": ("ytd", FIRST, date(2025, 6, 29), date(2025, 1, 1), date(2025, 6, 29)),
    "ytd, data starts this year": ("ytd", date(2025, 3, 1), date(2025, 6, 29), date(2025, 3, 1), date(2025, 6, 29)),
    "all": ("all", FIRST, LAST, FIRST, LAST),
    # custom dates come from the link; preset_dates gives every day with data, the fallback for bad dates
    "custom": ("custom", FIRST, LAST, FIRST, LAST),
}


@pytest.mark.parametrize(("preset", "first", "last", "start", "end"), PRESET_CASES.values(), ids=PRESET_CASES)
def test_each_preset_ends_on_the_last_day_with_data(preset, first, last, start, end):
    assert preset_dates(preset, first, last) == (start, end)


# link, expected preset, start, end, comparison choice, fragments of the expected notices (in order)
LINK_CASES = {
    "no parameters: the last 12 months": ("", "12m", date(2024, 7, 1), LAST, "previous", ()),
    "period=30d": ("period=30d", "30d", date(2025, 6, 1), LAST, "previous", ()),
    "period=90d": ("period=90d", "90d", date(2025, 4, 2), LAST, "previous", ()),
    "period=quarter": ("period=quarter", "quarter", date(2025, 4, 1), LAST, "previous", ()),
    "period=all": ("period=all", "all", FIRST, LAST, "previous", ()),
    "custom dates": ("period=custom&from=2024-02-01&to=2024-03-15", "custom", date(2024, 2, 1),
                     date(2024, 3, 15), "previous", ()),
    "custom, one day": ("period=custom&from=2024-02-29&to=2024-02-29", "custom", date(2024, 2, 29),
                        date(2024, 2, 29), "previous", ()),
    # dates beyond the data are cut to it, and dates wholly outside it show all data, each with a notice: a
    # shared link keeps working as the data moves, and the sidebar's date input never gets a date outside its range
    "custom dates beyond the data": ("period=custom&from=2020-01-01&to=2030-12-31", "custom", FIRST, LAST, "previous",
                                     ("reach beyond the data",)),
    "custom dates partly before the data": ("period=custom&from=2022-12-01&to=2023-01-31", "custom", FIRST,
                                            date(2023, 1, 31), "previous", ("reach beyond the data",)),
    "custom dates after the data": ("period=custom&from=2026-01-01&to=2026-01-31", "custom", FIRST, LAST, "previous",
                                    ("lie outside the data",)),
    "compare with last year": ("period=30d&compare=last-year", "30d", date(2025, 6, 1), LAST, "last-year", ()),
    "compare=previous said out loud": ("compare=previous", "12m", date(2024, 7, 1), LAST, "previous", ()),
    # from/to belong to custom periods only; beside a preset they are ignored, without a notice
    "from and to beside a preset": ("period=30d&from=2024-01-01&to=2024-01-31", "30d", date(2025, 6, 1), LAST,
                                    "previous", ()),
    # a repeated name: the last value counts
    "period given twice": ("period=30d&period=90d", "90d", date(2025, 4, 2), LAST, "previous", ()),
    # an empty value counts as no value: the default, without a notice
    "period= (empty)": ("period=", "12m", date(2024, 7, 1), LAST, "previous", ()),
    "compare= (empty)": ("compare=", "12m", date(2024, 7, 1), LAST, "previous", ()),
    # tampered or unknown values: the default and one notice each
    "unknown period": ("period=7d", "12m", date(2024, 7, 1), LAST, "previous", ("Unknown period '7d'",)),
    "period in capitals": ("period=CUSTOM&from=2024-02-01&to=2024-03-15", "12m", date(2024, 7, 1), LAST,
                           "previous", ("Unknown period 'CUSTOM'",)),
    "markup as period": ("period=<script>", "12m", date(2024, 7, 1), LAST, "previous",
                         ("Unknown period '<script>'",)),
    "unknown comparison": ("compare=yesterday", "12m", date(2024, 7, 1), LAST, "previous",
                           ("Unknown comparison 'yesterday'",)),
    "both unknown": ("period=week&compare=never", "12m", date(2024, 7, 1), LAST, "previous",
                     ("Unknown period 'week'", "Unknown comparison 'never'")),
    # bad custom dates: the custom choice stays, over every day with data, with a notice
    "custom without dates": ("period=custom", "custom", FIRST, LAST, "previous", ("dates in the link are not valid",)),
    "custom without to": ("period=custom&from=2024-02-01", "custom", FIRST, LAST, "previous",
                          ("dates in the link are not valid",)),
    "custom from after to": ("period=custom&from=2024-03-15&to=2024-02-01", "custom", FIRST, LAST, "previous",
                             ("dates in the link are not valid",)),
    "custom 30 February": ("period=custom&from=2024-02-01&to=2024-02-30", "custom", FIRST, LAST, "previous",
                           ("dates in the link are not valid",)),
    "custom month 13": ("period=custom&from=2024-13-01&to=2024-12-31", "custom", FIRST, LAST, "previous",
                        ("dates in the link are not valid",)),
    "custom unpadded date": ("period=custom&from=2024-2-1&to=2024-03-15", "custom", FIRST, LAST, "previous",
                             ("dates in the link are not valid",)),
    "custom words": ("period=custom&from=yesterday&to=today", "custom", FIRST, LAST, "previous",
                     ("dates in the link are not valid",)),
    "custom date and time": ("period=custom&from=2024-02-01T00:00&to=2024-03-15", "custom", FIRST, LAST,
                             "previous", ("dates in the link are not valid",)),
    "custom with SQL after the date": ("period=custom&from=2024-02-01';--&to=2024-03-15", "custom", FIRST, LAST,
                                       "previous", ("dates in the link are not valid",)),
    "custom empty dates": ("period=custom&from=&to=", "custom", FIRST, LAST, "previous",
                           ("dates in the link are not valid",)),
}


@pytest.mark.parametrize(("query", "preset", "start", "end", "compare", "notices"), LINK_CASES.values(),
                         ids=LINK_CASES)
def test_a_link_gives_its_period_and_comparison_or_falls_back_with_a_notice(query, preset, start, end, compare,
                                                                            notices):
    view = view_of(query)
    assert (view.preset, view.start, view.end, view.compare) == (preset, start, end, compare)
    assert len(view.notices) == len(notices), view.notices
    for notice, fragment in zip(view.notices, notices, strict=True):
        assert fragment in notice
    assert (view.tiers, view.segments, view.regions, view.channels) == ((), (), (), ())


# link, expected tiers, segments, regions, channels, names whose values were ignored (one notice each)
LIST_CASES = {
    "one of each": ("tier=Gold&segment=Business&region=North&channel=app", ("Gold",), ("Business",), ("North",),
                    ("app",), ()),
    "several, in the link's order": ("tier=Platinum&tier=Bronze&region=South&region=North", ("Platinum", "Bronze"),
                                     (), ("South", "North"), (), ()),
    "customers outside the tiers": ("tier=No+tier", ("No tier",), (), (), (), ()),
    "repeats kept once": ("tier=Gold&tier=Gold&channel=web&channel=web", ("Gold",), (), (), ("web",), ()),
    # values are matched exactly: a tier in lower case is unknown
    "tier in lower case": ("tier=gold", (), (), (), (), ("tier",)),
    "unknown tier beside a known one": ("tier=Diamond&tier=Silver", ("Silver",), (), (), (), ("tier",)),
    "unknown segment, region and channel": ("segment=VIP&region=Mars&channel=fax", (), (), (), (),
                                            ("segment", "region", "channel")),
    "empty values": ("tier=&region=", (), (), (), (), ("tier", "region")),
}


@pytest.mark.parametrize(("query", "tiers", "segments", "regions", "channels", "ignored"), LIST_CASES.values(),
                         ids=LIST_CASES)
def test_customer_filters_keep_only_known_values(query, tiers, segments, regions, channels, ignored):
    view = view_of(query)
    assert (view.tiers, view.segments, view.regions, view.channels) == (tiers, segments, regions, channels)
    assert len(view.notices) == len(ignored), view.notices
    for notice, name in zip(view.notices, ignored, strict=True):
        assert notice.startswith(f"Ignored unknown {name} ")
    assert (view.preset, view.start, view.end) == ("12m", date(2024, 7, 1), LAST)


def test_without_options_every_segment_region_and_channel_is_unknown():
    view = view_from_params(link("segment=Business&region=North&channel=app&tier=Gold"), (FIRST, LAST), {})
    assert (view.tiers, view.segments, view.regions, view.channels) == (("Gold",), (), (), ())
    assert len(view.notices) == 3


# the view's dates, comparison choice, expected comparison start and end
COMPARISON_CASES = {
    # Apr 1-Jun 30 is 91 days; the 91 before: Dec 31 2024 and Jan-Mar 2025 (31+28+31)
    "previous quarter": (date(2025, 4, 1), date(2025, 6, 30), "previous", date(2024, 12, 31), date(2025, 3, 31)),
    # 30 days Dec 12-Jan 10; the 30 before: Nov 12-30 (19) and Dec 1-11 (11)
    "previous 30 days across new year": (date(2024, 12, 12), date(2025, 1, 10), "previous", date(2024, 11, 12),
                                         date(2024, 12, 11)),
    "previous single day": (date(2024, 3, 1), date(2024, 3, 1), "previous", date(2024, 2, 29), date(2024, 2, 29)),
    "last year": (date(2025, 4, 1), date(2025, 6, 30), "last-year", date(2024, 4, 1), date(2024, 6, 30)),
    # 29 February has no twin: the 28th
    "last year from a leap day": (date(2024, 2, 29), date(2024, 3, 31), "last-year", date(2023, 2, 28),
                                  date(2023, 3, 31)),
    "last year across new year": (date(2024, 12, 12), date(2025, 1, 10), "last-year", date(2023, 12, 12),
                                  date(2024, 1, 10)),
}


@pytest.mark.parametrize(("start", "end", "compare", "compare_start", "compare_end"), COMPARISON_CASES.values(),
                         ids=COMPARISON_CASES)
def test_the_comparison_period(start, end, compare, compare_start, compare_end):
    view = view_of(f"period=custom&from={start}&to={end}&compare={compare}&tier=Gold&region=North")
    assert view.filters == Filters(start, end, ("Gold",), (), ("North",), ())
    assert view.comparison == Filters(compare_start, compare_end, ("Gold",), (), ("North",), ())
    assert view.comparison_label == {"previous": "previous period", "last-year": "same period last year"}[compare]


@pytest.mark.parametrize("open_view", [Filters(), Filters(start=date(2025, 1, 1)), Filters(end=date(2025, 1, 31))])
def test_a_comparison_needs_a_closed_period(open_view):
    for comparison in (open_view.previous_period, open_view.same_period_last_year):
        with pytest.raises(ValueError, match="closed period"):
            comparison()


@pytest.mark.parametrize("compare", ["previous", "last-year"])
def test_a_link_to_year_one_shows_all_data_with_a_comparison_and_a_notice(compare):
    view = view_of(f"period=custom&from=0001-01-01&to=0001-01-05&compare={compare}")
    assert (view.start, view.end) == (FIRST, LAST) and "lie outside the data" in view.notices[0]
    assert view.comparison.end < view.end  # before the fix: OverflowError below date.min


VIEWS = {
    "the default view": View("12m", date(2024, 7, 1), LAST),
    "a preset and a comparison": View("quarter", date(2025, 4, 1), LAST, "last-year"),
    "custom dates and every list": View("custom", date(2024, 2, 1), date(2024, 3, 15), "previous", ("Gold", "No tier"),
                                        ("Business",), ("South", "North"), ("app",)),
}


@pytest.mark.parametrize("view", VIEWS.values(), ids=VIEWS)
def test_a_view_written_to_the_url_reads_back_the_same(view):
    params = view_to_params(view)
    read = view_from_params({k: v if isinstance(v, list) else [v] for k, v in params.items()}, (FIRST, LAST), OPTIONS)
    assert read == view
    assert read.notices == ()


def test_defaults_are_left_out_of_the_url():
    assert view_to_params(VIEWS["the default view"]) == {}
    assert view_to_params(VIEWS["a preset and a comparison"]) == {"period": "quarter", "compare": "last-year"}
    assert view_to_params(VIEWS["custom dates and every list"]) == {
        "period": "custom", "from": "2024-02-01", "to": "2024-03-15", "tier": ["Gold", "No tier"],
        "segment": ["Business"], "region": ["South", "North"], "channel": ["app"]}


def test_parsing_a_link_needs_no_streamlit_runtime():
    import streamlit.runtime

    view_of("period=quarter&tier=Gold")
    assert not streamlit.runtime.exists()
