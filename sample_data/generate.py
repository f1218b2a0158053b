"""Bundled sample data: Northwind Living, a fictional omnichannel home & lifestyle retailer with a loyalty programme.

Deterministic (the same seed gives byte-identical CSVs) and vectorised with numpy/pandas, so the 1m scale stays
fast. Five CX stories are built in (see README.md); their effects are large enough to show at the small scale.

    python -m sample_data.generate --scale small --seed 42 --out sample_data
"""

from __future__ import annotations

import argparse
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from analytics.settings import FOLLOWUP_DAYS, SLOW_TICKET_HOURS
from data_access.contracts import DATASETS, TIERS
from sample_data import phrases

DATA_START = pd.Timestamp("2024-11-01")
DATA_END = pd.Timestamp("2026-10-31 23:59:59")
CARRIER_CHANGE = (pd.Timestamp("2025-09-08"), pd.Timestamp("2025-10-20"))
CHECKOUT_REDESIGN = pd.Timestamp("2026-01-01")
POINTS_CHANGE = pd.Timestamp("2026-03-01")

DAY = 86_400
HOUR = 3_600


@dataclass(frozen=True)
class Scale:
    """How many rows of each kind one scale produces."""

    customers: int
    responses: int
    tickets: int
    orders: int


DEFAULT_SCALE = "small"
DEFAULT_SEED = 42  # the bundled CSVs are this seed at the default scale
SCALES = {"small": Scale(5_000, 40_000, 8_000, 60_000), "1m": Scale(200_000, 1_000_000, 300_000, 5_000_000)}

JOURNEY: tuple[tuple[str, str, int, str], ...] = (
    ("Website browse", "Discover", 1, "web"),
    ("Mobile app browse", "Discover", 1, "app"),
    ("Marketing e-mail", "Discover", 1, "email"),
    ("Web checkout", "Buy", 2, "web"),
    ("App checkout", "Buy", 2, "app"),
    ("In-store checkout", "Buy", 2, "store"),
    ("Home delivery", "Receive", 3, "web"),
    ("Click & collect", "Receive", 3, "store"),
    ("Product quality", "Use", 4, "store"),
    ("Returns & exchanges", "Use", 4, "store"),
    ("Phone support", "Get help", 5, "phone"),
    ("Live chat", "Get help", 5, "chat"),
    ("E-mail support", "Get help", 5, "email"),
    ("Loyalty rewards", "Stay/Renew", 6, "app"),
    ("Member offers", "Stay/Renew", 6, "email"),
)

TOUCHPOINTS = tuple(name for name, *_ in JOURNEY)

FRAMES = ("customers", "tier_history", "touchpoints", "survey", "service", "purchases")


