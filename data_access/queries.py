"""Named reads. Each aggregates in the engine, binds every value, and returns a frame sized for a chart."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, datetime, timedelta
from decimal import Decimal

import pandas as pd
import sqlalchemy as sa
from sqlalchemy.engine import Connection

from analytics.nps import DETRACTOR_UP_TO, PROMOTER_FROM
from analytics.sentiment import NEGATIVE_BELOW
from data_access import known_customers
from data_access.compat import median, month_start
from data_access.contracts import DATASETS
from data_access.filters import (
    NO_TIER,
    Filters,
    channel_conditions,
    customer_conditions,
    period_bounds,
    period_conditions,
    tier_label,
)
from data_access.schema import (
    JOURNEY_STEPS,
    SURVEY_COUNTS,
    SURVEY_SUMS,
    TABLES,
    app_meta,
    customers,
    import_log,
    journey_runs,
    order_days,
    order_sequence,
    purchases,
    response_followups,
    service_tickets,
    survey_days,
    survey_responses,
    ticket_followups,
    tier_history,
    touchpoints,
)

SLOW_TICKET_HOURS = 72
SURVEY_GROUPS = ("touchpoint", "stage", "stage_order", "tier", "segment", "region", "channel", "month")  # allow-list


def _survey_group(name: str, answers: sa.Table) -> sa.ColumnElement:
    """A dimension survey results may be grouped by, on the answers or on their per-day sums (survey_days)."""
    return {"touchpoint": answers.c.touchpoint, "stage": touchpoints.c.stage, "stage_order": touchpoints.c.stage_order,
            "tier": tier_label(_customer_columns(answers)), "segment": customers.c.segment,
            "region": customers.c.region, "channel": answers.c.channel,
            "month": month_start(_answered_at(answers))}[name]


def _answered_at(answers: sa.Table) -> sa.ColumnElement:
    """When the answers were given: each answer's moment, or the day its sums cover."""
    return answers.c.submitted_at if answers is survey_responses else answers.c.day


def _customer_columns(answers: sa.Table) -> sa.ColumnCollection:
    """Where the answers' customer attributes are: the joined customers, or the copies in survey_days."""
    return customers.c if answers is survey_responses else answers.c


def _frame(conn: Connection, statement: sa.Executable) -> pd.DataFrame:
    """Run a statement; Decimal sums (PostgreSQL's bigint sums) become floats."""
    result = conn.execute(statement)
    frame = pd.DataFrame(result.all(), columns=list(result.keys()))
    for column in frame.columns:
        if frame[column].map(lambda v: isinstance(v, Decimal)).any():
            frame[column] = frame[column].astype("float64")
    return frame


def _count_if(condition: sa.ColumnElement) -> sa.ColumnElement:
    return sa.func.count(sa.case((condition, 1)))


def nps_groups(nps: sa.ColumnElement) -> dict[str, sa.ColumnElement]:
    """Promoter / Passive / Detractor as SQL conditions, from the one definition in analytics.nps."""
    return {"Promoter": nps >= PROMOTER_FROM, "Passive": nps.between(DETRACTOR_UP_TO + 1, PROMOTER_FROM - 1),
            "Detractor": nps <= DETRACTOR_UP_TO}


NPS_COUNTS = ("promoters", "passives", "detractors")  # the counts analytics.nps works from, as columns


def _nps_counts(nps: sa.ColumnElement) -> list[sa.ColumnElement]:
    return [_count_if(condition).label(name) for name, condition in zip(NPS_COUNTS, nps_groups(nps).values(),
                                                                          strict=True)]


def _survey_measures() -> list[sa.ColumnElement]:
    r = survey_responses.c
    return [
        sa.func.count().label("responses"),
        *_nps_counts(r.nps),
        sa.func.count(r.csat).label("csat_n"),
        _count_if(r.csat >= 4).label("csat_top2"),
        sa.func.count(r.ces).label("ces_n"),
        sa.func.coalesce(sa.func.sum(r.ces), 0).label("ces_sum"),
        sa.func.coalesce(sa.func.sum(r.ces * r.ces), 0).label("ces_squares"),
        sa.func.count(r.sentiment).label("sentiment_n"),
        sa.func.coalesce(sa.func.sum(r.sentiment), 0.0).label("sentiment_sum"),
        sa.func.coalesce(sa.func.sum(r.sentiment * r.sentiment), 0.0).label("sentiment_squares"),
        _count_if(r.sentiment < NEGATIVE_BELOW).label("sentiment_negative"),
    ]


def _with_customers(table: sa.Table, customer_id: sa.ColumnElement, filters: Filters) -> sa.FromClause:
    """The table, outer-joined to customers only when a customer filter needs them.

    The join is on the customers' key, so it never changes the rows: leaving it out changes no number and
    saves a hash join over every row read (bench/README.md, fixes 1 and 2).
    """
    if not customer_conditions(filters):
        return table
    return table.outerjoin(customers, customers.c.customer_id == customer_id)


CUSTOMER_GROUPS = frozenset({"tier", "segment", "region"})
JOURNEY_GROUPS = frozenset({"stage", "stage_order"})


def _survey_source(filters: Filters, by: tuple[str, ...] = ()) -> sa.FromClause:
    """survey_responses joined to customers and touchpoints only when a filter or a grouping needs them.

    Both are outer joins on the other table's key, so they never change the rows; leaving them out changes
    no number and saves most of the read at scale (bench/README.md, fix 1).
    """
    source = survey_responses
    if customer_conditions(filters) or CUSTOMER_GROUPS & set(by):
        source = source.outerjoin(customers, customers.c.customer_id == survey_responses.c.customer_id)
    if JOURNEY_GROUPS & set(by):
        source = source.outerjoin(touchpoints, touchpoints.c.touchpoint == survey_responses.c.touchpoint)
    return source


