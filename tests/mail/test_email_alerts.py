"""Email alerts against a real SMTP server (DESIGN §10.7): each alert reaches exactly the
recipients it names, reads on a phone (store, score, what failed, the remark, one link), keeps
to what each recipient may see, and honours each one's preferences and the managers' digest."""

import logging
import re
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import select

from auditor.checklists import versions
from auditor.core.extensions import db
from auditor.models import Checklist, CorrectiveAction, EmailPreference, Location, Region, utcnow
from auditor.notify import digest
from tests.api.action_helpers import PASSING, approved, submitted
from tests.api.audit_helpers import Store, published_store
from tests.conftest import ApiClient
from tests.factories import LocationFactory, RegionFactory, UserFactory
from tests.mail.conftest import BASE_URL
from tests.web.page_world import browse_as, csrf_of

SOON, LATE = "action.due_soon", "action.overdue"
TEMPLATES = Path(__file__).resolve().parents[2] / "templates"


@dataclass
class World:
    north: Store  # the store of region North
    south: Store  # a store of region South
    north_managers: list[ApiClient]
    south_manager: ApiClient
    admin: ApiClient
    auditor: ApiClient


@pytest.fixture
def world(app, login_as) -> World:
    north = published_store()
    north_region = db.session.get(Region, north.region_id)
    south_region = RegionFactory(name="South")
    south_location = LocationFactory(region=south_region, name="Southport Quay", code="SOU-01")
    south_staff = UserFactory(role="staff", location_id=south_location.id)
    south = Store(north.checklist_id, south_location.id, south_region.id, south_staff.id)
    return World(
        north=north,
        south=south,
        north_managers=[login_as("manager", regions=[north_region]) for _ in range(2)],
        south_manager=login_as("manager", regions=[south_region]),
        admin=login_as("admin"),
        auditor=login_as("auditor"),
    )


def store_name(store: Store) -> str:
    return db.session.get(Location, store.location_id).name


def test_a_failed_visit_reaches_the_regions_managers_and_the_actions_owner(world, smtp):
    north_a, north_b = world.north_managers
    audit_id = approved(world.auditor, north_a, world.north)
    alerts = [r for r in smtp.received if "critical failure" in r.subject]
    assert sorted(a for r in alerts for a in r.rcpt_tos) == sorted(
        [north_a.user.email, north_b.user.email]
    )
    # the owner (the region's first manager: the store has no lead) gets each action opened
    opened = [r for r in smtp.received if r.subject.startswith("New corrective action")]
    assert [r.rcpt_tos for r in opened] == [[north_a.user.email]] * 2
    assert len(smtp.received) == 4  # nobody else: not the other region, admin or auditor
    mail = alerts[0]
    assert len(mail.rcpt_tos) == 1  # one message per person
    name = store_name(world.north)
    assert mail.subject == f"{name}: 0.0, critical failure"
    for body in (mail.text, mail.html):
        assert name in body
        assert "Had to raise your voice to talk with staff" in body
        assert "No goodbye at the till." in body  # the auditor's remark on a failed question
        assert "Busy Saturday." in body  # and on the visit
        assert f"{BASE_URL}/manager/audits/{audit_id}" in body
    assert "(critical)" in mail.text
    assert f"{BASE_URL}/account/email" in mail.text
    assert mail.message.get_content_type() == "multipart/alternative"
    action = opened[0]
    assert action.text.count(f"{BASE_URL}/manager/actions/") == 1


def test_a_passing_visit_alerts_nobody(world, smtp):
    approved(world.auditor, world.north_managers[0], world.north, PASSING)
    assert smtp.received == []


def test_the_alert_threshold_is_the_checklists(world, smtp, app):
    checklist = db.session.get(Checklist, world.north.checklist_id)
    checklist.alert_threshold = 80  # the passing visit scores 74.3
    db.session.commit()
    versions._PUBLISHED_DEFINITIONS.clear()  # the cached definition read the old threshold
    approved(world.auditor, world.north_managers[0], world.north, PASSING)
    assert sorted(smtp.recipients()) == sorted(m.user.email for m in world.north_managers)
    assert "74.3" in smtp.received[0].subject


def test_a_returned_audit_reaches_its_auditor(world, smtp):
    manager = world.north_managers[0]
    audit_id = submitted(world.auditor, world.north, PASSING)
    response = manager.post(
        f"/api/v1/audits/{audit_id}/review",
        json={
            "decision": "return",
            "note": "Add the floor photo again.",
            "questions": {"tidy": "Which aisle?"},
        },
    )
    assert response.status_code == 200
    assert smtp.recipients() == [world.auditor.user.email]
    mail = smtp.received[0]
    assert mail.subject == f"Returned: your audit of {store_name(world.north)}"
    assert "Add the floor photo again." in mail.text
    assert "Aisles clear and tidy" in mail.text or "Which aisle?" in mail.text
    assert f"{BASE_URL}/app/returned" in mail.html


