"""Shared set-up for audit tests: the default checklist, a store, its people, full answers."""

import uuid
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from auditor.checklists import versions
from auditor.core.extensions import db
from tests.factories import LocationFactory, RegionFactory, UserFactory

BERLIN = ZoneInfo("Europe/Berlin")
VISIT_ANSWERS = [
    {"question": "greet_seconds", "value": 25},
    {"question": "welcome", "value": True},
    {"question": "eye_contact", "value": True},
    {"question": "thanked_goodbye", "value": False, "comment": "No goodbye at the till."},
    {"question": "music_db", "value": 70},
    {"question": "raised_voice", "value": False},
    {"question": "departments_separated", "value": True},
    {"question": "found_without_help", "value": 4},
    {"question": "tidy", "value": 3},
    {"question": "product_knowledge", "value": 5},
    {"question": "no_brush_off", "value": True},
    {"question": "first_contact_resolution", "value": False},
    {"question": "polite_informed", "value": 4},
]
# greeting 80, music 75, layout 75, knowledge 68.75, follow-through pending
VISIT_SECTIONS = {
    "greeting": 80.0,
    "music": 75.0,
    "layout": 75.0,
    "knowledge": 68.75,
    "follow_through": None,
}
VISIT_OVERALL = (20 * 80 + 15 * 75 + 20 * 75 + 25 * 68.75) / 80  # 74.296875
POST_VISIT_ANSWERS = [
    {"question": "feedback_requested", "value": True},
    {"question": "manager_response_hours", "na": True},
    {"question": "apology_accommodation", "na": True},
    {"question": "billing_courteous", "value": 5},
]
FULL_OVERALL = (20 * 80 + 15 * 75 + 20 * 75 + 25 * 68.75 + 20 * 100) / 100  # 79.4375


@dataclass
class Store:
    checklist_id: int
    location_id: int
    region_id: int
    staff_id: int


def published_store() -> Store:
    """The default checklist, published, and one store with a manager and a staff member."""
    definition = versions.parse_definition(versions.default_definition())
    checklist, _ = versions.save_definition(db.session, None, definition)
    versions.publish(db.session, None, checklist)
    region = RegionFactory()
    location = LocationFactory(region=region, lat=52.52, lon=13.405)
    staff = UserFactory(role="staff", location_id=location.id)
    db.session.commit()
    return Store(checklist.id, location.id, region.id, staff.id)


def audit_body(store: Store, answers=VISIT_ANSWERS, **fields) -> dict:
    """A PUT body for an audit at the store, visited within the last hour."""
    now = datetime.now(UTC).replace(microsecond=0)
    return {
        "checklist_id": store.checklist_id,
        "location_id": store.location_id,
        # an hour ago, written once in UTC ("Z") and once with an offset
        "started_at": (now - timedelta(minutes=60)).strftime("%Y-%m-%dT%H:%M:%SZ"),
        "finished_at": (now - timedelta(minutes=35)).astimezone(BERLIN).isoformat(),
        "geo": {"lat": 52.5201, "lon": 13.4051, "accuracy": 12},
        "staff_ids": [store.staff_id],
        "staff_names": ["Jo (badge)"],
        "notes": "Busy Saturday.",
        "answers": answers,
        **fields,
    }


def new_uuid() -> str:
    return str(uuid.uuid4())
