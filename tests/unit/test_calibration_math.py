"""Calibration's pure part: bias, interval and flag from three sums, and the t quantiles."""

import math
import statistics

import pytest

from auditor.insights.calibration import calibrated, flag_of, flagged_first
from auditor.insights.statistics import t_quantile

# Student's t, two-sided 95% (the 0.975 quantile), as printed in the tables
T_TABLE = {3: 3.182446, 5: 2.570582, 8: 2.306004, 20: 2.085963, 60: 2.000298}


@pytest.mark.parametrize(("df", "expected"), sorted(T_TABLE.items()))
def test_t_quantiles_match_the_printed_table(df, expected):
    assert t_quantile(0.975, df) == pytest.approx(expected, abs=1e-6)


@pytest.mark.parametrize(
    "differences", [[15.0, 25.0, -10.0, 10.0], [3.5, 4.0, 2.5, 5.0, 3.0], [-20.0, -18.5]]
)
def test_bias_and_interval_from_sums_equal_the_differences_one_by_one(differences):
    n = len(differences)
    item = calibrated({"id": 1, "name": "A"}, n, sum(differences), sum(d * d for d in differences))
    bias = statistics.fmean(differences)
    half = t_quantile(0.975, n - 1) * statistics.stdev(differences) / math.sqrt(n)
    assert item.n == n
    assert item.bias == pytest.approx(bias, abs=1e-9)
    assert item.ci == pytest.approx([bias - half, bias + half], abs=1e-9)
    assert item.flag == flag_of(item.ci)


def test_one_difference_has_no_interval_and_no_flag():
    item = calibrated({"id": 1, "name": "A"}, 1, 12.0, 144.0)
    assert (item.bias, item.ci, item.flag) == (12.0, None, None)


@pytest.mark.parametrize(
    ("ci", "flag"),
    [
        ([0.5, 3.0], "high"),
        ([-3.0, -0.1], "low"),
        ([-1.0, 2.0], None),
        ([0.0, 2.0], None),
        (None, None),
    ],
)
def test_a_flag_only_when_the_interval_leaves_out_zero(ci, flag):
    assert flag_of(ci) == flag


def test_flagged_first_then_the_largest_bias():
    items = [
        calibrated({"id": 1, "name": "Small"}, 2, 2.0, 2.5),
        calibrated({"id": 2, "name": "Low"}, 3, -30.0, 301.0),
        calibrated({"id": 3, "name": "Wide"}, 2, -20.0, 400.0),
    ]
    assert [i.auditor["name"] for i in sorted(items, key=flagged_first)] == ["Low", "Wide", "Small"]