def test_a_new_assignment_reaches_its_auditor(world, smtp):
    manager = world.north_managers[0]
    now = utcnow()
    response = manager.post(
        "/api/v1/assignments",
        json={
            "location_id": world.north.location_id,
            "auditor_id": world.auditor.user.id,
            "checklist_id": world.north.checklist_id,
            "due_from": (now + timedelta(days=1)).isoformat(),
            "due_to": (now + timedelta(days=5)).isoformat(),
        },
    )
    assert response.status_code == 201, response.get_json()
    assert smtp.recipients() == [world.auditor.user.email]
    assert smtp.received[0].subject.startswith(f"New visit: {store_name(world.north)}")
    assert f"{BASE_URL}/app" in smtp.received[0].text


def test_a_manager_never_hears_of_a_store_outside_their_regions(world, smtp, app):
    """Every kind a manager can get, from events in both regions: what reaches the North
    managers names only the North store, and the South manager's only the South store."""
    north_a, north_b = world.north_managers
    south = world.south_manager
    set_digest(north_b.user.id)
    approved(world.auditor, north_a, world.north)
    approved(world.auditor, south, world.south)
    approved(world.auditor, world.admin, world.south)  # an admin approves too
    south_audit = submitted(world.auditor, world.south, PASSING)
    south.post(f"/api/v1/audits/{south_audit}/review", json={"decision": "return", "note": "x"})
    due_all_actions_yesterday()
    run_job(app, digest.claim_reminders, utcnow())
    run_job(app, digest.send_digests, utcnow() + timedelta(minutes=1))
    north_name, south_name = store_name(world.north), store_name(world.south)
    for manager, mine, other in (
        (north_a, north_name, south_name),
        (north_b, north_name, south_name),
        (south, south_name, north_name),
    ):
        received = smtp.to(manager.user.email)
        assert received, manager.user.email
        for mail in received:
            for body in (mail.subject, mail.text, mail.html):
                assert other not in body
                assert "SOU-01" not in body or manager is south
        assert any(mine in mail.text for mail in received)
    kinds = {r.subject.split(":")[0] for r in smtp.to(north_b.user.email)}
    assert kinds == {"Daily digest"}  # the digest manager got no mail per audit


def run_job(app, job, *args):
    """Run a periodic job's body in the app under test (its MAIL_URL and BASE_URL), as the
    worker does, and commit; the test's own session then reads what it wrote."""
    db.session.commit()
    with app.app_context():
        result = job(db.session, *args)
        db.session.commit()
    db.session.commit()
    return result


def set_digest(user_id: int, off=()) -> None:
    db.session.merge(EmailPreference(user_id=user_id, digest=True, off=list(off)))
    db.session.commit()


def due_all_actions_yesterday() -> None:
    for action in db.session.scalars(select(CorrectiveAction)):
        action.due = (utcnow() - timedelta(days=1)).date()
    db.session.commit()


def test_preferences_turn_a_kind_off_from_the_page(world, smtp, client):
    north_a, north_b = world.north_managers
    browse_as(client, north_b.user)
    token = csrf_of(client, "/account/email")
    page = client.get("/account/email").get_data(as_text=True)
    assert "A visit in my regions fails" in page
    kinds = ["action_opened", "action_due_soon", "action_overdue", "dispute_settled"]
    response = client.post("/account/email", data={"csrf_token": token, "kinds": kinds})
    assert response.status_code == 302
    assert db.session.get(EmailPreference, north_b.user.id).off == ["audit_alert"]
    approved(world.auditor, north_a, world.north)
    assert smtp.to(north_b.user.email) == []
    assert len([r for r in smtp.to(north_a.user.email) if "critical" in r.subject]) == 1


def test_the_digest_gathers_a_days_alerts_once(world, smtp, app):
    north_a, north_b = world.north_managers
    set_digest(north_b.user.id)
    first = approved(world.auditor, north_a, world.north)
    second = approved(world.auditor, north_a, world.north)
    approved(world.auditor, north_a, world.north, PASSING)  # no alert: not in the digest
    assert smtp.to(north_b.user.email) == []
    now = utcnow() + timedelta(minutes=1)
    assert run_job(app, digest.send_digests, now) == 1
    [mail] = smtp.to(north_b.user.email)
    assert mail.subject == "Daily digest: 2 visits to look at"
    assert f"{BASE_URL}/manager/audits/{first}" in mail.text
    assert f"{BASE_URL}/manager/audits/{second}" in mail.html
    # the next run has nothing new to say
    assert run_job(app, digest.send_digests, now + timedelta(hours=24)) == 0
    assert len(smtp.to(north_b.user.email)) == 1