def _survey_from() -> sa.FromClause:
    """survey_responses with both joins, for reads that select customer or journey columns."""
    return _survey_source(Filters(), (*CUSTOMER_GROUPS, *JOURNEY_GROUPS))


def _survey_where(filters: Filters, answers: sa.Table = survey_responses) -> list[sa.ColumnElement]:
    return (period_conditions(_answered_at(answers), filters)
            + customer_conditions(filters, _customer_columns(answers))
            + channel_conditions(answers.c.channel, filters))


def survey_counts(conn: Connection, filters: Filters, by: tuple[str, ...] = (),
                  touchpoint: str | None = None) -> pd.DataFrame:
    """Answer counts behind NPS, CSAT, CES and sentiment, grouped by allow-listed dimensions.

    From the per-day sums where they are stored and no segment or region filter or grouping needs the answers'
    customers.
    """
    unknown = set(by) - set(SURVEY_GROUPS)
    if unknown:
        raise ValueError(f"cannot group survey results by {', '.join(sorted(unknown))}")
    per_day = (not (filters.segments or filters.regions or {"segment", "region"} & set(by))
               and _stored(conn, survey_days))
    answers = survey_days if per_day else survey_responses
    groups = [_survey_group(name, answers).label(name) for name in by]
    where = _survey_where(filters, answers)
    if touchpoint is not None:
        where.append(answers.c.touchpoint == touchpoint)
    if per_day:
        source, measures = survey_days, _survey_day_sums()
        if JOURNEY_GROUPS & set(by):
            source = source.outerjoin(touchpoints, touchpoints.c.touchpoint == survey_days.c.touchpoint)
    else:
        source, measures = _survey_source(filters, by), _survey_measures()
    statement = (sa.select(*groups, *measures).select_from(source).where(*where).group_by(*groups)
                 .order_by(*groups))
    return _frame(conn, statement)


def _survey_day_sums() -> list[sa.ColumnElement]:
    """_survey_measures over the per-day sums: the same columns, in the same order and types."""
    def total(name: str) -> sa.ColumnElement:
        summed = sa.func.coalesce(sa.func.sum(survey_days.c[name]), 0 if name in SURVEY_COUNTS else 0.0)
        return (sa.cast(summed, sa.BigInteger) if name in SURVEY_COUNTS else summed).label(name)
    return [total(measure.name) for measure in _survey_measures()]


def survey_days_select() -> sa.Select:
    """Answer counts and sums per day (midnight), touchpoint, channel and the customer's tier."""
    r = survey_responses.c
    day = sa.cast(sa.cast(r.submitted_at, sa.Date), sa.DateTime).label("day")
    keys = [day, r.touchpoint, r.channel, customers.c.tier]
    measures = {measure.name: measure for measure in _survey_measures()}
    return (sa.select(*keys, *(measures[name] for name in (*SURVEY_COUNTS, *SURVEY_SUMS)))
            .select_from(_survey_source(Filters(), ("tier",))).group_by(*keys))


def is_purchase(amount: sa.ColumnElement) -> sa.ColumnElement:
    """A purchase order: a positive amount. Negative amounts are returns and cancellations (docs/metrics.md)."""
    return amount > 0


def is_return(amount: sa.ColumnElement) -> sa.ColumnElement:
    return amount < 0


def _purchases_in(filters: Filters, name: str) -> sa.Subquery:
    """Each customer's purchase orders, returns, gross sales, net revenue and points in the period."""
    p = purchases.c
    return (sa.select(p.customer_id, _count_if(is_purchase(p.amount)).label("orders"),
                      _count_if(is_return(p.amount)).label("returns"),
                      sa.func.coalesce(sa.func.sum(sa.case((is_purchase(p.amount), p.amount))), 0.0)
                      .label("gross_sales"),
                      sa.func.sum(p.amount).label("revenue"),
                      sa.func.coalesce(sa.func.sum(p.points_earned), 0).label("earned"),
                      sa.func.coalesce(sa.func.sum(p.points_redeemed), 0).label("redeemed"))
            .where(*period_conditions(p.ordered_at, filters), *channel_conditions(p.channel, filters))
            .group_by(p.customer_id).subquery(name))


def loyalty_by_tier(conn: Connection, filters: Filters) -> pd.DataFrame:
    """Per tier: customers, buyers, orders, returns, sales, repeat and retained buyers, points (needs dates).

    From the orders in sequence where they are stored and fit (no channel filter), else per customer inline.
    """
    if filters.channels or not _stored(conn, order_sequence):
        return _frame(conn, _loyalty_per_customer(filters))
    return _frame(conn, _loyalty_from_sequence(filters))


