"""The rules of DESIGN §10.8, checked on a plan's items from the outside: each function takes
plain items (location_id, auditor_id, due_from, due_to, daypart) and answers the places a rule
is broken, so property tests and API tests read a plan as any client would."""

import itertools
import math
from collections import Counter, defaultdict
from datetime import date, datetime
from zoneinfo import ZoneInfo

BOUNDS = {
    "morning": (8 * 60, 12 * 60),
    "afternoon": (12 * 60, 17 * 60),
    "evening": (17 * 60, 24 * 60),
}
WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")


def _when(value) -> datetime:
    return datetime.fromisoformat(value) if isinstance(value, str) else value


def local(item, zones) -> tuple[date, int, int]:
    """The item's local day and its window's start and end minutes (24:00 as 1440)."""
    zone = ZoneInfo(zones.get(item["location_id"], "UTC"))
    start, end = _when(item["due_from"]).astimezone(zone), _when(item["due_to"]).astimezone(zone)
    end_minutes = end.hour * 60 + end.minute if end.date() == start.date() else 24 * 60
    return start.date(), start.hour * 60 + start.minute, end_minutes


def by_location(items) -> dict[int, list]:
    grouped = defaultdict(list)
    for item in sorted(items, key=lambda item: _when(item["due_from"])):
        grouped[item["location_id"]].append(item)
    return grouped


def rotation_breaks(items) -> list[tuple[int, str]]:
    """(location, due_from) of each visit by the auditor who made the one before it there."""
    breaks = []
    for location_id, visits in by_location(items).items():
        for before, after in itertools.pairwise(visits):
            if after["auditor_id"] is not None and after["auditor_id"] == before["auditor_id"]:
                breaks.append((location_id, after["due_from"]))
    return breaks


def gap_breaks(items, min_gap_days: int, zones=None) -> list[tuple[int, date, date]]:
    zones = zones or {}
    breaks = []
    for location_id, visits in by_location(items).items():
        days = [local(item, zones)[0] for item in visits]
        for before, after in itertools.pairwise(days):
            if (after - before).days < min_gap_days:
                breaks.append((location_id, before, after))
    return breaks


def double_bookings(items, zones=None) -> list[tuple]:
    zones = zones or {}
    seen = Counter(
        (item["auditor_id"], local(item, zones)[0], item["daypart"])
        for item in items
        if item["auditor_id"] is not None
    )
    return [key for key, count in seen.items() if count > 1]


def window_breaks(items, hours=None, zones=None) -> list[dict]:
    """Items whose window is not inside their daypart and the store's opening hours (an hour
    at least), or whose daypart is not one of the three."""
    hours, zones = hours or {}, zones or {}
    broken = []
    for item in items:
        day, start, end = local(item, zones)
        bounds = BOUNDS.get(item["daypart"])
        if bounds is None or start < bounds[0] or end > bounds[1] or end - start < 60:
            broken.append(item)
            continue
        opening = hours.get(item["location_id"])
        if opening is None:
            continue
        span = opening.get(WEEKDAYS[day.weekday()])
        if span is None:
            broken.append(item)
            continue
        opens, closes = (int(t[:2]) * 60 + int(t[3:]) for t in span)
        closes = closes if closes > opens else 24 * 60
        if start < opens or end > closes:
            broken.append(item)
    return broken


def share_shortfalls(items, shares, starts_on: date, zones=None) -> list[tuple[int, int, str]]:
    """(location, quarter, share) whose visits fall short of share x visits by a visit or more."""
    zones = zones or {}
    tallies: dict[tuple[int, int], Counter] = defaultdict(Counter)
    for item in items:
        day = local(item, zones)[0]
        tally = tallies[(item["location_id"], (day - starts_on).days // 91)]
        tally["total"] += 1
        tally[item["daypart"]] += 1
        tally["weekend"] += day.weekday() >= 5
    return [
        (location_id, quarter, name)
        for (location_id, quarter), tally in tallies.items()
        for name, share in shares.items()
        if tally[name] < share * tally["total"] - 1 - 1e-9
    ]


def days_off_breaks(items, days_off: dict[int, set], zones=None) -> list[dict]:
    zones = zones or {}
    return [
        item
        for item in items
        if item["auditor_id"] is not None
        and local(item, zones)[0] in days_off.get(item["auditor_id"], set())
    ]


def expected_visits(starts_on: date, every_days: int, last: date) -> int:
    return math.floor((last - starts_on).days / every_days) + 1