def test_reminders_reach_the_owner_once_per_kind(world, smtp, app):
    manager = world.north_managers[0]
    approved(world.auditor, manager, world.north)
    action = db.session.scalars(select(CorrectiveAction).order_by(CorrectiveAction.id)).first()
    for other in db.session.scalars(
        select(CorrectiveAction).where(CorrectiveAction.id != action.id)
    ):
        other.status, other.note = "done", "Fixed."
    action.due = (utcnow() + timedelta(days=2)).date()
    db.session.commit()
    smtp.received.clear()
    assert run_job(app, digest.claim_reminders, utcnow()) == {SOON: 1, LATE: 0}
    assert run_job(app, digest.claim_reminders, utcnow()) == {SOON: 0, LATE: 0}
    [soon] = smtp.received
    assert soon.rcpt_tos == [manager.user.email]
    assert soon.subject.startswith("Corrective action due in 2 days")
    action.due = (utcnow() - timedelta(days=1)).date()
    db.session.commit()
    later = utcnow() + timedelta(hours=1)
    assert run_job(app, digest.claim_reminders, later) == {SOON: 0, LATE: 1}
    assert run_job(app, digest.claim_reminders, later) == {SOON: 0, LATE: 0}
    assert [r.subject.split(":")[0] for r in smtp.received] == [
        "Corrective action due in 2 days",
        "Corrective action overdue",
    ]


def test_a_lead_owner_gets_their_actions_with_a_link_to_their_page(world, smtp, login_as):
    lead = login_as("staff", location_id=world.north.location_id, lead=True)
    set_digest(lead.user.id, off=["action_due_soon"])  # digest means nothing to staff
    approved(world.auditor, world.north_managers[0], world.north)
    opened = smtp.to(lead.user.email)
    assert len(opened) == 2
    assert all(f"{BASE_URL}/staff/actions/" in mail.text for mail in opened)
    assert {mail.subject for mail in opened} == {
        f"New corrective action: {store_name(world.north)}"
    }
    # nothing reaches the managers about the actions the lead owns
    for manager in world.north_managers:
        assert not [r for r in smtp.to(manager.user.email) if "corrective" in r.subject.lower()]


def test_without_mail_url_emails_are_logged_not_sent(world, smtp, app, caplog):
    app.config["MAIL_URL"] = ""
    with caplog.at_level(logging.INFO, logger="auditor.notify.email"):
        approved(world.auditor, world.north_managers[0], world.north)
    assert smtp.received == []
    logged = [r.getMessage() for r in caplog.records if "not sent" in r.getMessage()]
    assert len(logged) == 4
    assert any(world.north_managers[1].user.email in message for message in logged)


def test_a_dispute_reaches_the_admins_and_its_settlement_the_opener(world, smtp, login_as):
    manager = world.north_managers[0]
    lead = login_as("staff", location_id=world.north.location_id, lead=True)
    other_admin = login_as("admin")
    audit_id = approved(world.auditor, manager, world.north, PASSING)
    smtp.received.clear()
    opened = lead.post(
        f"/api/v1/audits/{audit_id}/disputes",
        json={"question": "music_db", "comment": "The music was off that day."},
    )
    assert opened.status_code == 201, opened.get_json()
    assert sorted(smtp.recipients()) == sorted([world.admin.user.email, other_admin.user.email])
    mail = smtp.received[0]
    question = "Music level on the sales floor"
    assert mail.subject == f"Dispute opened: {store_name(world.north)}, {question}"
    assert "The music was off that day." in mail.text
    assert f"{BASE_URL}/admin/disputes" in mail.html
    smtp.received.clear()
    decided = world.admin.post(
        f"/api/v1/disputes/{opened.get_json()['id']}/decision",
        json={"decision": "uphold", "note": "Meter was miscalibrated.", "value": 60},
    )
    assert decided.status_code == 200, decided.get_json()
    assert smtp.recipients() == [lead.user.email]
    settled = smtp.received[0]
    assert settled.subject.startswith("Dispute upheld:")
    assert "Meter was miscalibrated." in settled.text
    assert f"{BASE_URL}/lead/audits/{audit_id}" in settled.text


def test_seeding_the_demo_mails_nobody(app, smtp):
    result = app.test_cli_runner().invoke(args=["seed-demo", "--audits", "12"])
    assert result.exit_code == 0, result.output
    opened = db.session.scalars(select(CorrectiveAction)).all()
    assert opened  # the demo's failures raised actions, announced to nobody
    assert smtp.received == []


def test_email_templates_carry_no_script_and_no_remote_images():
    # styles are inline (mail clients drop style sheets); nothing runs, nothing is fetched
    for template in sorted((TEMPLATES / "email").glob("*.html")):
        html = template.read_text()
        assert "<script" not in html, template.name
        assert not re.search(r"\son[a-z]+\s*=", html), template.name
        assert "<img" not in html, template.name
