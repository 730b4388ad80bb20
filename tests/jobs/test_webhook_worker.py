"""Webhooks sent by a real worker process to a real receiver that fails the first attempts:
each event arrives exactly once after the retries, signed, and the delivery log matches; a
worker killed while a retry waits, or a queue that lost its messages, loses nothing."""

import time

import pytest
from sqlalchemy import select

from auditor.core.extensions import db
from auditor.models import WebhookDelivery, utcnow
from auditor.notify import queue
from tests.api.audit_helpers import published_store
from tests.api.review_helpers import submitted
from tests.conftest import ApiClient, token_for
from tests.factories import UserFactory
from tests.jobs.conftest import wait_for
from tests.webhooks.receiver import receiving

SECRET = "worker-test-secret"
FAST = {"WEBHOOK_RETRY_BASE_SECONDS": "1", "WEBHOOK_TIMEOUT_SECONDS": "1"}
# the first worker waits longer before a retry, so that none is under way when it is killed
FIRST = {**FAST, "WEBHOOK_RETRY_BASE_SECONDS": "3"}


@pytest.fixture
def people(jobs):
    """An admin and an auditor logged in to the queue's app, and a store to audit."""
    client = jobs.app.test_client()
    admin, auditor = UserFactory(role="admin"), UserFactory(role="auditor")
    store = published_store()
    return (
        ApiClient(client, token_for(client, admin.email), admin),
        ApiClient(client, token_for(client, auditor.email), auditor),
        store,
    )


def approve_one_return_one(admin, auditor, store, url: str) -> tuple[int, str, str]:
    events = ["audit.approved", "audit.returned"]
    hook = admin.post("/api/v1/webhooks", json={"url": url, "events": events, "secret": SECRET})
    assert hook.status_code == 201, hook.get_json()
    approved, returned = submitted(auditor, store), submitted(auditor, store)
    review = "/api/v1/audits/{}/review"
    assert admin.post(review.format(approved), json={"decision": "approve"}).status_code == 200
    back = {"decision": "return", "note": "Photos are blurred."}
    assert admin.post(review.format(returned), json=back).status_code == 200
    return hook.get_json()["id"], approved, returned


def recorded_delivered() -> int:
    """How many deliveries the worker has recorded as delivered, read afresh: an arrival at
    the receiver comes a moment before the worker writes it down."""
    db.session.commit()
    delivered = select(WebhookDelivery).where(WebhookDelivery.delivered_at.is_not(None))
    return len(db.session.scalars(delivered).all())


def failed_and_waiting() -> list[WebhookDelivery]:
    """Deliveries whose attempt failed (a status or an error) and whose retry waits, read
    afresh."""
    db.session.commit()
    return db.session.scalars(
        select(WebhookDelivery).where(
            WebhookDelivery.attempts >= 1,
            (WebhookDelivery.status_code.is_not(None)) | (WebhookDelivery.last_error.is_not(None)),
            WebhookDelivery.delivered_at.is_(None),
            WebhookDelivery.next_attempt_at.is_not(None),
        )
    ).all()


def check_arrivals(receiver, admin, hook_id, approved, returned) -> None:
    delivered = receiver.delivered()
    assert sorted((r.json["type"], r.json["data"]["uuid"]) for r in delivered) == [
        ("audit.approved", approved),
        ("audit.returned", returned),
    ]
    assert all(r.signed_by(SECRET) for r in receiver.all())
    log = admin.get(f"/api/v1/webhooks/{hook_id}/deliveries").get_json()["items"]
    attempts = {str(d["id"]): d["attempts"] for d in log}
    # the log counts every attempt the receiver saw, per delivery, and each ended delivered
    seen: dict[str, int] = {}
    for received in receiver.all():
        delivery = received.headers["X-Auditor-Delivery"]
        seen[delivery] = seen.get(delivery, 0) + 1
    assert seen == attempts
    assert [(d["status"], d["status_code"], d["next_attempt_at"]) for d in log] == [
        ("delivered", 200, None),
        ("delivered", 200, None),
    ]
    # a retry resends the very body of the first attempt: same event id, same bytes
    bodies: dict[str, set[bytes]] = {}
    for received in receiver.all():
        bodies.setdefault(received.headers["X-Auditor-Delivery"], set()).add(received.body)
    assert all(len(same) == 1 for same in bodies.values())


def test_retries_then_one_arrival_each_across_a_killed_worker(jobs, people):
    admin, auditor, store = people
    # 500, an answer later than the 1 s the sender waits, 500 again; then 200 for everything
    with receiving([500, "slow", 500], slow_seconds=2.5) as receiver:
        hook_id, approved, returned = approve_one_return_one(admin, auditor, store, receiver.url)
        first = jobs.worker(**FIRST)
        wait_for(lambda: len(failed_and_waiting()) == 2, 30, jobs.log)
        first.kill()  # kill -9 while both retries wait
        jobs.worker(**FAST)
        wait_for(lambda: len(receiver.delivered()) >= 2, 60, jobs.log)
        wait_for(lambda: recorded_delivered() == 2, 30, jobs.log)
        time.sleep(3)  # nothing more comes: no second arrival of either event
        assert len(receiver.delivered()) == 2
        assert len(receiver.all()) == 5  # three failures, two successes
        check_arrivals(receiver, admin, hook_id, approved, returned)


def test_deliveries_survive_a_queue_that_lost_its_messages(jobs, people):
    admin, auditor, store = people
    with receiving([503, 503]) as receiver:
        hook_id, approved, returned = approve_one_return_one(admin, auditor, store, receiver.url)
        first = jobs.worker(**FIRST)
        waiting = wait_for(
            lambda: failed_and_waiting() if len(failed_and_waiting()) == 2 else [], 30, jobs.log
        )
        first.kill()
        queue.huey.storage.flush_all()  # the scheduled retries are gone: only the rows remain
        assert queue.huey.scheduled_count() == 0
        due = max(delivery.next_attempt_at for delivery in waiting)
        time.sleep(max(0.0, (due - utcnow()).total_seconds()) + 0.3)  # past their next attempt
        jobs.worker(**FAST)  # its sweep at start finds them due
        wait_for(lambda: len(receiver.delivered()) >= 2, 30, jobs.log)
        wait_for(lambda: recorded_delivered() == 2, 30, jobs.log)
        time.sleep(2)  # nothing more comes
        assert len(receiver.all()) == 4
        check_arrivals(receiver, admin, hook_id, approved, returned)