def _loyalty_per_customer(filters: Filters) -> sa.Select:
    """Each customer's orders in the period and the one before, grouped, then counted per tier."""
    current = _purchases_in(filters, "current_period")
    previous = _purchases_in(filters.previous_period(), "previous_period")
    tier = tier_label()
    joined_by_end = customers.c.joined_at <= filters.end
    bought_now, bought_before = current.c.orders > 0, previous.c.orders > 0
    return (
        sa.select(
            tier,
            sa.func.count().label("customers"),
            _count_if(bought_now).label("active_customers"),
            sa.func.coalesce(sa.func.sum(current.c.orders), 0).label("orders"),
            sa.func.coalesce(sa.func.sum(current.c.returns), 0).label("returns"),
            sa.func.coalesce(sa.func.sum(current.c.gross_sales), 0.0).label("gross_sales"),
            sa.func.coalesce(sa.func.sum(current.c.revenue), 0.0).label("revenue"),
            _count_if(current.c.orders >= 2).label("repeat_buyers"),
            _count_if(bought_before).label("previous_buyers"),
            _count_if(sa.and_(bought_before, bought_now)).label("retained"),
            sa.func.coalesce(sa.func.sum(current.c.earned), 0).label("points_earned"),
            sa.func.coalesce(sa.func.sum(current.c.redeemed), 0).label("points_redeemed"),
            sa.func.coalesce(sa.func.sum(sa.case((current.c.redeemed == 0, current.c.earned))), 0)
            .label("points_unredeemed"),
        )
        .select_from(customers.outerjoin(current, current.c.customer_id == customers.c.customer_id)
                     .outerjoin(previous, previous.c.customer_id == customers.c.customer_id))
        .where(joined_by_end, *customer_conditions(filters))
        .group_by(tier).order_by(tier)
    )


def _before(moment: sa.ColumnElement, bound: datetime) -> sa.ColumnElement:
    """moment is earlier than bound, or there is no such moment (NULL)."""
    return sa.or_(moment.is_(None), moment < bound)


def _loyalty_from_sequence(filters: Filters) -> sa.Select:
    """The same numbers as _loyalty_per_customer, as counts of orders that meet a condition, in one pass.

    A customer bought in the period once: count their first order in it (the order before is earlier). Twice:
    their second. Retained: their first order in the period follows one in the previous period. Redeemed
    nothing: the redeeming orders around the order fall outside the period.
    """
    o = order_sequence.c
    start, stop = period_bounds(filters)
    previous_start, _ = period_bounds(filters.previous_period())
    current = o.ordered_at >= start
    purchase = is_purchase(o.amount)  # previous_at and second_previous_at are the customer's purchase orders

    def current_count(*conditions: sa.ColumnElement) -> sa.ColumnElement:
        return _count_if(sa.and_(current, *conditions))

    def current_sum(value: sa.ColumnElement, *conditions: sa.ColumnElement) -> sa.ColumnElement:
        return sa.func.sum(sa.case((sa.and_(current, *conditions), value)))

    tier = tier_label(o)
    bought = (sa.select(
        tier,
        current_count(purchase, _before(o.previous_at, start)).label("active_customers"),
        current_count(purchase).label("orders"),
        current_count(is_return(o.amount)).label("returns"),
        current_sum(o.amount, purchase).label("gross_sales"),
        current_sum(o.amount).label("revenue"),
        current_count(purchase, o.previous_at >= start, _before(o.second_previous_at, start)).label("repeat_buyers"),
        _count_if(sa.and_(o.ordered_at < start, purchase, _before(o.previous_at, previous_start)))
        .label("previous_buyers"),
        current_count(purchase, o.previous_at >= previous_start, o.previous_at < start).label("retained"),
        current_sum(o.points_earned).label("points_earned"),
        current_sum(o.points_redeemed).label("points_redeemed"),
        current_sum(o.points_earned, _before(o.last_redeemed_at, start),
                    sa.or_(o.next_redeemed_at.is_(None), o.next_redeemed_at >= stop)).label("points_unredeemed"))
        .where(o.ordered_at >= previous_start, o.ordered_at < stop, o.joined_at <= filters.end,
               *customer_conditions(filters, o))
        .group_by(tier).subquery("bought"))
    customer_tier = tier_label()
    people = (sa.select(customer_tier, sa.func.count().label("customers")).select_from(customers)
              .where(customers.c.joined_at <= filters.end, *customer_conditions(filters))
              .group_by(customer_tier).subquery("people"))
    measures = [c for c in bought.c if c.name != "tier"]
    zero = {"revenue": 0.0, "gross_sales": 0.0}
    return (sa.select(people.c.tier, people.c.customers,
                      *(sa.func.coalesce(c, zero.get(c.name, 0)).label(c.name) for c in measures))
            .select_from(people.outerjoin(bought, bought.c.tier == people.c.tier))
            .order_by(people.c.tier))


def _tiers_on(first: date, second: date) -> sa.Subquery:
    """Each customer's tier in force on two days, from one ordered pass over the tier history.

    A tier holds from its effective date until the customer's next one; the tier on a day is the one whose
    span holds it. One window in key order, where a latest-date-per-customer join per day took two scans and
    two hash joins each (bench/README.md, fix 15).
    """
    h = tier_history.c
    until = sa.func.lead(h.effective_from).over(partition_by=h.customer_id, order_by=h.effective_from)
    spans = sa.select(h.customer_id, h.tier, h.effective_from, until.label("until")).subquery("spans")

    def tier_on(day: date, name: str) -> sa.ColumnElement:
        holds = sa.and_(spans.c.effective_from <= day, sa.or_(spans.c.until.is_(None), spans.c.until > day))
        return sa.func.max(sa.case((holds, spans.c.tier))).label(name)

    return (sa.select(spans.c.customer_id, tier_on(first, "tier_before"), tier_on(second, "tier_after"))
            .group_by(spans.c.customer_id).subquery("tiers"))


