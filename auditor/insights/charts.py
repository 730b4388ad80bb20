"""Server-side SVG geometry: charts that render without JavaScript and print (STACK: charts)."""

from collections.abc import Mapping, Sequence
from typing import NamedTuple


class Sparkline(NamedTuple):
    points: str  # an SVG polyline's
    label: str  # for screen readers


def sparkline_points(
    values: Sequence[float],
    width: float = 100,
    height: float = 24,
    low: float = 0,
    high: float = 100,
) -> str:
    """The `points` of an SVG polyline for scores between low and high, left to right."""
    if not values:
        return ""
    span = high - low or 1
    step = width / (len(values) - 1) if len(values) > 1 else 0
    points = []
    for index, value in enumerate(values):
        clamped = min(max(value, low), high)
        x = index * step if len(values) > 1 else width / 2
        y = height - (clamped - low) / span * height
        points.append(f"{x:.1f},{y:.1f}")
    return " ".join(points)


def trend_label(series: Sequence[tuple[str, float]]) -> str:
    """What a sparkline says to a screen reader: each month and its mean."""
    return "Monthly means: " + ", ".join(f"{month} {one_decimal(v)}" for month, v in series)


def sparklines(trends: Mapping[int, Sequence[tuple[str, float]]]) -> dict[int, Sparkline]:
    """Per location, its sparkline's points and label: computed here once per row, as a
    template's filters would cost more than the rest of a thousand-row table."""
    return {
        key: Sparkline(sparkline_points([value for _, value in series]), trend_label(series))
        for key, series in trends.items()
        if series
    }


def one_decimal(value: float | None) -> str:
    """A score as shown on the pages: one decimal (DESIGN §3), a dash when there is none."""
    return "\N{EN DASH}" if value is None else f"{value:.1f}"


def bar_width(value: float | None, full: float = 100) -> float:
    """A score's bar length as a percentage of the full scale, clamped to [0, 100]."""
    if value is None:
        return 0.0
    return round(min(max(value / full * 100, 0.0), 100.0), 1)


def heat_class(value: float | None) -> str:
    """A CSS class for a score cell: five bands, so colour never carries the number alone."""
    if value is None:
        return "heat-none"
    for floor, name in ((85, "heat-5"), (75, "heat-4"), (65, "heat-3"), (50, "heat-2")):
        if value >= floor:
            return name
    return "heat-1"


def movement(rank: int, previous: int | None) -> tuple[str, str]:
    """(arrow, words) for a rank change: up means a better (smaller) rank."""
    if previous is None:
        return "•", "new in the ranking"
    if previous > rank:
        return "▲", f"up {previous - rank} from {previous}"
    if previous < rank:
        return "▼", f"down {rank - previous} from {previous}"
    return "=", "unchanged"