def _seconds(ts: pd.Timestamp) -> int:
    """Seconds since 1970: all internal times are int64 seconds, cheap to draw, compare and sort."""
    return int((ts - pd.Timestamp(0)) // pd.Timedelta(seconds=1))


START_DAY = _seconds(DATA_START) // DAY
END_DAY = _seconds(DATA_END) // DAY + 1  # exclusive: the first day after the data
END_SEC = _seconds(DATA_END)
CARRIER_SEC = (_seconds(CARRIER_CHANGE[0]), _seconds(CARRIER_CHANGE[1]))
REDESIGN_SEC = _seconds(CHECKOUT_REDESIGN)
POINTS_SEC = _seconds(POINTS_CHANGE)
FIRST_JOIN_DAY = _seconds(pd.Timestamp("2018-01-01")) // DAY
LAST_JOIN_DAY = _seconds(pd.Timestamp("2026-09-30")) // DAY

# Customer model. Per-tier tuples are indexed by tier + 1: (non-member, Bronze, Silver, Gold, Platinum).
JOINED_BEFORE_SHARE = 0.6  # joined before DATA_START; the rest join during the window
MEMBER_SHARE = 0.90
TIER_SHARES = (0.50, 0.28, 0.15, 0.07)
SEGMENTS = ("Value seeker", "Convenience", "Premium", "Occasional")
SEGMENT_SHARES = (0.30, 0.30, 0.15, 0.25)
REGIONS = ("North", "South", "East", "West", "Central")
REGION_SHARES = (0.22, 0.20, 0.19, 0.21, 0.18)
SATISFACTION_SHIFT = (-0.30, -0.25, 0.0, 0.25, 0.6)
DISILLUSIONED = (0.12, -2.2)  # share of Platinum members who feel let down, and their satisfaction
CHURN_LOGIT = (-0.8, -1.0, -1.4, -1.9, -4.0)  # churn odds for an average customer over the window
CHURN_SATISFACTION = (0.6, 0.7, 0.9, 1.2, 2.3)  # how much low satisfaction raises them
DIRECT_TIER_SHARE = 0.25  # members who started straight at their current tier
DOWNGRADED_SHARE = 0.11  # of Silver and Gold members (about 8% of Silver+): had the tier above before

# Survey model: a latent 0-10 score = touchpoint base + tier shift + satisfaction + noise + story effects.
TOUCHPOINT_MIX: dict[str, tuple[float, float]] = {  # touchpoint: (share of responses, base score)
    "Website browse": (5, 8.9), "Mobile app browse": (4, 8.8), "Marketing e-mail": (3, 8.5),
    "Web checkout": (10, 9.1), "App checkout": (9, 8.1), "In-store checkout": (8, 9.6),
    "Home delivery": (12, 8.8), "Click & collect": (6, 9.1),
    "Product quality": (8, 9.6), "Returns & exchanges": (5, 8.1),
    "Phone support": (4, 8.0), "Live chat": (4, 8.7), "E-mail support": (3, 8.3),
    "Loyalty rewards": (4, 9.2), "Member offers": (3, 8.8),
}
LOYALTY_TOUCHPOINTS = ("Loyalty rewards", "Member offers")
SCORE_SHIFT = (-0.3, -0.4, 0.0, 0.4, 1.1)
SCORE_SATISFACTION = 1.3
SCORE_NOISE = 1.5
CARRIER_EFFECT = -3.8
REDESIGN_EFFECT = 1.8
POINTS_EFFECT = -2.3
SLOW_TICKET_EFFECT = -2.8
SLOW_TICKET_MEMORY = 365 * DAY  # how long a slow ticket weighs on a customer's scores
MISSING = {"nps": 0.05, "csat": 0.10, "ces": 0.10}
PLAIN_STREAM = 12  # seeds the choice of comments in the company's own words (phrases.PLAIN), apart from the rest
COMMENT_RATE = (0.50, 0.22, 0.30)  # detractor, passive, promoter: unhappy customers write more

# Service model.
TICKET_CHANNELS = ("phone", "chat", "email", "store")
TICKET_CHANNEL_SHARES = (0.30, 0.35, 0.25, 0.10)
FIRST_RESPONSE_MINUTES = (6, 3, 360, 15)  # median per channel
CATEGORIES = ("Delivery", "Returns", "Payment", "Product", "Account", "Loyalty points")
CATEGORY_SHARES = {"before": (0.28, 0.20, 0.12, 0.18, 0.10, 0.12), "after": (0.25, 0.18, 0.11, 0.16, 0.09, 0.21)}
RESOLUTION_HOURS = (32, 36, 22, 32, 11, 20)  # median per category
PRIORITIES = ("low", "normal", "high", "urgent")
PRIORITY_SHARES = (0.25, 0.50, 0.18, 0.07)
PRIORITY_SPEED = (1.3, 1.0, 0.7, 0.45)
CARRIER_TICKET_SHARE = 0.05  # extra Delivery tickets opened during the carrier change
CARRIER_SLOWDOWN = 1.8
OPEN_DAYS = 14  # tickets opened this close to the end are often still open
TICKET_CSAT_MISSING = 0.37  # of resolved tickets; open ones have no rating either

# Purchase model.
ORDER_CHANNELS = ("web", "app", "store")
ORDER_CHANNEL_SHARES = (0.45, 0.32, 0.23)
ORDER_RATE = (0.6, 0.7, 1.0, 1.4, 2.0)
SEGMENT_ORDER_RATE = (1.1, 1.3, 0.9, 0.6)
ORDER_VALUE = (45.0, 48.0, 60.0, 78.0, 105.0)  # median per tier
SEGMENT_ORDER_VALUE = (0.75, 1.0, 1.5, 0.9)
MONTH_WEIGHT = (0.9, 0.8, 0.9, 1.0, 1.0, 0.9, 0.9, 1.0, 1.0, 1.1, 1.4, 1.6)  # January .. December
RETURN_SHARE = 0.03
POINTS_RATE = (0.0, 1.0, 1.25, 1.5, 2.0)
# Share of member orders that redeem points, by tier, before the points change; the change cuts it to 40%.
# With redemptions scaled by the tier's earn rate, about two thirds of points earned are redeemed before.
REDEMPTION_SHARE = (0.0, 0.08, 0.10, 0.14, 0.16)
REDEMPTION_AFTER_CHANGE = 0.4
REDEEM_POINTS = (100, 200, 250, 300, 500, 750, 1000, 1500, 2000)
REDEEM_SHARES = (0.22, 0.2, 0.14, 0.12, 0.12, 0.08, 0.06, 0.04, 0.02)
SLOW_TICKET_WINDOW = FOLLOWUP_DAYS * DAY
SLOW_TICKET_KEEP = 0.4  # share of orders a customer still places in the window after a slow ticket
SLOW_TICKET_SPEND = 0.7  # and their size
ORDER_OVERSAMPLE = 1.1  # draw extra orders so the exact count survives the slow-ticket thinning

HOUR_WEIGHT = np.array((1, 0.5, 0.3, 0.2, 0.2, 0.4, 1, 2, 3, 4, 5, 5, 6, 6, 5, 5, 5, 5, 6, 7, 7, 6, 4, 2))


@dataclass(frozen=True)
class Customers:
    """The customer base as arrays indexed like customer_id, shared by every event generator."""

    ids: np.ndarray  # customer_id strings
    joined: np.ndarray  # day number
    tier: np.ndarray  # -1 non-member, else index into TIERS
    segment: np.ndarray
    region: np.ndarray
    satisfaction: np.ndarray  # latent: drives scores, churn and ticket volume
    start: np.ndarray  # first active day
    end: np.ndarray  # first day no longer active: churn day, or END_DAY

    @property
    def size(self) -> int:
        return len(self.ids)


@dataclass(frozen=True)
class SlowTickets:
    """Resolutions of tickets that took more than SLOW_TICKET_HOURS, sorted by (customer, time) for lookups."""

    customer: np.ndarray
    resolved: np.ndarray

    def since_last(self, customer: np.ndarray, t: np.ndarray) -> np.ndarray:
        """Seconds since the customer's latest slow resolution at or before t (inf when there is none)."""
        if not len(self.customer):
            return np.full(len(t), np.inf)
        pos = np.searchsorted(_key(self.customer, self.resolved), _key(customer, t), side="right") - 1
        safe = np.maximum(pos, 0)
        found = (pos >= 0) & (self.customer[safe] == customer)
        return np.where(found, t - self.resolved[safe], np.inf)


def _key(customer: np.ndarray, t: np.ndarray) -> np.ndarray:
    """One sortable int64 per (customer, time): customer in the high bits, seconds since the first join below."""
    return (customer.astype(np.int64) << 32) | (t - FIRST_JOIN_DAY * DAY)


def _by_tier(values: tuple[float, ...], tier: np.ndarray) -> np.ndarray:
    """Per-customer parameter from a (non-member, Bronze, Silver, Gold, Platinum) tuple."""
    return np.asarray(values, dtype=float)[tier + 1]


def generate(scale: str = DEFAULT_SCALE, seed: int = DEFAULT_SEED) -> dict[str, pd.DataFrame]:
    """All six datasets, in contract columns and id order; each table has its own random stream."""
    size = SCALES[scale]
    rng = dict(zip(FRAMES, (np.random.default_rng(s) for s in np.random.SeedSequence(seed).spawn(len(FRAMES))),
                   strict=True))
    customers = _customers(rng["customers"], size.customers)
    service, slow = _service(rng["service"], customers, size.tickets)
    return {
        "customers": _customer_frame(customers),
        "tier_history": _tier_history(rng["tier_history"], customers),
        "touchpoints": _frame("touchpoints", dict(zip(("touchpoint", "stage", "stage_order", "channel"),
                                                      (list(c) for c in zip(*JOURNEY, strict=True)), strict=True))),
        "survey": _survey(rng["survey"], customers, size.responses, slow),
        "service": service,
        "purchases": _purchases(rng["purchases"], customers, size.orders, slow),
    }


def write_csvs(frames: dict[str, pd.DataFrame], folder: Path) -> None:
    """One <key>.csv per frame: UTF-8, comma, no index, ISO dates, '\\n' line ends, so bytes never vary."""
    folder.mkdir(parents=True, exist_ok=True)
    for name, frame in frames.items():
        out = frame.copy()
        for column in DATASETS[name].columns:
            if column.kind == "date":
                out[column.name] = out[column.name].dt.strftime("%Y-%m-%d")
        out.to_csv(folder / f"{name}.csv", index=False, encoding="utf-8", lineterminator="\n",
                   date_format="%Y-%m-%d %H:%M:%S", float_format="%.2f")


# Customers -------------------------------------------------------------------------------------------------


def _customers(rng: np.random.Generator, n: int) -> Customers:
    """Who the customers are; ids follow join order, so C000001 is the longest-standing customer."""
    before = rng.random(n) < JOINED_BEFORE_SHARE
    joined = np.sort(np.where(
        before,
        FIRST_JOIN_DAY + ((START_DAY - FIRST_JOIN_DAY) * rng.random(n) ** 0.8).astype(np.int64),  # a growing base
        START_DAY + ((LAST_JOIN_DAY + 1 - START_DAY) * rng.random(n)).astype(np.int64),
    ))
    tier = _tiers(rng, joined)
    satisfaction = _satisfaction(rng, tier)
    start = np.maximum(joined, START_DAY)
    return Customers(
        ids=_ids("C", n, 6), joined=joined, tier=tier,
        segment=rng.choice(len(SEGMENTS), n, p=SEGMENT_SHARES),
        region=rng.choice(len(REGIONS), n, p=REGION_SHARES),
        satisfaction=satisfaction, start=start,
        end=_churn_day(rng, tier, satisfaction, start),
    )


def _tiers(rng: np.random.Generator, joined: np.ndarray) -> np.ndarray:
    """Tier by rank of a tenure-weighted score, so shares are exact and long-standing members rank higher."""
    n = len(joined)
    member = np.flatnonzero(rng.random(n) < MEMBER_SHARE)
    score = (START_DAY - joined[member]) / 365 * 0.25 + rng.normal(size=len(member))
    rank = np.argsort(np.argsort(score, kind="stable"), kind="stable") / len(member)
    tier = np.full(n, -1)
    tier[member] = np.searchsorted(np.cumsum(TIER_SHARES)[:-1], rank, side="right")
    return tier


def _satisfaction(rng: np.random.Generator, tier: np.ndarray) -> np.ndarray:
    """Latent satisfaction: higher in higher tiers, except a disillusioned minority of Platinum members, who
    are the detractors most likely to leave."""
    n = len(tier)
    satisfaction = rng.normal(_by_tier(SATISFACTION_SHIFT, tier), 1.0)
    share, level = DISILLUSIONED
    disillusioned = (tier == TIERS.index("Platinum")) & (rng.random(n) < share)
    return np.where(disillusioned, rng.normal(level, 0.7, n), satisfaction)


def _churn_day(rng: np.random.Generator, tier: np.ndarray, satisfaction: np.ndarray, start: np.ndarray) -> np.ndarray:
    """End of each customer's activity: churners stop at a random day, unhappy and low-tier ones far more often."""
    n = len(tier)
    logit = _by_tier(CHURN_LOGIT, tier) - _by_tier(CHURN_SATISFACTION, tier) * satisfaction
    first, last = start + 14, END_DAY - 90  # churn leaves a visible silence before the data ends
    churns = (rng.random(n) < 1 / (1 + np.exp(-logit))) & (last > first)
    day = first + (rng.random(n) * np.maximum(last - first, 1)).astype(np.int64)
    return np.where(churns, day, END_DAY)


def _customer_frame(c: Customers) -> pd.DataFrame:
    """The customers dataset."""
    member = c.tier >= 0
    return _frame("customers", {
        "customer_id": c.ids,
        "joined_at": _timestamps(c.joined * DAY),
        "tier": np.where(member, np.asarray(TIERS, dtype=object)[np.maximum(c.tier, 0)], None),
        "loyalty_member": member,
        "segment": np.asarray(SEGMENTS)[c.segment],
        "region": np.asarray(REGIONS)[c.region],
    })


def _tier_history(rng: np.random.Generator, c: Customers) -> pd.DataFrame:
    """Each member's path: start tier on joining, one-step upgrades (and a few downgrades) until today's tier."""
    members = np.flatnonzero(c.tier >= 0)
    current, joined = c.tier[members], c.joined[members]
    span = c.end[members] - joined  # days in which changes can happen
    direct = (rng.random(len(members)) < DIRECT_TIER_SHARE) | (span < 60)
    down = ((current == 1) | (current == 2)) & (rng.random(len(members)) < DOWNGRADED_SHARE) & (span >= 60)
    first = np.where(direct, current, 0)
    changes = current + down - first + down  # up to the peak, then one step down for the downgraded
    owner = np.repeat(np.arange(len(members)), changes + 1)
    step = np.arange(len(owner)) - np.repeat(np.cumsum(changes + 1) - (changes + 1), changes + 1)
    tier = np.where(down[owner] & (step == changes[owner]), current[owner], first[owner] + step)
    # Change dates: sorted draws skewed towards recent years, forced apart by one day each, inside the span.
    u = np.where(step == 0, -1.0, rng.random(len(owner)) ** 0.5)
    u = u[np.lexsort((u, owner))]
    room = np.maximum(span[owner] - changes[owner], 1)
    day = np.where(step == 0, joined[owner], joined[owner] + 1 + (u * room).astype(np.int64) + step - 1)
    return _frame("tier_history", {
        "customer_id": c.ids[members[owner]],
        "tier": np.asarray(TIERS)[tier],
        "effective_from": _timestamps(day * DAY),
    })


# Events ----------------------------------------------------------------------------------------------------


def _day_weights(month_weight: tuple[float, ...] | None = None) -> np.ndarray:
    """Cumulative weight of the data window's days (index i = START_DAY + i), for seasonal inverse sampling."""
    days = np.arange(START_DAY, END_DAY).astype("datetime64[D]")
    month = days.astype("datetime64[M]").astype(np.int64) % 12
    weight = np.ones(len(days)) if month_weight is None else np.asarray(month_weight)[month]
    return np.concatenate([[0.0], np.cumsum(weight)])


def _draw_events(rng: np.random.Generator, lo: np.ndarray, hi: np.ndarray, weight: np.ndarray, n: int,
                 cdf: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """n events spread over customers by weight x exposure, each on a day in [lo, hi) and a daytime hour."""
    exposure = cdf[hi - START_DAY] - cdf[lo - START_DAY]
    p = weight * exposure
    customer = rng.choice(len(p), n, p=p / p.sum())
    u = cdf[lo[customer] - START_DAY] + rng.random(n) * exposure[customer]
    day = np.clip(START_DAY + np.searchsorted(cdf, u, side="right") - 1, lo[customer], hi[customer] - 1)
    hour = rng.choice(24, n, p=HOUR_WEIGHT / HOUR_WEIGHT.sum())
    return customer, day * DAY + hour * HOUR + rng.integers(0, HOUR, n)


def _in_order(customer: np.ndarray, t: np.ndarray) -> np.ndarray:
    """Positions that sort events by time (then customer): ids are then chronological."""
    return np.lexsort((customer, t))


def _service(rng: np.random.Generator, c: Customers, n: int) -> tuple[pd.DataFrame, SlowTickets]:
    """Support tickets, and the slow ones whose resolution later hurts scores and spend."""
    extra = round(n * CARRIER_TICKET_SHARE)
    customer, opened, category = _ticket_arrivals(rng, c, n - extra, extra)
    order = _in_order(customer, opened)
    customer, opened, category = customer[order], opened[order], category[order]
    channel = rng.choice(len(TICKET_CHANNELS), n, p=TICKET_CHANNEL_SHARES)
    priority = rng.choice(len(PRIORITIES), n, p=PRIORITY_SHARES)
    first_delay = np.clip(np.asarray(FIRST_RESPONSE_MINUTES)[channel] * 60 * rng.lognormal(0, 1.0, n), 60, DAY)
    carrier = _during_carrier_change(opened) & (category == CATEGORIES.index("Delivery"))
    hours = (np.asarray(RESOLUTION_HOURS)[category] * np.asarray(PRIORITY_SPEED)[priority]
             * np.where(carrier, CARRIER_SLOWDOWN, 1.0) * rng.lognormal(0, 1.1, n))
    duration = np.maximum(hours * HOUR, first_delay + 600).astype(np.int64)
    resolved = opened + duration
    late = opened >= (END_DAY - OPEN_DAYS) * DAY
    unresolved = (resolved > END_SEC) | (late & (rng.random(n) < 0.6)) | (rng.random(n) < 0.01)
    slow = ~unresolved & (duration > SLOW_TICKET_HOURS * HOUR)
    rating = np.clip(np.rint(3.7 + 0.5 * c.satisfaction[customer] - 1.5 * slow + rng.normal(0, 0.8, n)), 1, 5)
    status = np.where(unresolved, np.where(rng.random(n) < 0.6, "open", "pending"),
                      np.where(rng.random(n) < 0.7, "closed", "solved"))
    first_response = (opened + first_delay).astype(np.int64)
    frame = _frame("service", {
        "ticket_id": _ids("T", n, 6),
        "customer_id": c.ids[customer],
        "opened_at": _timestamps(opened),
        "first_response_at": _timestamps(first_response, missing=first_response > END_SEC),
        "resolved_at": _timestamps(resolved, missing=unresolved),
        "channel": np.asarray(TICKET_CHANNELS)[channel],
        "category": np.asarray(CATEGORIES)[category],
        "priority": np.asarray(PRIORITIES)[priority],
        "status": status,
        "csat": _nullable(rating, unresolved | (rng.random(n) < TICKET_CSAT_MISSING)),
        "description": _ticket_descriptions(rng, category, carrier, opened),
    })
    earlier_customer, earlier_resolved = _earlier_slow_tickets(rng, c, round(slow.sum() / 2))
    slow_customer = np.concatenate([earlier_customer, customer[slow]])
    slow_resolved = np.concatenate([earlier_resolved, resolved[slow]])
    order = np.lexsort((slow_resolved, slow_customer))
    return frame, SlowTickets(slow_customer[order], slow_resolved[order])


def _earlier_slow_tickets(rng: np.random.Generator, c: Customers, n: int) -> tuple[np.ndarray, np.ndarray]:
    """A year of slow tickets from before the data (not in the table), so their after-effects do not build up
    from zero inside the window and drag every trend down."""
    weight = np.exp(-0.4 * c.satisfaction) * (c.joined < START_DAY - 365)
    customer = rng.choice(c.size, n, p=weight / weight.sum())
    return customer, START_DAY * DAY - rng.integers(1, 365 * DAY, n)


def _ticket_arrivals(rng: np.random.Generator, c: Customers, base: int, extra: int
                     ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Everyday tickets (unhappier customers write more; points questions grow after the change), plus a
    burst of Delivery tickets from customers active during the carrier change."""
    uniform = _day_weights()
    weight = np.exp(-0.4 * c.satisfaction)
    customer, opened = _draw_events(rng, c.start, c.end, weight, base, uniform)
    after = opened >= POINTS_SEC
    category = np.where(after, rng.choice(len(CATEGORIES), base, p=CATEGORY_SHARES["after"]),
                        rng.choice(len(CATEGORIES), base, p=CATEGORY_SHARES["before"]))
    category = np.where((category == CATEGORIES.index("Loyalty points")) & (c.tier[customer] < 0),
                        CATEGORIES.index("Account"), category)  # non-members have no points to ask about
    lo = np.maximum(c.start, CARRIER_SEC[0] // DAY)
    hi = np.minimum(c.end, CARRIER_SEC[1] // DAY)
    active = hi > lo
    burst_customer, burst_opened = _draw_events(rng, np.where(active, lo, START_DAY), np.where(active, hi, START_DAY),
                                                weight * active, extra, uniform)
    return (np.concatenate([customer, burst_customer]), np.concatenate([opened, burst_opened]),
            np.concatenate([category, np.full(extra, CATEGORIES.index("Delivery"))]))


def _during_carrier_change(t: np.ndarray) -> np.ndarray:
    """Whether each time falls in the six weeks of the new courier."""
    return (t >= CARRIER_SEC[0]) & (t < CARRIER_SEC[1])


def _ticket_descriptions(rng: np.random.Generator, category: np.ndarray, carrier: np.ndarray,
                         opened: np.ndarray) -> np.ndarray:
    """What the customer wrote: category sentence (the story's own while it runs) with an optional lead and tail."""
    pools = [*phrases.TICKET_TEXTS.values(), phrases.TICKET_NEW_COURIER, phrases.TICKET_NEW_POINTS]
    pool = np.where(carrier, len(CATEGORIES), category)
    new_rules = (category == CATEGORIES.index("Loyalty points")) & (opened >= POINTS_SEC)
    pool = np.where(new_rules & (rng.random(len(pool)) < 0.7), len(CATEGORIES) + 1, pool)
    zeros = np.zeros(len(pool), np.int64)
    return (_pick(rng, zeros, [phrases.TICKET_PREFIXES]) + _pick(rng, pool, pools)
            + _pick(rng, zeros, [phrases.TICKET_SUFFIXES]))


def _survey(rng: np.random.Generator, c: Customers, n: int, slow: SlowTickets) -> pd.DataFrame:
    """Survey responses: scores from the customer's satisfaction, the touchpoint and the stories."""
    keenness = rng.gamma(2.0, 0.5, c.size)  # some customers answer surveys far more often than others
    customer, submitted = _draw_events(rng, c.start, c.end, keenness, n, _day_weights())
    order = _in_order(customer, submitted)
    customer, submitted = customer[order], submitted[order]
    touchpoint = _touchpoints(rng, c.tier[customer] >= 0)
    base = np.asarray([TOUCHPOINT_MIX[name][1] for name in TOUCHPOINTS])
    latent = (base[touchpoint] + _by_tier(SCORE_SHIFT, c.tier[customer])
              + SCORE_SATISFACTION * c.satisfaction[customer] + rng.normal(0, SCORE_NOISE, n)
              + _story_effects(touchpoint, submitted)
              + SLOW_TICKET_EFFECT * (slow.since_last(customer, submitted) <= SLOW_TICKET_MEMORY))
    nps = np.clip(np.rint(latent), 0, 10)
    csat = np.clip(np.rint(1 + 0.4 * latent + rng.normal(0, 0.6, n)), 1, 5)
    ces = np.clip(np.rint(1 + 0.6 * latent + rng.normal(0, 0.9, n)), 1, 7)
    bucket = np.searchsorted([7, 9], nps, side="right")  # 0 detractor, 1 passive, 2 promoter
    return _frame("survey", {
        "response_id": _ids("R", n, 7),
        "customer_id": c.ids[customer],
        "submitted_at": _timestamps(submitted),
        "touchpoint": np.asarray(TOUCHPOINTS)[touchpoint],
        "channel": np.asarray([channel for *_, channel in JOURNEY])[touchpoint],
        "nps": _nullable(nps, rng.random(n) < MISSING["nps"]),
        "csat": _nullable(csat, rng.random(n) < MISSING["csat"]),
        "ces": _nullable(ces, rng.random(n) < MISSING["ces"]),
        "comment": _comments(rng, touchpoint, submitted, bucket),
    })


def _touchpoints(rng: np.random.Generator, member: np.ndarray) -> np.ndarray:
    """Touchpoint rated by each response; only members are asked about the loyalty touchpoints."""
    weight = np.asarray([TOUCHPOINT_MIX[name][0] for name in TOUCHPOINTS], dtype=float)
    others = np.where(np.isin(TOUCHPOINTS, LOYALTY_TOUCHPOINTS), 0.0, weight)
    return np.where(member, rng.choice(len(TOUCHPOINTS), len(member), p=weight / weight.sum()),
                    rng.choice(len(TOUCHPOINTS), len(member), p=others / others.sum()))


def _story_effects(touchpoint: np.ndarray, t: np.ndarray) -> np.ndarray:
    """Score shifts of the carrier change, the app checkout redesign and the points change."""
    delivery = touchpoint == TOUCHPOINTS.index("Home delivery")
    checkout = touchpoint == TOUCHPOINTS.index("App checkout")
    loyalty = np.isin(touchpoint, [TOUCHPOINTS.index(name) for name in LOYALTY_TOUCHPOINTS])
    return (CARRIER_EFFECT * (delivery & _during_carrier_change(t)) + REDESIGN_EFFECT * (checkout & (t >= REDESIGN_SEC))
            + POINTS_EFFECT * (loyalty & (t >= POINTS_SEC)))


def _comments(rng: np.random.Generator, touchpoint: np.ndarray, t: np.ndarray, bucket: np.ndarray) -> np.ndarray:
    """About a third of responses carry a comment on the touchpoint, in the tone of the score, and about the
    story when one is running (courier, points rules, new checkout)."""
    pools = [phrases.CLAUSES[name][b] for name in TOUCHPOINTS for b in phrases.BUCKETS]
    pools += [phrases.NEW_COURIER, phrases.NEW_POINTS_RULES, phrases.NEW_CHECKOUT]
    courier, points, checkout = range(len(pools) - 3, len(pools))
    pool = touchpoint * len(phrases.BUCKETS) + bucket
    delivery = touchpoint == TOUCHPOINTS.index("Home delivery")
    pool = np.where(delivery & _during_carrier_change(t) & (bucket < 2), courier, pool)
    loyalty = np.isin(touchpoint, [TOUCHPOINTS.index(name) for name in LOYALTY_TOUCHPOINTS])
    pool = np.where(loyalty & (t >= POINTS_SEC) & (bucket < 2), points, pool)
    redesigned = (touchpoint == TOUCHPOINTS.index("App checkout")) & (t >= REDESIGN_SEC)
    pool = np.where(redesigned & (bucket > 0), checkout, pool)
    rows = np.flatnonzero(rng.random(len(pool)) < np.asarray(COMMENT_RATE)[bucket])
    text = (_pick(rng, bucket[rows], [phrases.OPENERS[b] for b in phrases.BUCKETS]) + _pick(rng, pool[rows], pools)
            + _pick(rng, bucket[rows], [phrases.CLOSERS[b] for b in phrases.BUCKETS]))
    plain_rng = np.random.default_rng([PLAIN_STREAM, len(pool)])  # its own stream: every other draw stays put
    plain = np.flatnonzero((bucket[rows] != 1) & (plain_rng.random(len(rows)) < phrases.PLAIN_SHARE))
    text[plain] = _pick(plain_rng, bucket[rows][plain], [phrases.PLAIN[b] for b in phrases.BUCKETS])
    comments = np.full(len(pool), None, dtype=object)
    comments[rows] = text
    return comments


def _pick(rng: np.random.Generator, pool: np.ndarray, pools: list[tuple[str, ...]]) -> np.ndarray:
    """One random phrase per row from the pool its index names (loops over pools, never over rows)."""
    out = np.empty(len(pool), dtype=object)
    for i, phrases_ in enumerate(pools):
        rows = np.flatnonzero(pool == i)
        out[rows] = np.asarray(phrases_, dtype=object)[rng.integers(0, len(phrases_), len(rows))]
    return out


def _purchases(rng: np.random.Generator, c: Customers, n: int, slow: SlowTickets) -> pd.DataFrame:
    """Orders: frequency and size by tier and segment, seasonal, thinned after slow tickets, with loyalty points."""
    rate = _by_tier(ORDER_RATE, c.tier) * np.asarray(SEGMENT_ORDER_RATE)[c.segment] * np.exp(0.25 * c.satisfaction)
    drawn = int(n * ORDER_OVERSAMPLE)
    customer, ordered = _draw_events(rng, c.start, c.end, rate * rng.gamma(4.0, 0.25, c.size), drawn,
                                     _day_weights(MONTH_WEIGHT))
    value = (_by_tier(ORDER_VALUE, c.tier[customer]) * np.asarray(SEGMENT_ORDER_VALUE)[c.segment[customer]]
             * rng.lognormal(0, 0.6, drawn))
    after_slow = slow.since_last(customer, ordered) <= SLOW_TICKET_WINDOW
    value = np.where(after_slow, value * SLOW_TICKET_SPEND, value)
    kept = np.flatnonzero(~after_slow | (rng.random(drawn) < SLOW_TICKET_KEEP))
    kept = np.sort(rng.choice(kept, min(n, len(kept)), replace=False))
    customer, ordered, value = customer[kept], ordered[kept], value[kept]
    order = _in_order(customer, ordered)
    customer, ordered, value = customer[order], ordered[order], value[order]
    count = len(customer)
    tier = c.tier[customer]
    returned = rng.random(count) < RETURN_SHARE
    amount = np.round(np.where(returned, -value, value), 2)
    earning = (tier >= 0) & ~returned
    earned = np.where(earning, np.floor(amount * _by_tier(POINTS_RATE, tier) + 0.5), 0).astype(np.int64)
    share = _by_tier(REDEMPTION_SHARE, tier) * np.where(ordered >= POINTS_SEC, REDEMPTION_AFTER_CHANGE, 1.0)
    points = rng.choice(REDEEM_POINTS, count, p=REDEEM_SHARES) * _by_tier(POINTS_RATE, tier)
    redeemed = np.where(earning & (rng.random(count) < share), np.round(points / 50) * 50, 0)
    return _frame("purchases", {
        "order_id": _ids("O", count, 7),
        "customer_id": c.ids[customer],
        "ordered_at": _timestamps(ordered),
        "amount": amount,
        "channel": np.asarray(ORDER_CHANNELS)[rng.choice(len(ORDER_CHANNELS), count, p=ORDER_CHANNEL_SHARES)],
        "points_earned": earned,
        "points_redeemed": redeemed.astype(np.int64),
    })


# Frames ----------------------------------------------------------------------------------------------------


def _ids(prefix: str, n: int, width: int) -> np.ndarray:
    """Zero-padded ids like C000001, built without a Python loop (the 1m scale has millions)."""
    if n >= 10**width:
        raise ValueError(f"{n} ids do not fit in {width} digits")
    ids = (np.arange(1, n + 1) + 10**width).astype(f"U{width + 1}")
    ids.view("U1").reshape(n, width + 1)[:, 0] = prefix
    return ids


def _timestamps(seconds: np.ndarray, missing: np.ndarray | None = None) -> np.ndarray:
    """Seconds since 1970 as datetime64[s], NaT where missing."""
    out = np.asarray(seconds, dtype=np.int64).astype("datetime64[s]")
    if missing is not None:
        out[missing] = np.datetime64("NaT")
    return out


def _nullable(values: np.ndarray, missing: np.ndarray) -> pd.arrays.IntegerArray:
    """Whole numbers with gaps, as pandas Int64."""
    return pd.arrays.IntegerArray(values.astype(np.int64), missing.astype(bool))


def _frame(name: str, columns: dict[str, object]) -> pd.DataFrame:
    """A frame with exactly the contract's columns, in contract order."""
    order = [column.name for column in DATASETS[name].columns]
    if sorted(order) != sorted(columns):
        raise ValueError(f"{name}: columns {sorted(columns)} differ from the contract's {order}")
    return pd.DataFrame({column: columns[column] for column in order})


def main(argv: list[str] | None = None) -> None:
    """Command line: generate one scale and write its CSVs."""
    parser = argparse.ArgumentParser(description="Generate the Northwind Living sample data as CSV files.")
    parser.add_argument("--scale", choices=sorted(SCALES), default=DEFAULT_SCALE)
    parser.add_argument("--seed", type=int, default=DEFAULT_SEED)
    parser.add_argument("--out", type=Path, default=Path(__file__).resolve().parent, help="folder for the CSVs")
    args = parser.parse_args(argv)
    write_csvs(generate(args.scale, args.seed), args.out)


if __name__ == "__main__":
    main()
