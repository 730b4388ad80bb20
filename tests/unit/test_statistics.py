"""The statistics behind rankings, checked against values computed by hand or by SciPy."""

import math

import pytest

from auditor.insights.statistics import (
    competition_ranks,
    confidence_interval,
    sample_sd,
    shrunk,
    t_quantile,
)


@pytest.mark.parametrize(
    ("df", "expected"),
    [
        (1, 12.706204736174707),
        (2, 4.302652729749464),
        (4, 2.7764451051977987),
        (10, 2.2281388519862744),
        (30, 2.0422724563012373),
        (100, 1.9839715185235556),
        (1000, 1.9623390808264078),
    ],
)
def test_t_quantiles_match_scipy(df, expected):
    assert t_quantile(0.975, df) == pytest.approx(expected, rel=1e-10)


def test_interval_by_hand():
    low, high = confidence_interval(3, 70.0, 10.0)
    half = 4.302652729749464 * 10 / math.sqrt(3)
    assert (low, high) == pytest.approx((70 - half, 70 + half), rel=1e-10)


@pytest.mark.parametrize(("n", "sd"), [(0, None), (1, None), (1, 5.0)])
def test_no_interval_below_two_audits(n, sd):
    assert confidence_interval(n, 50.0, sd) is None


def test_sample_sd_from_sums():
    values = [60.0, 70.0, 80.0]
    assert sample_sd(3, sum(values), sum(v * v for v in values)) == pytest.approx(10.0)
    assert sample_sd(1, 5.0, 25.0) is None
    assert sample_sd(2, 200.0, 20000.0) == 0.0  # identical values, no negative rounding


def test_shrinkage_pulls_small_samples_to_the_prior():
    assert shrunk(2, 85.0, 3, 75.0) == 79.0
    assert shrunk(1, 100.0, 3, 50.0) == 62.5
    assert shrunk(1000, 90.0, 3, 50.0) == pytest.approx(89.88, abs=0.01)


@pytest.mark.parametrize(
    ("scores", "ranks"),
    [
        ([90.0, 80.0, 80.0, 70.0], [1, 2, 2, 4]),
        ([90.0, 90.0, 90.0], [1, 1, 1]),
        ([1.0000001, 1.0000002, 0.5], [1, 1, 3]),  # equal after rounding to 6 decimals
        ([], []),
    ],
)
def test_competition_ranks(scores, ranks):
    assert competition_ranks(scores) == ranks
