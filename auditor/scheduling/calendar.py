"""A plan laid out as calendars (pure): weeks across, one row per location or per auditor, each
cell the visits of that week, for the schedule page."""

from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

SHORT = {"morning": "am", "afternoon": "pm", "evening": "eve"}


@dataclass(frozen=True)
class Cell:
    day: date
    daypart: str
    other: str  # the auditor's name in a location's row, the location's code in an auditor's
    window: str


def weeks(first: date, count: int) -> list[date]:
    return [first + timedelta(days=7 * n) for n in range(count)]


def lay_out(
    items: Iterable[Mapping[str, Any]],
    first: date,
    count: int,
    row_key: str,
    other_name: Mapping[Any, str],
    other_key: str,
) -> dict[Any, list[list[Cell]]]:
    """{row: [cells of week 0, cells of week 1, …]} for the items' `row_key` rows."""
    rows: dict[Any, list[list[Cell]]] = defaultdict(lambda: [[] for _ in range(count)])
    for item in items:
        day = item["day"]
        week = (day - first).days // 7
        if 0 <= week < count:
            other = other_name.get(item[other_key], "open to claim")
            rows[item[row_key]][week].append(Cell(day, item["daypart"], other, item["window"]))
    for cells in rows.values():
        for week_cells in cells:
            week_cells.sort(key=lambda cell: (cell.day, cell.daypart))
    return dict(rows)
