"""Dayparts and the window a location's opening hours leave for each on a given day (pure).

`morning` 08-12, `afternoon` 12-17, `evening` 17-close (17-22 when a location gives no hours),
all in the location's own time zone; `weekend` is Saturday or Sunday, a share of days rather than
a window. A daypart counts as open only when at least an hour of it falls within opening hours.
"""

from collections.abc import Mapping
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

DAYPARTS = ("morning", "afternoon", "evening")
SHARES = (*DAYPARTS, "weekend")
BOUNDS = {"morning": (8 * 60, 12 * 60), "afternoon": (12 * 60, 17 * 60), "evening": (17 * 60, None)}
CLOSE_UNKNOWN = 22 * 60  # when a location gives no opening hours, its evenings end at 22:00
MIN_MINUTES = 60
WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
DAY_NAMES = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")

Minutes = tuple[int, int]


def _minutes(text: str) -> int:
    hours, minutes = text.split(":")
    return int(hours) * 60 + int(minutes)


def open_span(hours: Mapping[str, list[str]] | None, day: date) -> Minutes | None:
    """A day's opening hours in minutes after local midnight; None when closed that day.

    No hours at all means open all day; hours that close past midnight run to the day's end.
    """
    if hours is None:
        return (0, 24 * 60)
    span = hours.get(WEEKDAYS[day.weekday()])
    if not span:
        return None
    opens, closes = _minutes(span[0]), _minutes(span[1])
    return (opens, closes if closes > opens else 24 * 60)


def local_window(hours: Mapping[str, list[str]] | None, day: date, daypart: str) -> Minutes | None:
    """The minutes of a daypart a location is open on a day, or None (under an hour)."""
    span = open_span(hours, day)
    if span is None:
        return None
    start, end = BOUNDS[daypart]
    if end is None:
        end = CLOSE_UNKNOWN if hours is None else span[1]
    start, end = max(start, span[0]), min(end, span[1])
    return (start, end) if end - start >= MIN_MINUTES else None


def to_utc(day: date, minutes: int, zone: ZoneInfo) -> datetime:
    """A local day and minute of that day (24:00 allowed) as an aware UTC datetime."""
    moment = datetime.combine(day, time(0), tzinfo=zone) + timedelta(minutes=minutes)
    # wall-clock arithmetic: re-read the local time so a DST change moves the offset
    local = datetime.combine(moment.date(), moment.time(), tzinfo=zone)
    return local.astimezone(UTC)


def is_weekend(day: date) -> bool:
    return day.weekday() >= 5


def describe(day: date, daypart: str, start: int, end: int) -> str:
    """'Saturday afternoon, 12-17' (minutes shown only when not on the hour)."""

    def clock(minutes: int) -> str:
        hours, rest = divmod(minutes, 60)
        return f"{hours}" if rest == 0 else f"{hours}:{rest:02d}"

    return f"{DAY_NAMES[day.weekday()]} {daypart}, {clock(start)}\u2013{clock(end)}"


def label(daypart: str | None, due_from: datetime, due_to: datetime, timezone: str) -> str | None:
    """A planned visit's window in its store's time zone, as `describe` writes it (None when
    the visit has no daypart)."""
    if daypart not in DAYPARTS:
        return None
    zone = ZoneInfo(timezone or "UTC")
    start, end = due_from.astimezone(zone), due_to.astimezone(zone)
    end_minutes = end.hour * 60 + end.minute if end.date() == start.date() else 24 * 60
    return describe(start.date(), daypart, start.hour * 60 + start.minute, end_minutes)
