"""Two regions of demo-like data for page tests: what region A's manager may and may not see."""

import uuid
from dataclasses import dataclass
from datetime import timedelta

from auditor.core.extensions import db
from auditor.models import Answer, CorrectiveAction, Location, Region, User, utcnow
from tests.api.audit_helpers import published_store
from tests.api.insight_helpers import approved
from tests.factories import LocationFactory, RegionFactory, UserFactory
from tests.web.test_login import log_in

SECTIONS = {"greeting": 80.0, "music": 60.0, "layout": 70.0, "knowledge": 50.0}


@dataclass
class World:
    checklist_id: int
    region_a: Region
    region_b: Region
    store_a: Location
    weak_a: Location
    store_b: Location
    manager_a: User
    admin: User
    staff_a: User
    staff_a2: User
    staff_b: User
    submitted_a: uuid.UUID
    submitted_b: uuid.UUID
    approved_b: uuid.UUID
    action_a: int
    action_b: int

    @property
    def secrets(self) -> list[str]:
        """Strings of region B that region A's manager must never be shown."""
        return [self.store_b.code, self.store_b.name, self.region_b.name, self.staff_b.name]


def audit(store, location, days_ago, score, auditor, *, failed=(), staff=(), status="approved"):
    """An audit with section scores and answers (`failed` keys earn nothing)."""
    made = approved(
        store, location.id, score, days_ago, auditor_id=auditor.id, sections=SECTIONS, staff=staff
    )
    for key in ("welcome", "eye_contact", "tidy", "no_brush_off"):
        earned = 0.0 if key in failed else 1.0
        made.answers.append(
            Answer(
                question_key=key,
                value=(5 if earned else 1) if key == "tidy" else earned > 0,
                earned=earned,
                possible=1.0,
                comment="No greeting at all" if key in failed else "",
            )
        )
    made.status = status
    db.session.commit()
    return made


def action_for(made, reason: str) -> int:
    action = CorrectiveAction(
        location_id=made.location_id,
        audit_id=made.id,
        section_key="greeting",
        question_key="welcome",
        reason=reason,
        due=(utcnow() + timedelta(days=7)).date(),
    )
    db.session.add(action)
    db.session.commit()
    return action.id


def build_world() -> World:
    """Region A (Altona, Wedel), region B (Bremen), audits, actions and staff in both."""
    store = published_store()
    region_a = db.session.get(Region, store.region_id)
    region_a.name = "Alpha Region"
    store_a = db.session.get(Location, store.location_id)
    store_a.code, store_a.name = "AAA-01", "Altona Flagship"
    weak_a = LocationFactory(region=region_a, code="AAA-02", name="Wedel Corner")
    region_b = RegionFactory(name="Bravo Region")
    store_b = LocationFactory(region=region_b, code="BBB-01", name="Bremen Secret")
    auditor = UserFactory(role="auditor", name="Otto Auditor")
    staff_a = db.session.get(User, store.staff_id)
    staff_a.name = "Sam Staffer"
    staff_a2 = UserFactory(role="staff", name="Kim Colleague", location_id=store_a.id)
    staff_b = UserFactory(role="staff", name="Bea Bremen", location_id=store_b.id)
    for days in (3, 10, 20):
        audit(store, store_a, days, 88.0, auditor, staff=[staff_a, staff_a2])
        audit(store, weak_a, days + 1, 41.0, auditor, failed=("welcome", "tidy"))
        audit(store, store_b, days + 2, 95.0, auditor, failed=("eye_contact",), staff=[staff_b])
    sub_a = audit(store, store_a, 1, 70.0, auditor, status="submitted", staff=[staff_a])
    sub_b = audit(store, store_b, 1, 72.0, auditor, status="submitted")
    approved_b = audit(store, store_b, 2, 66.0, auditor, failed=("welcome",))
    action_a = action_for(sub_a, "Greeting failed at Altona")
    action_b = action_for(approved_b, "Greeting failed at Bremen Secret")
    return World(
        checklist_id=store.checklist_id,
        region_a=region_a,
        region_b=region_b,
        store_a=store_a,
        weak_a=weak_a,
        store_b=store_b,
        manager_a=UserFactory(role="manager", regions=[region_a], name="Mara Manager"),
        admin=UserFactory(role="admin", name="Ada Admin"),
        staff_a=staff_a,
        staff_a2=staff_a2,
        staff_b=staff_b,
        submitted_a=sub_a.id,
        submitted_b=sub_b.id,
        approved_b=approved_b.id,
        action_a=action_a,
        action_b=action_b,
    )


def browse_as(client, user: User):
    """Log the test client in through the login form, as a browser does."""
    response = log_in(client, user.email)
    assert response.status_code == 302, response.data[:300]
    return client


def csrf_of(client, path: str) -> str:
    """The CSRF token of a page, from its <meta name="csrf-token">."""
    from tests.web.test_login import fields_of

    token = fields_of(client.get(path)).meta_csrf
    assert token
    return token
