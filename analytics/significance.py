"""Is a change more than noise? Two-sided z-tests for the differences the KPI cards show."""

from __future__ import annotations

import math
from dataclasses import dataclass

from analytics.settings import ALPHA, MIN_N

Z95 = 1.959963984540054


@dataclass(frozen=True)
class Difference:
    """A − B, its 95% margin, the z statistic and two-sided p-value, and the verdict."""

    delta: float
    margin: float
    z: float
    p_value: float
    significant: bool


UNKNOWN = Difference(float("nan"), float("nan"), float("nan"), float("nan"), False)


def z_test(delta: float, standard_error: float, small_sample: bool, alpha: float = ALPHA) -> Difference:
    """Two-sided z-test of delta against 0; never significant on a small sample."""
    if math.isnan(delta) or math.isnan(standard_error):
        return UNKNOWN
    if standard_error == 0:
        z, p = (0.0, 1.0) if delta == 0 else (math.copysign(math.inf, delta), 0.0)
    else:
        z = delta / standard_error
        p = math.erfc(abs(z) / math.sqrt(2))
    return Difference(delta, Z95 * standard_error, z, p, p < alpha and not small_sample)


def proportion_difference(hits_a: int, n_a: int, hits_b: int, n_b: int, min_n: int = MIN_N) -> Difference:
    """Share A − share B in percentage points (unpooled standard error)."""
    if n_a == 0 or n_b == 0:
        return UNKNOWN
    p_a, p_b = hits_a / n_a, hits_b / n_b
    se = math.sqrt(p_a * (1 - p_a) / n_a + p_b * (1 - p_b) / n_b)
    return z_test(100 * (p_a - p_b), 100 * se, min(n_a, n_b) < min_n)


def mean_difference(sum_a: float, squares_a: float, n_a: int, sum_b: float, squares_b: float, n_b: int,
                    min_n: int = MIN_N) -> Difference:
    """Mean A − mean B (Welch), from each group's sum, sum of squares and count."""
    if n_a < 2 or n_b < 2:
        return UNKNOWN

    def mean_and_variance(total: float, squares: float, n: int) -> tuple[float, float]:
        mean = total / n
        return mean, max(squares - n * mean * mean, 0.0) / (n - 1)

    mean_a, var_a = mean_and_variance(sum_a, squares_a, n_a)
    mean_b, var_b = mean_and_variance(sum_b, squares_b, n_b)
    return z_test(mean_a - mean_b, math.sqrt(var_a / n_a + var_b / n_b), min(n_a, n_b) < min_n)
