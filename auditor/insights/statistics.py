"""Small pure statistics for rankings and scorecards: Student's t, intervals, shrinkage, ranks."""

import math
from collections.abc import Callable, Sequence
from functools import cache

CONFIDENCE = 0.95


def _beta_continued_fraction(a: float, b: float, x: float) -> float:
    # Lentz's method for the continued fraction of the incomplete beta function
    tiny, qab, qap, qam = 1e-300, a + b, a + 1.0, a - 1.0
    c, d = 1.0, 1.0 - qab * x / qap
    d = 1.0 / (d if abs(d) > tiny else tiny)
    result = d
    for m in range(1, 300):
        m2 = 2 * m
        for numerator in (
            m * (b - m) * x / ((qam + m2) * (a + m2)),
            -(a + m) * (qab + m) * x / ((a + m2) * (qap + m2)),
        ):
            d = 1.0 + numerator * d
            d = 1.0 / (d if abs(d) > tiny else tiny)
            c = 1.0 + numerator / c
            c = c if abs(c) > tiny else tiny
            result *= d * c
        if abs(d * c - 1.0) < 1e-15:
            break
    return result


def regularized_beta(a: float, b: float, x: float) -> float:
    """I_x(a, b), the regularized incomplete beta function."""
    if x <= 0.0:
        return 0.0
    if x >= 1.0:
        return 1.0
    log_front = (
        math.lgamma(a + b) - math.lgamma(a) - math.lgamma(b) + a * math.log(x) + b * math.log1p(-x)
    )
    if x < (a + 1.0) / (a + b + 2.0):
        return math.exp(log_front) * _beta_continued_fraction(a, b, x) / a
    return 1.0 - math.exp(log_front) * _beta_continued_fraction(b, a, 1.0 - x) / b


def t_cdf(t: float, df: int) -> float:
    """P(T <= t) for Student's t with `df` degrees of freedom."""
    tail = 0.5 * regularized_beta(df / 2.0, 0.5, df / (df + t * t))
    return 1.0 - tail if t > 0 else tail


def _bisect(f: Callable[[float], float], low: float, high: float) -> float:
    for _ in range(200):
        middle = (low + high) / 2
        if f(middle) < 0:
            low = middle
        else:
            high = middle
        if high - low < 1e-13 * max(1.0, abs(middle)):
            break
    return (low + high) / 2


@cache  # a pure function of (p, df): rankings ask for the same few degrees of freedom
def t_quantile(p: float, df: int) -> float:
    """The p-quantile of Student's t (p > 0.5), e.g. t_quantile(0.975, 9) = 2.2622..."""
    high = 1.0
    while t_cdf(high, df) < p:
        high *= 2
    return _bisect(lambda t: t_cdf(t, df) - p, 0.0, high)


def confidence_interval(n: int, mean: float, sd: float | None) -> list[float] | None:
    """The 95% t-interval around a sample mean; None when n < 2."""
    if n < 2 or sd is None:
        return None
    half = t_quantile(0.5 + CONFIDENCE / 2, n - 1) * sd / math.sqrt(n)
    return [mean - half, mean + half]


def sample_sd(n: int, total: float, total_sq: float) -> float | None:
    """The sample standard deviation from a count, a sum and a sum of squares."""
    if n < 2:
        return None
    mean = total / n
    return math.sqrt(max(0.0, (total_sq - n * mean * mean) / (n - 1)))


def shrunk(n: int, mean: float, prior_weight: float, prior_mean: float) -> float:
    """(n * mean + k * m) / (n + k): a few lucky visits cannot top the table."""
    return (n * mean + prior_weight * prior_mean) / (n + prior_weight)


def competition_ranks(scores: Sequence[float]) -> list[int]:
    """Ranks of scores sorted best first, equal ones (to 6 decimals) sharing: 1, 2, 2, 4."""
    ranks, previous = [], None
    for position, score in enumerate(scores, start=1):
        key = round(score, 6)
        ranks.append(ranks[-1] if key == previous else position)
        previous = key
    return ranks
