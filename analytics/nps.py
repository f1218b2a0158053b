"""Net Promoter Score with its sampling error, group comparison and the small-sample flag."""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import TypeVar

import numpy as np
import pandas as pd

from analytics.settings import ALPHA, DETRACTOR_UP_TO, MIN_N, PROMOTER_FROM
from analytics.significance import UNKNOWN, Z95, Difference, z_test

NPS_GROUPS = ("Promoter", "Passive", "Detractor")
Counts = TypeVar("Counts", float, pd.Series)  # numbers, or whole columns of them


def nps_group(score: int) -> str:
    """Promoter (9-10), Passive (7-8) or Detractor (0-6)."""
    if not 0 <= score <= 10:
        raise ValueError(f"NPS answers run from 0 to 10, got {score}")
    return "Promoter" if score >= PROMOTER_FROM else "Detractor" if score <= DETRACTOR_UP_TO else "Passive"


@dataclass(frozen=True)
class Nps:
    """NPS = %promoters − %detractors, on −100..100, with its 95% margin of error."""

    score: float
    margin: float
    n: int
    low_n: bool

    @property
    def standard_error(self) -> float:
        return self.margin / Z95


def score_and_margin(promoters: Counts, detractors: Counts, n: Counts) -> tuple[Counts, Counts]:
    """NPS and its 95% margin from counts, for numbers or whole columns alike (NaN without answers).

    Each answer scores +1 (promoter), 0 (passive) or −1 (detractor); NPS is their mean ×100, so its
    per-respondent variance is (pP + pD) − (pP − pD)² and SE = sqrt(variance / n).
    """
    with np.errstate(invalid="ignore", divide="ignore"):
        p_pro, p_det = np.divide(promoters, n), np.divide(detractors, n)
        variance = (p_pro + p_det) - (p_pro - p_det) ** 2
        # numpy's stubs type a ufunc on a Series as an ndarray; at run time it returns a Series
        return 100 * (p_pro - p_det), 100 * Z95 * np.sqrt(variance / n)  # type: ignore[return-value]


def nps(promoters: int, passives: int, detractors: int, min_n: int = MIN_N) -> Nps:
    """NPS and its 95% margin of error (score_and_margin), with the small-sample flag."""
    n = promoters + passives + detractors
    if n == 0:
        return Nps(float("nan"), float("nan"), 0, True)
    score, margin = score_and_margin(float(promoters), float(detractors), float(n))
    return Nps(float(score), float(margin), n, n < min_n)


def difference(a: Nps, b: Nps, alpha: float = ALPHA) -> Difference:
    """Two independent groups or periods: z = (A − B) / sqrt(SE_A² + SE_B²).

    Never significant when either side has fewer than the minimum answers.
    """
    if a.n == 0 or b.n == 0:
        return UNKNOWN
    return z_test(a.score - b.score, math.hypot(a.standard_error, b.standard_error), a.low_n or b.low_n, alpha)


def add_nps(frame: pd.DataFrame, min_n: int = MIN_N) -> pd.DataFrame:
    """Adds nps, nps_margin, nps_n and low_n to a frame of promoters/passives/detractors counts."""
    out = frame.copy()
    pro, pas, det = (out[c].fillna(0).astype("float64") for c in ("promoters", "passives", "detractors"))
    n = pro + pas + det
    out["nps"], out["nps_margin"] = score_and_margin(pro, det, n)
    out["nps_n"] = n.astype("int64")
    out["low_n"] = n < min_n
    return out

