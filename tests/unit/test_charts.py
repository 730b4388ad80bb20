"""Server-side chart geometry."""

import pytest

from auditor.insights.charts import (
    bar_width,
    heat_class,
    movement,
    one_decimal,
    sparkline_points,
    sparklines,
    trend_label,
)


def test_sparkline_points_span_the_width_and_invert_y():
    assert sparkline_points([0, 50, 100], width=100, height=20) == "0.0,20.0 50.0,10.0 100.0,0.0"


def test_sparkline_of_one_value_sits_in_the_middle_and_clamps():
    assert sparkline_points([150], width=100, height=20) == "50.0,0.0"
    assert sparkline_points([]) == ""


@pytest.mark.parametrize(("value", "width"), [(None, 0.0), (-5, 0.0), (42.345, 42.3), (120, 100.0)])
def test_bar_width(value, width):
    assert bar_width(value) == width


@pytest.mark.parametrize(
    ("value", "name"),
    [
        (None, "heat-none"),
        (90, "heat-5"),
        (75, "heat-4"),
        (70, "heat-3"),
        (50, "heat-2"),
        (10, "heat-1"),
    ],
)
def test_heat_class(value, name):
    assert heat_class(value) == name


@pytest.mark.parametrize(
    ("rank", "previous", "arrow"), [(1, None, "•"), (1, 3, "▲"), (4, 2, "▼"), (2, 2, "=")]
)
def test_movement(rank, previous, arrow):
    assert movement(rank, previous)[0] == arrow


def test_scores_show_one_decimal_and_a_dash_for_none():
    assert one_decimal(74.296875) == "74.3"
    assert one_decimal(0.0) == "0.0"
    assert one_decimal(None) == "\N{EN DASH}"


def test_trend_label_names_each_month_and_its_mean():
    assert trend_label([("2026-09", 70.04), ("2026-10", 81.26)]) == (
        "Monthly means: 2026-09 70.0, 2026-10 81.3"
    )


def test_sparklines_pair_points_and_label_per_location_and_skip_empty_series():
    lines = sparklines({7: [("2026-09", 50.0), ("2026-10", 100.0)], 8: []})
    assert list(lines) == [7]
    assert lines[7].points == sparkline_points([50.0, 100.0])
    assert lines[7].label == "Monthly means: 2026-09 50.0, 2026-10 100.0"