def tier_migration(conn: Connection, first: date, second: date, filters: Filters) -> pd.DataFrame:
    """Customers counted by their tier on the first date and on the second.

    Segment and region filters apply; the tier filter does not, since tiers are what the matrix compares.
    """
    tiers = _tiers_on(first, second)
    no_tier = sa.literal(NO_TIER)
    tier_from = sa.func.coalesce(tiers.c.tier_before, no_tier).label("tier_from")
    tier_to = sa.func.coalesce(tiers.c.tier_after, no_tier).label("tier_to")
    statement = (sa.select(tier_from, tier_to, sa.func.count().label("customers"))
                 .select_from(customers.outerjoin(tiers, tiers.c.customer_id == customers.c.customer_id))
                 .where(customers.c.joined_at <= second, *customer_conditions(replace(filters, tiers=())))
                 .group_by(tier_from, tier_to))
    return _frame(conn, statement)


def _after(moment: sa.ColumnElement, later: sa.ColumnElement, days: int) -> sa.ColumnElement:
    return sa.and_(later > moment, later <= moment + timedelta(days=days))


FOLLOWUP_DAYS = 90  # the window after an answer or a ticket that the pre-aggregated follow-ups cover


def response_followups_select(days: int = FOLLOWUP_DAYS) -> sa.Select:
    """Per answer with an NPS: the same customer's orders and spend in the days after it."""
    r, p = survey_responses.c, purchases.c
    later_orders = sa.and_(p.customer_id == r.customer_id, _after(r.submitted_at, p.ordered_at, days))
    return (sa.select(r.response_id, _count_if(is_purchase(p.amount)).label("orders_after"),
                      sa.func.coalesce(sa.func.sum(p.amount), 0.0).label("spend_after"))
            .select_from(survey_responses.outerjoin(purchases, later_orders))
            .where(r.nps.is_not(None)).group_by(r.response_id))


def ticket_followups_select(days: int = FOLLOWUP_DAYS) -> sa.Select:
    """Per resolved ticket: the customer's orders and spend, and their answers by NPS group, in the days after."""
    t, p, r = service_tickets.c, purchases.c, survey_responses.c
    orders = (sa.select(t.ticket_id, _count_if(is_purchase(p.amount)).label("orders_after"),
                        sa.func.coalesce(sa.func.sum(p.amount), 0.0).label("spend_after"))
              .select_from(service_tickets.outerjoin(purchases, sa.and_(
                  p.customer_id == t.customer_id, _after(t.resolved_at, p.ordered_at, days))))
              .where(t.resolved_at.is_not(None)).group_by(t.ticket_id).subquery("orders_after"))
    answers = (sa.select(t.ticket_id, *_nps_counts(r.nps))
               .select_from(service_tickets.join(survey_responses, sa.and_(
                   r.customer_id == t.customer_id, _after(t.resolved_at, r.submitted_at, days))))
               .where(t.resolved_at.is_not(None)).group_by(t.ticket_id).subquery("answers_after"))
    return (sa.select(orders.c.ticket_id, orders.c.orders_after, orders.c.spend_after,
                      *(sa.func.coalesce(answers.c[group], 0).label(f"{group}_after")
                        for group in NPS_COUNTS))
            .select_from(orders.outerjoin(answers, answers.c.ticket_id == orders.c.ticket_id)))


def order_days_select() -> sa.Select:
    """Points per day, channel and customer attributes (tier, segment, region as the customer has them now)."""
    p, c = purchases.c, customers.c
    day = sa.cast(sa.cast(p.ordered_at, sa.Date), sa.DateTime).label("day")
    keys = [day, p.channel, c.tier, c.segment, c.region]
    return (sa.select(*keys, sa.func.coalesce(sa.func.sum(p.points_earned), 0).label("points_earned"),
                      sa.func.coalesce(sa.func.sum(p.points_redeemed), 0).label("points_redeemed"))
            .select_from(purchases.outerjoin(customers, c.customer_id == p.customer_id)).group_by(*keys))


def order_sequence_select() -> sa.Select:
    """Each order of a known customer, with the times of the customer's purchase orders before it (for a purchase
    order; for a return, their returns before it) and of the redeeming orders around it."""
    p, c = purchases.c, customers.c
    in_order = {"partition_by": p.customer_id, "order_by": (p.ordered_at, p.order_id)}
    same_kind = {"partition_by": (p.customer_id, is_purchase(p.amount)), "order_by": (p.ordered_at, p.order_id)}
    redeemed = sa.func.coalesce(p.points_redeemed, 0)
    redeeming_at = sa.case((redeemed > 0, p.ordered_at))
    return (sa.select(p.ordered_at, c.joined_at, c.tier, c.segment, c.region, p.amount,
                      sa.func.coalesce(p.points_earned, 0).label("points_earned"), redeemed.label("points_redeemed"),
                      sa.func.lag(p.ordered_at).over(**same_kind).label("previous_at"),
                      sa.func.lag(p.ordered_at, 2).over(**same_kind).label("second_previous_at"),
                      sa.func.max(redeeming_at).over(**in_order, rows=(None, 0)).label("last_redeemed_at"),
                      sa.func.min(redeeming_at).over(**in_order, rows=(1, None)).label("next_redeemed_at"))
            .select_from(purchases.join(customers, c.customer_id == p.customer_id)))


def _stored(conn: Connection, table: sa.Table) -> bool:
    """Whether a pre-aggregated table exists here (a warehouse may not have materialised it)."""
    return sa.inspect(conn).has_table(table.name)


def _pre_aggregated(conn: Connection, table: sa.Table, inline: sa.Select, fits: bool = True) -> sa.FromClause:
    """The pre-aggregated table where it exists and fits the read, else the SELECT that fills it, inline.

    Inline covers a warehouse that has not materialised the table, and a window other than the stored one.
    """
    if fits and _stored(conn, table):
        return table
    return inline.subquery(table.name)


