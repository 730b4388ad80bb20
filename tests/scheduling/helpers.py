"""A programme the scheduling tests share: published checklist, three stores, three auditors."""

from dataclasses import dataclass
from datetime import date

from auditor.core.extensions import db
from auditor.models import Location, Region
from tests.api.audit_helpers import published_store
from tests.factories import LocationFactory, UserFactory

SHARES = {"morning": 0.3, "evening": 0.2, "weekend": 0.2}
HOURS = {day: ["09:00", "21:00"] for day in ("mon", "tue", "wed", "thu", "fri", "sat")}


@dataclass
class World:
    checklist_id: int
    region_id: int
    location_ids: list[int]
    auditor_ids: list[int]

    def body(self, **change) -> dict:
        return {
            "location_ids": self.location_ids,
            "checklist_id": self.checklist_id,
            "every_days": 7,
            "min_gap_days": 5,
            "auditor_ids": self.auditor_ids,
            "dayparts": SHARES,
            **change,
        }


def three_stores_three_auditors(auditors: int = 3) -> World:
    store = published_store()
    region = db.session.get(Region, store.region_id)
    first = db.session.get(Location, store.location_id)
    first.opening_hours = HOURS
    more = [LocationFactory(region=region, lat=52.5 + i / 100, lon=13.4) for i in range(2)]
    people = [UserFactory(role="auditor") for _ in range(auditors)]
    db.session.commit()
    return World(
        store.checklist_id,
        region.id,
        [first.id, *(location.id for location in more)],
        [person.id for person in people],
    )


def zones_and_hours(location_ids) -> tuple[dict, dict]:
    locations = [db.session.get(Location, location_id) for location_id in location_ids]
    zones = {location.id: location.timezone for location in locations}
    hours = {
        location.id: location.opening_hours for location in locations if location.opening_hours
    }
    return zones, hours


def monday_after(day: date) -> date:
    return date.fromordinal(day.toordinal() + (7 - day.weekday()) % 7)
