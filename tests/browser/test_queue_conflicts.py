"""Issue 11, item 1: conflicts never drop the auditor's work silently. A visit counts as sent
only when the server holds what was queued; otherwise the phone keeps the draft and shows both
versions with a choice. A visit whose store closed or whose planned visit was cancelled while
it waited is taken by the server, and any failure shows on My visits."""

from datetime import UTC, datetime, timedelta

import pytest

from auditor.core.extensions import db
from tests.api.audit_helpers import audit_body, new_uuid
from tests.api.images import jpeg
from tests.browser.conftest import outbox_size, wait_for
from tests.browser.queue_support import open_outbox, screenshot, token_of
from tests.browser.test_outbox import queue, submit_on_server
from tests.browser.test_review_notes import review
from tests.factories import UserFactory
from tests.live.conftest import call

MINE = {"notes": "Fixed on the phone: the aisle was clear.", "tidy": 5}
THEIRS = {"notes": "Resubmitted from the tablet.", "tidy": 3}
VISITED = (
    (datetime.now(UTC) - timedelta(minutes=50)).isoformat(timespec="seconds"),
    (datetime.now(UTC) - timedelta(minutes=20)).isoformat(timespec="seconds"),
)


def version(visit, changes: dict) -> dict:
    """The visit as one device has it: the same times, other notes and `tidy` answer."""
    body = audit_body(visit.store, notes=changes["notes"])
    body["started_at"], body["finished_at"] = VISITED
    body["answers"] = [
        {**a, "value": changes["tidy"]} if a["question"] == "tidy" else a for a in body["answers"]
    ]
    return body


@pytest.fixture
def page(phone, visit, page_errors):
    page = open_outbox(phone, visit.auditor.email, page_errors)
    yield page
    assert page_errors == []


@pytest.fixture
def token(server, visit):
    return token_of(server, visit.auditor.email)


def conflicted(page, server, token, visit) -> str:
    """The same audit submitted from another device with other answers, then this phone's
    version queued and sent: answers the audit's uuid."""
    audit, photo = new_uuid(), (new_uuid(), jpeg())
    submit_on_server(server, token, audit, version(visit, THEIRS), [photo])
    report = queue(page, visit, audit, version(visit, MINE), [photo])
    assert report["failed"] == 1
    return audit


def test_a_different_version_on_the_server_is_a_conflict_not_sent(page, server, token, visit):
    audit = conflicted(page, server, token, visit)
    assert outbox_size(page) == 3  # nothing dropped
    draft = page.evaluate("async (a) => AuditorStore.getDraft(a)", audit)
    assert draft is not None
    sent = page.evaluate("async () => AuditorStore.getMeta('sent')") or []
    assert audit not in [entry["uuid"] for entry in sent]
    conflict = page.locator(".conflict")
    conflict.wait_for()
    text = conflict.text_content()
    assert MINE["notes"] in text
    assert THEIRS["notes"] in text
    assert "tidy" in text.lower()
    assert conflict.get_by_role("button", name="Keep mine").is_visible()
    assert conflict.get_by_role("button", name="Take the server's").is_visible()
    screenshot(page, "queue-1.png")

    # the manager returns the server's version: keeping mine now sends the phone's answers
    assert review(server, visit, audit, {"decision": "return", "note": "Check"})["status"] == (
        "returned"
    )
    conflict.get_by_role("button", name="Keep mine").click()
    wait_for(page, "async () => (await AuditorStore.outboxItems()).length === 0")
    _status, on_server = call(server, "GET", f"/api/v1/audits/{audit}", token=token)
    assert on_server["status"] == "submitted"
    assert on_server["notes"] == MINE["notes"]
    tidy = [a for a in on_server["answers"] if a["question"] == "tidy"]
    assert tidy[0]["value"] == MINE["tidy"]
    assert page.evaluate("async (a) => AuditorStore.getDraft(a)", audit) is None


def test_taking_the_servers_version_discards_mine(page, server, token, visit):
    audit = conflicted(page, server, token, visit)
    page.locator(".conflict").wait_for()
    page.once("dialog", lambda dialog: dialog.accept())
    page.get_by_role("button", name="Take the server's").click()
    wait_for(page, "async () => (await AuditorStore.outboxItems()).length === 0")
    wait_for(page, "async (a) => !(await AuditorStore.getDraft(a))", audit)
    _status, on_server = call(server, "GET", f"/api/v1/audits/{audit}", token=token)
    assert on_server["notes"] == THEIRS["notes"]  # untouched


@pytest.fixture
def admin_token(visit, server):
    """An admin's token, made before the phone starts writing to the database."""
    admin = UserFactory(role="admin")
    db.session.commit()
    return token_of(server, admin.email)


def test_a_visit_whose_store_closed_or_plan_was_cancelled_meanwhile_is_sent(
    admin_token, page, server, visit
):
    # the visits below started an hour ago; the store closes and the plan is cancelled now
    path = f"/api/v1/assignments/{visit.assignment.id}"
    assert call(server, "PATCH", path, token=admin_token, json_body={"status": "cancelled"})[0] == (
        200
    )
    location = f"/api/v1/locations/{visit.store.location_id}"
    assert call(server, "PATCH", location, token=admin_token, json_body={"active": False})[0] == 200
    audit = new_uuid()
    body = audit_body(visit.store, assignment_id=visit.assignment.id)
    report = queue(page, visit, audit, body, [(new_uuid(), jpeg())])
    assert report["failed"] == 0
    assert outbox_size(page) == 0
    _status, on_server = call(server, "GET", f"/api/v1/audits/{audit}", token=admin_token)
    assert on_server["status"] == "submitted"
    assert on_server["assignment_id"] is None  # an unplanned visit now


def test_a_visit_that_cannot_go_shows_why_on_my_visits(page, server, visit):
    audit = new_uuid()
    report = queue(page, visit, audit, audit_body(visit.store, location_id=999_999), [])
    assert report["failed"] == 1
    page.goto("/app")
    page.wait_for_selector("body[data-ready=true]")
    card = page.locator("#drafts .card")
    card.wait_for()
    wait_for(page, "() => document.querySelector('#drafts .card .failure') !== null")
    text = card.text_content()
    assert "waiting to send" not in text
    assert "Not sent" in text
    assert "Unknown location 999999" in text
    assert card.get_by_role("link", name="See the outbox").is_visible()
    screenshot(page, "queue-1-my-visits.png")