def ticket_outcomes(conn: Connection, filters: Filters, data_end: datetime, slow_hours: float = SLOW_TICKET_HOURS,
                    horizon_days: int = FOLLOWUP_DAYS) -> pd.DataFrame:
    """Slow vs fast resolution: NPS of later responses and spend in the days after, per ticket.

    Only tickets resolved at least horizon_days before the data ends count, so every ticket has a full window.
    """
    t = service_tickets.c
    followups = _pre_aggregated(conn, ticket_followups, ticket_followups_select(horizon_days),
                                fits=horizon_days == FOLLOWUP_DAYS)
    f = followups.c
    speed = sa.case((t.resolution_hours > slow_hours, "slow"), else_="fast").label("speed")
    statement = (sa.select(speed, sa.func.count().label("tickets"),
                           sa.func.coalesce(sa.func.sum(f.spend_after), 0.0).label("spend"),
                           _count_if(f.orders_after > 0).label("tickets_followed_by_order"),
                           *(sa.func.coalesce(sa.func.sum(f[f"{group}_after"]), 0).label(group)
                             for group in NPS_COUNTS))
                 .select_from(_tickets_from(filters).join(followups, f.ticket_id == t.ticket_id))
                 .where(t.resolved_at <= data_end - timedelta(days=horizon_days),
                        *period_conditions(t.resolved_at, filters), *customer_conditions(filters),
                        *channel_conditions(t.channel, filters))
                 .group_by(speed).order_by(speed))
    return _frame(conn, statement)


def nps_group_outcomes(conn: Connection, filters: Filters, data_end: datetime, horizon_days: int = FOLLOWUP_DAYS,
                       by_tier: bool = True) -> pd.DataFrame:
    """Per tier and NPS group: responses, spend in the days after, and responses followed by an order."""
    r = survey_responses.c
    followups = _pre_aggregated(conn, response_followups, response_followups_select(horizon_days),
                                fits=horizon_days == FOLLOWUP_DAYS)
    f = followups.c
    group = sa.case(*((condition, name) for name, condition in nps_groups(r.nps).items())).label("nps_group")
    keys = [tier_label(), group] if by_tier else [group]
    source = _survey_source(filters, ("tier",) if by_tier else ())
    statement = (sa.select(*keys, sa.func.count().label("responses"),
                           sa.func.coalesce(sa.func.sum(f.spend_after), 0.0).label("spend"),
                           _count_if(f.orders_after > 0).label("responses_followed_by_order"))
                 .select_from(source.join(followups, f.response_id == r.response_id))
                 .where(r.nps.is_not(None), r.submitted_at <= data_end - timedelta(days=horizon_days),
                        *_survey_where(filters))
                 .group_by(*keys).order_by(*keys))
    return _frame(conn, statement)


def points_by_month(conn: Connection, filters: Filters) -> pd.DataFrame:
    """Points earned and redeemed per month (from the points per day pre-aggregated at import)."""
    days = _pre_aggregated(conn, order_days, order_days_select())
    d = days.c
    month = month_start(d.day).label("month")
    statement = (sa.select(month, sa.func.coalesce(sa.func.sum(d.points_earned), 0).label("points_earned"),
                           sa.func.coalesce(sa.func.sum(d.points_redeemed), 0).label("points_redeemed"))
                 .where(*period_conditions(d.day, filters), *customer_conditions(filters, d),
                        *channel_conditions(d.channel, filters))
                 .group_by(month).order_by(month))
    return _frame(conn, statement)


def data_date_range(conn: Connection) -> tuple[date, date] | None:
    """First and last day with survey responses or orders; None when there is no data yet."""
    bounds = [conn.execute(sa.select(sa.func.min(col), sa.func.max(col))).one()
              for col in (survey_responses.c.submitted_at, purchases.c.ordered_at)]
    firsts = [b[0] for b in bounds if b[0] is not None]
    lasts = [b[1] for b in bounds if b[1] is not None]
    if not firsts:
        return None
    return min(firsts).date(), max(lasts).date()


def data_version(conn: Connection) -> int:
    """Changes on every import; caches include it in their key."""
    value = conn.execute(sa.select(app_meta.c.value).where(app_meta.c.key == "data_version")).scalar()
    return int(value or 0)


def sentiment_scorers(conn: Connection) -> list[str]:
    """The scorers behind the stored sentiment, so pages can say which one they show."""
    column = survey_responses.c.sentiment_scorer
    rows = conn.execute(sa.select(column).where(column.is_not(None)).distinct().order_by(column))
    return [row[0] for row in rows]


def last_import(conn: Connection) -> datetime | None:
    """When data last changed, for the 'data as of' line."""
    return conn.execute(sa.select(sa.func.max(import_log.c.imported_at))).scalar()


def filter_options(conn: Connection) -> dict[str, list[str]]:
    """The values the global filters offer: segments, regions and channels present in the data."""
    def distinct(column: sa.ColumnElement) -> list[str]:
        return [v for (v,) in conn.execute(sa.select(column).where(column.is_not(None)).distinct().order_by(column))]

    def summarised(column: sa.ColumnElement, summary: sa.Column) -> sa.ColumnElement:  # not millions of rows
        return summary if _stored(conn, summary.table) else column

    channels = sorted(set(distinct(summarised(survey_responses.c.channel, survey_days.c.channel)))
                      | set(distinct(summarised(purchases.c.channel, order_days.c.channel)))
                      | set(distinct(service_tickets.c.channel)))
    return {"segments": distinct(customers.c.segment), "regions": distinct(customers.c.region),
            "channels": channels}


