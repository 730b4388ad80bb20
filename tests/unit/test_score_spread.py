"""The geometry of the calibration page's chart: bands, shares on one scale, its words."""

import pytest

from auditor.insights.score_spread import BANDS, Spread, spread_chart


def test_both_histograms_share_one_scale():
    # own: 2 of 2 in band 9 (share 1.0); peers: 1 in band 4, 3 in band 7 (0.25, 0.75)
    spread = Spread([0] * 9 + [2], [0, 0, 0, 0, 1, 0, 0, 3, 0, 0])
    chart = spread_chart("Hugo", spread, width=100, height=40)
    assert len(chart.own) == len(chart.peers) == BANDS
    assert chart.own[9].height == pytest.approx(40)  # the tallest share fills the height
    assert chart.peers[7].height == pytest.approx(30)
    assert chart.peers[4].height == pytest.approx(10)
    assert chart.peers[4].y == pytest.approx(30)  # bars stand on the baseline
    assert [bar.height for bar in chart.own[:9]] == [0] * 9
    assert chart.peers[7].x == pytest.approx(70.5)  # band 7 starts at 70, inset by 0.5
    assert chart.own[9].width < chart.peers[9].width  # the auditor's bars are narrower


def test_the_label_names_each_band_with_scores():
    chart = spread_chart("Lena", Spread([0, 0, 0, 0, 3] + [0] * 5, [0] * 7 + [1, 0, 0]))
    assert chart.label == (
        "Scores of Lena against their peers' at the same stores, "
        "40-50: 100% vs 0%; 70-80: 0% vs 100%"
    )


def test_an_empty_spread_draws_nothing():
    chart = spread_chart("Nobody", Spread([0] * BANDS, [0] * BANDS))
    assert all(bar.height == 0 for bar in chart.own + chart.peers)
