"""What the planner reads and writes (pure dataclasses): a programme of sites and people, the
visits it plans and the rules that gave way."""

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

QUARTER_DAYS = 91  # the dayparts shares hold over each 13 weeks from the schedule's start


@dataclass(frozen=True)
class Site:
    id: int
    timezone: str = "UTC"
    opening_hours: Mapping[str, list[str]] | None = None


@dataclass(frozen=True)
class Person:
    id: int
    days_off: frozenset[date] = frozenset()


@dataclass(frozen=True)
class Programme:
    starts_on: date
    every_days: int
    min_gap_days: int
    dayparts: Mapping[str, float]
    sites: tuple[Site, ...]
    people: tuple[Person, ...]
    checklist_id: int = 0


@dataclass(frozen=True)
class Visit:
    location_id: int
    occurrence: int  # the visit's place in the location's recurrence: 0, 1, 2…
    day: date  # in the location's time zone
    daypart: str
    auditor_id: int | None  # None: nobody could take it, open to claim
    due_from: datetime
    due_to: datetime
    window: str = ""  # "Saturday afternoon, 12-17"

    def as_item(self, checklist_id: int) -> dict[str, Any]:
        return {
            "location_id": self.location_id,
            "auditor_id": self.auditor_id,
            "checklist_id": checklist_id,
            "due_from": self.due_from,
            "due_to": self.due_to,
            "daypart": self.daypart,
            "window": self.window,
            "occurrence": self.occurrence,
            "day": self.day,
        }


@dataclass(frozen=True)
class GivingWay:
    """One rule the plan could not keep, and where."""

    rule: str  # rotation | dayparts | auditor_free | opening_hours
    location_id: int
    day: date
    message: str
    auditor_id: int | None = None

    def as_item(self) -> dict[str, Any]:
        return {
            "rule": self.rule,
            "location_id": self.location_id,
            "auditor_id": self.auditor_id,
            "day": self.day,
            "message": self.message,
        }


@dataclass
class Plan:
    visits: list[Visit] = field(default_factory=list)
    warnings: list[GivingWay] = field(default_factory=list)


def quarter_of(starts_on: date, day: date) -> int:
    return (day - starts_on).days // QUARTER_DAYS