LEFT_JOURNEY = "Left the journey"


def _events(filters: Filters) -> sa.Subquery:
    """Every customer event in the view: survey answers (named by journey stage), tickets and orders."""
    r, t, p = survey_responses.c, service_tickets.c, purchases.c

    def of(table, customer, moment, label, channel):
        return (sa.select(customer.label("customer_id"), moment.label("at"), label.label("event"))
                .select_from(_with_customers(table, customer, filters))
                .where(*period_conditions(moment, filters), *customer_conditions(filters),
                       *channel_conditions(channel, filters)))

    surveys = (sa.select(r.customer_id, r.submitted_at.label("at"),
                         sa.func.coalesce(touchpoints.c.stage, sa.literal("Other feedback")).label("event"))
               .select_from(_survey_source(filters, ("stage",))).where(*_survey_where(filters)))
    return sa.union_all(surveys, of(service_tickets, t.customer_id, t.opened_at, sa.literal("Support ticket"),
                                    t.channel),
                        of(purchases, p.customer_id, p.ordered_at, sa.literal("Order"), p.channel)).subquery("events")


def journey_runs_select() -> sa.Select:
    """Every customer's events cut into runs of one kind, in the journey map's order, with the runs around each.

    A run starts where the event differs from the one before. The running count of starts numbers the runs;
    its default frame takes in every event tied on (time, event), so ties always share a run.
    """
    events = _events(Filters())
    in_order = {"partition_by": events.c.customer_id, "order_by": (events.c.at, events.c.event)}
    starts = sa.case((sa.func.lag(events.c.event).over(**in_order) == events.c.event, 0), else_=1)
    marked = sa.select(events.c.customer_id, events.c.at, events.c.event, starts.label("starts")).subquery("marked")
    run = sa.func.sum(marked.c.starts).over(partition_by=marked.c.customer_id, order_by=(marked.c.at, marked.c.event))
    numbered = sa.select(marked.c.customer_id, marked.c.at, marked.c.event, run.label("run")).subquery("numbered")
    runs = (sa.select(numbered.c.customer_id, numbered.c.run, numbered.c.event,
                      sa.func.min(numbered.c.at).label("first_at"), sa.func.max(numbered.c.at).label("last_at"))
            .group_by(numbered.c.customer_id, numbered.c.run, numbered.c.event).subquery("runs"))
    in_runs = {"partition_by": runs.c.customer_id, "order_by": runs.c.run}
    return sa.select(runs.c.customer_id, runs.c.event, runs.c.first_at, runs.c.last_at,
                     *(sa.func.lag(runs.c.last_at, k).over(**in_runs).label(f"last_at_{k}_before")
                       for k in range(1, JOURNEY_STEPS)),
                     sa.func.lead(runs.c.event).over(**in_runs).label("next_event"),
                     sa.func.lead(runs.c.first_at).over(**in_runs).label("next_first_at"))


def journey_paths(conn: Connection, filters: Filters, steps: int = JOURNEY_STEPS) -> pd.DataFrame:
    """Customers moving from one event to the next over their first steps (repeats collapsed), with drop-off.

    From the stored runs where they exist and fit (the stored number of steps, no channel filter), else from
    every event, sorted per customer.
    """
    if steps == JOURNEY_STEPS and not filters.channels and _stored(conn, journey_runs):
        return _frame(conn, _journey_from_runs(filters))
    return _frame(conn, _journey_from_events(filters, steps))


def _journey_from_events(filters: Filters, steps: int) -> sa.Select:
    events = _events(filters)
    by_customer = {"partition_by": events.c.customer_id, "order_by": (events.c.at, events.c.event)}
    marked = sa.select(events.c.customer_id, events.c.at, events.c.event,
                       sa.func.lag(events.c.event).over(**by_customer).label("previous")).subquery("marked")
    changes = (sa.select(marked.c.customer_id, marked.c.at, marked.c.event)
               .where(sa.or_(marked.c.previous.is_(None), marked.c.previous != marked.c.event)).subquery("changes"))
    order = {"partition_by": changes.c.customer_id, "order_by": (changes.c.at, changes.c.event)}
    numbered = sa.select(changes.c.event, sa.func.row_number().over(**order).label("step"),
                         sa.func.lead(changes.c.event).over(**order).label("next_event")).subquery("numbered")
    target = sa.func.coalesce(numbered.c.next_event, sa.literal(LEFT_JOURNEY)).label("target")
    return (sa.select(numbered.c.step, numbered.c.event.label("source"), target, sa.func.count().label("customers"))
            .where(numbered.c.step < steps)
            .group_by(numbered.c.step, numbered.c.event, target)
            .order_by(numbered.c.step, numbered.c.event, target))


def _has_event_between(customer_id: sa.ColumnElement, start: datetime, stop: datetime) -> sa.ColumnElement:
    r, t, p = survey_responses.c, service_tickets.c, purchases.c
    return sa.or_(*(sa.exists().where(customer == customer_id, moment >= start, moment < stop)
                    for customer, moment in ((p.customer_id, p.ordered_at), (r.customer_id, r.submitted_at),
                                             (t.customer_id, t.opened_at))))


