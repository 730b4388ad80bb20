"""A location's opening hours (DESIGN §2): `{"mon": ["09:00", "20:00"], ...}` in local time, a
weekday left out being closed, hours that close before they open running past midnight.

People type them as text (admin page, CSV cell): `mon-fri 09:00-20:00, sat 10:00-16:00`;
`parse` reads that into the mapping and `describe` writes it back. `validate_hours` is the
one rule every way in applies to the mapping itself.
"""

import re
from collections.abc import Mapping
from typing import Any

import marshmallow as ma

WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
TIME_PATTERN = r"^(([01][0-9]|2[0-3]):[0-5][0-9]|24:00)$"
EXAMPLE = "mon-fri 09:00-20:00, sat 10:00-16:00"
_TIME = re.compile(TIME_PATTERN)
_PART = re.compile(r"^([a-z]{3})(?:-([a-z]{3}))?\s+(\S+)-(\S+)$")


def validate_hours(value: Any) -> Any:
    """Refuse anything but weekday -> [opens, closes] as "HH:MM" (closing may be "24:00")."""
    if not isinstance(value, Mapping):
        raise ma.ValidationError("Opening hours map weekdays (mon..sun) to [opens, closes].")
    errors = [f"{day}: {message}" for day, hours in value.items() for message in _day(day, hours)]
    if errors:
        raise ma.ValidationError(errors)
    return value


def _day(day: Any, hours: Any) -> list[str]:
    if day not in WEEKDAYS:
        return ["not a weekday (mon, tue, wed, thu, fri, sat, sun)."]
    if not isinstance(hours, list | tuple) or len(hours) != 2:
        return ['give [opens, closes], e.g. ["09:00", "20:00"].']
    if not all(isinstance(time, str) and _TIME.fullmatch(time) for time in hours):
        return ["times are HH:MM, 00:00 to 23:59 (closing may be 24:00)."]
    if hours[0] == hours[1] or hours[0] == "24:00":
        return ["opening and closing must differ; a whole day is 00:00-24:00."]
    return []


def parse(text: str) -> dict[str, list[str]] | None:
    """Opening hours typed as `mon-fri 09:00-20:00, sat 10:00-16:00`; blank is None (not set).

    Raises ValidationError saying which part is wrong.
    """
    text = text.strip().lower()
    if not text:
        return None
    hours: dict[str, list[str]] = {}
    for part in filter(None, (part.strip() for part in re.split(r"[,;]", text))):
        match = _PART.fullmatch(part)
        if match is None or not {match[1], match[2] or match[1]} <= set(WEEKDAYS):
            raise ma.ValidationError(f"{part!r}: write e.g. {EXAMPLE}.")
        first, last = WEEKDAYS.index(match[1]), WEEKDAYS.index(match[2] or match[1])
        if last < first:
            raise ma.ValidationError(f"{part!r}: days run mon to sun.")
        for day in WEEKDAYS[first : last + 1]:
            if day in hours:
                raise ma.ValidationError(f"{day} is given twice.")
            hours[day] = [match[3], match[4]]
    return validate_hours({day: hours[day] for day in WEEKDAYS if day in hours})


def describe(hours: Mapping[str, list[str]] | None) -> str:
    """Opening hours as `parse` reads them, runs of days with equal hours joined."""
    runs: list[tuple[str, str, list[str]]] = []
    for day in WEEKDAYS:
        if not hours or day not in hours:
            continue
        span = list(hours[day])
        previous = WEEKDAYS[WEEKDAYS.index(day) - 1] if day != "mon" else None
        if runs and runs[-1][2] == span and runs[-1][1] == previous:
            runs[-1] = (runs[-1][0], day, span)
        else:
            runs.append((day, day, span))
    return ", ".join(
        f"{first if first == last else f'{first}-{last}'} {span[0]}-{span[1]}"
        for first, last, span in runs
    )
