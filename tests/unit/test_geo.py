"""Great-circle distances for the proof-of-visit check."""

import pytest

from auditor.org.geo import haversine_m


@pytest.mark.parametrize(
    ("a", "b", "metres", "tolerance"),
    [
        ((52.5200, 13.4050), (52.5200, 13.4050), 0, 0.001),
        ((52.5200, 13.4050), (48.8566, 2.3522), 877_500, 1_500),  # Berlin - Paris
        ((0.0, 0.0), (0.0, 1.0), 111_195, 5),  # one degree of longitude at the equator
        ((52.5200, 13.4050), (52.5227, 13.4050), 300, 1),  # 0.0027 degrees north
        ((89.9, 0.0), (89.9, 180.0), 22_239, 5),  # across the pole
    ],
)
def test_known_distances(a, b, metres, tolerance):
    assert haversine_m(*a, *b) == pytest.approx(metres, abs=tolerance)


def test_distance_is_symmetric():
    assert haversine_m(10, 20, -30, 40) == pytest.approx(haversine_m(-30, 40, 10, 20))