def _journey_from_runs(filters: Filters) -> sa.Select:
    """The same paths as _journey_from_events, from the runs that overlap the period; no sort.

    Cutting a customer's runs to a period keeps a contiguous stretch of them, so neighbours still differ and
    nothing needs collapsing again. A run's step is one more than the earlier runs still in the period, and its
    target is the next run if that starts in the period. A run that spans the whole period may hold no event
    inside it; it counts only if the customer has one there.
    """
    j = journey_runs.c
    start, stop = period_bounds(filters)

    def in_period(earlier_end: sa.ColumnElement) -> sa.ColumnElement:  # an earlier run ends inside the period
        return sa.and_(earlier_end.is_not(None), earlier_end >= start) if start else earlier_end.is_not(None)

    earlier = [j[f"last_at_{k}_before"] for k in range(1, JOURNEY_STEPS)]
    step = sum((sa.case((in_period(end), 1), else_=0) for end in earlier[:-1]), sa.literal(1))
    goes_on = j.next_first_at < stop if stop else j.next_first_at.is_not(None)
    target = sa.case((goes_on, j.next_event), else_=sa.literal(LEFT_JOURNEY))
    runs = _with_customers(journey_runs, j.customer_id, filters)
    overlapping = [*customer_conditions(filters), *period_conditions(j.first_at, replace(filters, start=None)),
                   *period_conditions(j.last_at, replace(filters, end=None))]
    paths = (sa.select(step.label("step"), j.event.label("source"), target.label("target")).select_from(runs)
             .where(*overlapping, sa.not_(in_period(earlier[-1]))))
    if start and stop:  # checked on their own, so the many other runs need no per-row look-up
        spans = [j.first_at < start, j.last_at >= stop]
        paths = sa.union_all(
            paths.where(sa.not_(sa.and_(*spans))),
            sa.select(sa.literal(1).label("step"), j.event.label("source"), sa.literal(LEFT_JOURNEY).label("target"))
            .select_from(runs).where(*overlapping, *spans, _has_event_between(j.customer_id, start, stop)))
    paths = paths.subquery("paths")
    keys = (paths.c.step, paths.c.source, paths.c.target)
    return sa.select(*keys, sa.func.count().label("customers")).group_by(*keys).order_by(*keys)


PRE_AGGREGATES = (  # table, the SELECT that fills it, and the tables whose changes make it stale
    (response_followups, response_followups_select, frozenset({"survey_responses", "purchases"})),
    (ticket_followups, ticket_followups_select, frozenset({"service_tickets", "purchases", "survey_responses"})),
    (order_days, order_days_select, frozenset({"purchases", "customers"})),
    (order_sequence, order_sequence_select, frozenset({"purchases", "customers"})),
    (survey_days, survey_days_select, frozenset({"survey_responses", "customers"})),
    (journey_runs, journey_runs_select, frozenset({"survey_responses", "service_tickets", "purchases", "touchpoints"})),
)


def touchpoint_drivers(conn: Connection, filters: Filters) -> pd.DataFrame:
    """Derived importance per touchpoint: correlation of a customer's CSAT there with their NPS elsewhere.

    Leave-one-out: the outcome is the customer's mean NPS over their *other* touchpoints, so a touchpoint's
    own answers never explain themselves. Only customers who rated at least two touchpoints count.
    """
    r = survey_responses.c
    per_touchpoint = (sa.select(r.customer_id, r.touchpoint, sa.func.avg(r.csat).label("csat"),
                                sa.func.sum(r.nps).label("nps_sum"), sa.func.count(r.nps).label("nps_n"))
                      .select_from(_survey_source(filters)).where(*_survey_where(filters))
                      .group_by(r.customer_id, r.touchpoint).subquery("per_touchpoint"))
    per_customer = (sa.select(per_touchpoint.c.customer_id, sa.func.sum(per_touchpoint.c.nps_sum).label("all_sum"),
                              sa.func.sum(per_touchpoint.c.nps_n).label("all_n"),
                              sa.func.count().label("touchpoints_rated"))
                    .group_by(per_touchpoint.c.customer_id).subquery("per_customer"))
    others_n = per_customer.c.all_n - per_touchpoint.c.nps_n
    elsewhere = (sa.cast(per_customer.c.all_sum - per_touchpoint.c.nps_sum, sa.Float)
                 / sa.cast(others_n, sa.Float))
    pairs = (sa.select(per_touchpoint.c.touchpoint, sa.cast(per_touchpoint.c.csat, sa.Float).label("x"),
                       elsewhere.label("y"))
             .join(per_customer, per_customer.c.customer_id == per_touchpoint.c.customer_id)
             .where(others_n > 0, per_touchpoint.c.csat.is_not(None)).subquery("pairs"))
    statement = (sa.select(pairs.c.touchpoint, sa.func.count().label("customers"),
                           sa.func.corr(pairs.c.x, pairs.c.y).label("correlation"))
                 .group_by(pairs.c.touchpoint).order_by(pairs.c.touchpoint))
    return _frame(conn, statement)


def touchpoints_per_customer(conn: Connection, filters: Filters) -> pd.DataFrame:
    """How many touchpoints each respondent rated, as a distribution (to judge what a driver model can do)."""
    r = survey_responses.c
    rated = (sa.select(r.customer_id, sa.func.count(sa.distinct(r.touchpoint)).label("touchpoints"))
             .select_from(_survey_source(filters)).where(*_survey_where(filters)).group_by(r.customer_id).subquery())
    statement = (sa.select(rated.c.touchpoints, sa.func.count().label("customers"))
                 .group_by(rated.c.touchpoints).order_by(rated.c.touchpoints))
    return _frame(conn, statement)


TICKET_GROUPS = {"channel": service_tickets.c.channel, "category": service_tickets.c.category,
                 "priority": service_tickets.c.priority}


def _ticket_group(by: str) -> sa.ColumnElement:
    if by not in TICKET_GROUPS:
        raise ValueError(f"cannot group tickets by {by}")
    return sa.func.coalesce(TICKET_GROUPS[by], sa.literal("(none)")).label(by)


def _tickets_where(filters: Filters) -> list[sa.ColumnElement]:
    t = service_tickets.c
    return [*period_conditions(t.opened_at, filters), *customer_conditions(filters),
            *channel_conditions(t.channel, filters)]


def _tickets_from(filters: Filters) -> sa.FromClause:
    return _with_customers(service_tickets, service_tickets.c.customer_id, filters)


def tickets_by_month(conn: Connection, filters: Filters, by: str = "channel") -> pd.DataFrame:
    """Tickets opened per month and group (channel, category or priority)."""
    month = month_start(service_tickets.c.opened_at).label("month")
    group = _ticket_group(by)
    statement = (sa.select(month, group, sa.func.count().label("tickets")).select_from(_tickets_from(filters))
                 .where(*_tickets_where(filters)).group_by(month, group).order_by(month, group))
    return _frame(conn, statement)


def ticket_service_levels(conn: Connection, filters: Filters, by: str | None = "channel",
                          slow_hours: float = SLOW_TICKET_HOURS) -> pd.DataFrame:
    """Per group (or over all tickets, by=None): tickets, median hours to first response and to resolution,
    tickets over the slow limit, CSAT."""
    t = service_tickets.c
    group = [_ticket_group(by)] if by else []
    statement = (sa.select(*group, sa.func.count().label("tickets"), sa.func.count(t.resolved_at).label("resolved"),
                           median(t.first_response_hours).label("median_first_response_hours"),
                           median(t.resolution_hours).label("median_resolution_hours"),
                           _count_if(t.resolution_hours > slow_hours).label("slow"),
                           sa.func.count(t.csat).label("csat_n"), _count_if(t.csat >= 4).label("csat_top2"))
                 .select_from(_tickets_from(filters)).where(*_tickets_where(filters)).group_by(*group)
                 .order_by(*group))
    return _frame(conn, statement)


def backlog_by_month(conn: Connection, filters: Filters, month_ends: list[datetime]) -> pd.DataFrame:
    """Tickets open at each month end: opened by then and not yet resolved (customer filters apply)."""
    t = service_tickets.c
    ends = sa.values(sa.column("month_end", sa.DateTime), name="month_ends").data([(end,) for end in month_ends])
    open_then = sa.and_(t.opened_at <= ends.c.month_end,
                        sa.or_(t.resolved_at.is_(None), t.resolved_at > ends.c.month_end))
    statement = (sa.select(ends.c.month_end, sa.func.count(t.ticket_id).label("open_tickets"))
                 .select_from(ends.outerjoin(_tickets_from(filters), sa.and_(
                     open_then, *customer_conditions(filters), *channel_conditions(t.channel, filters))))
                 .group_by(ends.c.month_end).order_by(ends.c.month_end))
    return _frame(conn, statement)


DATASET_DATES = {"customers": customers.c.joined_at, "tier_history": tier_history.c.effective_from,
                 "survey": survey_responses.c.submitted_at, "service": service_tickets.c.opened_at,
                 "purchases": purchases.c.ordered_at}


def data_health(conn: Connection, with_imports: bool = True) -> pd.DataFrame:
    """Per dataset: rows, first and last date, last import, and the rows of customers no customers file holds.

    with_imports=False for read-only warehouses, which have no import log (nor customers.origin).
    """
    last_import = dict(conn.execute(sa.select(import_log.c.dataset, sa.func.max(import_log.c.imported_at))
                                    .group_by(import_log.c.dataset)).all()) if with_imports else {}
    rows = []
    for contract in DATASETS.values():
        table = TABLES[contract.table]
        measures = [sa.func.count().label("rows")]
        if contract.name in DATASET_DATES:
            measures += [sa.func.min(DATASET_DATES[contract.name]).label("first"),
                         sa.func.max(DATASET_DATES[contract.name]).label("last")]
        if contract.references_customers and with_imports:
            on_file = sa.exists().where(customers.c.customer_id == table.c.customer_id, known_customers.from_file())
            measures.append(_count_if(~on_file).label("customers_not_on_file"))
        row = conn.execute(sa.select(*measures).select_from(table)).one()._asdict()
        rows.append({"dataset": contract.name, **row, "last_import": last_import.get(contract.name)})
    return pd.DataFrame(rows, columns=["dataset", "rows", "first", "last", "last_import", "customers_not_on_file"])


def data_checks(conn: Connection, with_origin: bool = True) -> dict[str, int]:
    """Counts behind the health panel's checks: comments, customers without a tier, customers known only from
    transactions (not on a read-only warehouse, whose customers have no origin)."""
    r = survey_responses.c
    responses, commented = conn.execute(sa.select(sa.func.count(), sa.func.count(r.comment))).one()
    members, untiered = conn.execute(sa.select(sa.func.count(), _count_if(customers.c.tier.is_(None)))).one()
    from_transactions = conn.execute(sa.select(_count_if(known_customers.from_transactions()))).scalar_one() \
        if with_origin else 0
    return {"responses": responses, "responses_with_comment": commented, "customers": members,
            "customers_without_tier": untiered, "customers_from_transactions": from_transactions}


def journey_stages(conn: Connection) -> list[str]:
    """The journey's stages in order (for placing new touchpoints)."""
    order = sa.func.min(touchpoints.c.stage_order)
    rows = conn.execute(sa.select(touchpoints.c.stage).group_by(touchpoints.c.stage).order_by(order))
    return [stage for (stage,) in rows]
