"""Webhooks through the API (DESIGN §10.7), with the queue in immediate mode: registration,
who may, which URLs are refused, and what a real receiver gets for each event."""

from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import select

from auditor.core.errors import Conflict
from auditor.core.extensions import db
from auditor.models import WebhookDelivery, utcnow
from auditor.notify import events, webhook_delivery
from tests.api.action_helpers import FAILING
from tests.api.dispute_helpers import approved_audit, cast_of, decide, dispute
from tests.api.review_helpers import submitted
from tests.conftest import problem_of
from tests.webhooks.receiver import receiving

SECRET = "s3cret-for-tests"
EVENTS = ["audit.submitted", "audit.approved", "audit.returned", "audit.rejected"]


@pytest.fixture
def private_ok(app):
    """Let webhooks reach 127.0.0.1, where the test's receiver listens."""
    app.config["WEBHOOK_ALLOW_PRIVATE"] = True


def register(admin, url: str, events=EVENTS, secret=SECRET):
    return admin.post("/api/v1/webhooks", json={"url": url, "events": events, "secret": secret})


def test_an_admin_registers_reads_lists_and_deletes_a_webhook(admin, private_ok):
    created = register(admin, "http://127.0.0.1:9/hook", ["audit.approved", "audit.submitted"])
    assert created.status_code == 201, created.get_json()
    body = created.get_json()
    # the documented shape, events in the documented order; the secret is never shown
    assert {k: body[k] for k in ("url", "events", "active")} == {
        "url": "http://127.0.0.1:9/hook",
        "events": ["audit.submitted", "audit.approved"],
        "active": True,
    }
    assert "secret" not in body
    one = admin.get(f"/api/v1/webhooks/{body['id']}")
    assert one.status_code == 200
    assert one.get_json() == body
    listed = admin.get("/api/v1/webhooks").get_json()
    assert [item["id"] for item in listed["items"]] == [body["id"]]
    assert "secret" not in listed["items"][0]
    assert admin.delete(f"/api/v1/webhooks/{body['id']}").status_code == 204
    assert admin.get(f"/api/v1/webhooks/{body['id']}").status_code == 404
    assert admin.get("/api/v1/webhooks").get_json()["items"] == []


@pytest.mark.parametrize("role", ["manager", "auditor", "staff"])
def test_only_admins_may_touch_webhooks(login_as, admin, role, private_ok):
    hook = register(admin, "http://127.0.0.1:9/hook").get_json()
    other = login_as(role)
    assert problem_of(register(other, "http://127.0.0.1:9/other"))["status"] == 403
    assert other.get("/api/v1/webhooks").status_code == 403
    assert other.get(f"/api/v1/webhooks/{hook['id']}").status_code == 403
    assert other.get(f"/api/v1/webhooks/{hook['id']}/deliveries").status_code == 403
    assert other.post(f"/api/v1/webhooks/{hook['id']}/test").status_code == 403
    assert other.delete(f"/api/v1/webhooks/{hook['id']}").status_code == 403
    assert len(admin.get("/api/v1/webhooks").get_json()["items"]) == 1


@pytest.mark.parametrize(
    ("url", "events", "secret", "field"),
    [
        ("ftp://example.com/hook", EVENTS, SECRET, "url"),
        ("file:///etc/passwd", EVENTS, SECRET, "url"),
        ("http:///no-host", EVENTS, SECRET, "url"),
        ("http://user:pw@example.com/hook", EVENTS, SECRET, "url"),
        ("http://example.com:99999/hook", EVENTS, SECRET, "url"),
        ("https://example.com/" + "x" * 2000, EVENTS, SECRET, "url"),
        ("https://example.com/hook", ["audit.deleted"], SECRET, "events"),
        ("https://example.com/hook", [], SECRET, "events"),
        ("https://example.com/hook", EVENTS, "", "secret"),
        ("https://example.com/hook", EVENTS, None, "secret"),
    ],
)
def test_bad_registrations_answer_422_and_change_nothing(
    admin, private_ok, url, events, secret, field
):
    response = register(admin, url, events, secret)
    assert response.status_code == 422, response.get_json()
    assert field in str(problem_of(response)["errors"])
    assert admin.get("/api/v1/webhooks").get_json()["items"] == []


@pytest.mark.parametrize(
    "url",
    [
        "http://127.0.0.1:8080/hook",
        "http://localhost/hook",
        "http://10.1.2.3/hook",
        "http://192.168.0.10/hook",
        "http://169.254.169.254/latest/meta-data",  # cloud metadata: link-local
        "http://[::1]/hook",
        "http://[::ffff:127.0.0.1]/hook",
        "http://0.0.0.0/hook",
        "http://100.64.0.1/hook",  # shared address space
    ],
)
def test_loopback_and_private_targets_are_refused_in_production(admin, url):
    response = register(admin, url)
    assert response.status_code == 422, response.get_json()
    assert "url" in problem_of(response)["errors"]
    assert admin.get("/api/v1/webhooks").get_json()["items"] == []


def test_webhook_allow_private_lets_a_loopback_target_through(app, admin):
    assert register(admin, "http://127.0.0.1:8080/hook").status_code == 422
    app.config["WEBHOOK_ALLOW_PRIVATE"] = True
    assert register(admin, "http://127.0.0.1:8080/hook").status_code == 201


def test_each_event_reaches_the_receiver_once_signed_with_the_audit_as_its_get_shows_it(
    app, admin, auditor, store, login_as, private_ok
):
    manager = login_as("manager", regions=[])
    with receiving() as receiver:
        hook = register(admin, receiver.url).get_json()
        approved_id = submitted(auditor, store)
        returned_id = submitted(auditor, store)
        as_submitted = admin.get(f"/api/v1/audits/{approved_id}").get_json()
        review = f"/api/v1/audits/{approved_id}/review"
        assert admin.post(review, json={"decision": "approve"}).status_code == 200
        returned = admin.post(
            f"/api/v1/audits/{returned_id}/review", json={"decision": "return", "note": "Fix."}
        )
        assert returned.status_code == 200
        as_approved = admin.get(f"/api/v1/audits/{approved_id}").get_json()
        arrived = receiver.all()
    assert manager.get("/api/v1/webhooks").status_code == 403
    assert [(r.json["type"], r.json["data"]["uuid"]) for r in arrived] == [
        ("audit.submitted", approved_id),
        ("audit.submitted", returned_id),
        ("audit.approved", approved_id),
        ("audit.returned", returned_id),
    ]
    for received in arrived:
        assert received.signed_by(SECRET)
        assert not received.signed_by("another secret")
        assert received.headers["X-Auditor-Event"] == received.json["type"]
        assert set(received.json) == {"id", "type", "created_at", "data"}
        assert received.headers["Content-Type"] == "application/json"
    # data: the audit exactly as GET /api/v1/audits/<uuid> showed it at that moment
    assert arrived[0].json["data"] == as_submitted
    assert arrived[2].json["data"] == as_approved
    assert len({r.json["id"] for r in arrived}) == 4
    log = admin.get(f"/api/v1/webhooks/{hook['id']}/deliveries").get_json()["items"]
    assert [(d["event"], d["attempts"], d["status_code"], d["next_attempt_at"]) for d in log] == [
        ("audit.returned", 1, 200, None),
        ("audit.approved", 1, 200, None),
        ("audit.submitted", 1, 200, None),
        ("audit.submitted", 1, 200, None),
    ]
    assert all(d["delivered_at"] for d in log)
    delivery_ids = sorted(int(r.headers["X-Auditor-Delivery"]) for r in arrived)
    assert delivery_ids == sorted(d["id"] for d in log)


def test_only_the_events_a_webhook_chose_reach_it(admin, auditor, store, private_ok):
    with receiving() as receiver:
        register(admin, receiver.url, ["audit.approved"])
        audit_id = submitted(auditor, store)
        admin.post(f"/api/v1/audits/{audit_id}/review", json={"decision": "reject", "note": "No."})
        assert receiver.all() == []


def test_a_failed_attempt_is_logged_with_its_status_and_next_attempt(
    app, admin, auditor, store, private_ok
):
    with receiving([503]) as receiver:
        hook = register(admin, receiver.url, ["audit.submitted"]).get_json()
        submitted(auditor, store)
        assert len(receiver.all()) == 1
    (delivery,) = admin.get(f"/api/v1/webhooks/{hook['id']}/deliveries").get_json()["items"]
    assert delivery["attempts"] == 1
    assert delivery["status_code"] == 503
    assert delivery["delivered_at"] is None
    assert delivery["status"] == "pending"
    row = db.session.scalar(select(WebhookDelivery))
    waited = (row.next_attempt_at - row.created_at).total_seconds()
    assert 29 <= waited <= 35  # WEBHOOK_RETRY_BASE_SECONDS (30) x 2^0 after the first failure


def test_the_test_button_sends_a_signed_test_event(admin, private_ok):
    with receiving() as receiver:
        hook = register(admin, receiver.url, ["audit.approved"]).get_json()
        response = admin.post(f"/api/v1/webhooks/{hook['id']}/test")
        assert response.status_code == 202, response.get_json()
        (arrived,) = receiver.all()
    assert arrived.json["type"] == "webhook.test"
    assert arrived.headers["X-Auditor-Event"] == "webhook.test"
    assert arrived.json["data"]["webhook_id"] == hook["id"]
    assert arrived.signed_by(SECRET)
    assert response.get_json()["id"] == int(arrived.headers["X-Auditor-Delivery"])


@pytest.fixture
def refusing_approvals():
    """A subscriber after the webhooks' that refuses every approval: the request rolls back
    after the event was published and its delivery stored."""

    def refuse(event_type, refs):
        raise Conflict("Refused by the test, after the webhooks recorded the event.")

    events.subscriber("audit.approved")(refuse)
    yield
    events._subscribers["audit.approved"].remove(refuse)


def test_a_request_that_rolls_back_after_the_event_announces_nothing(
    admin, auditor, store, private_ok, refusing_approvals
):
    with receiving() as receiver:
        register(admin, receiver.url, ["audit.approved"])
        audit_id = submitted(auditor, store)
        refused = admin.post(f"/api/v1/audits/{audit_id}/review", json={"decision": "approve"})
        assert refused.status_code == 409
        assert receiver.all() == []
    assert db.session.scalar(select(WebhookDelivery)) is None
    assert admin.get(f"/api/v1/audits/{audit_id}").get_json()["status"] == "submitted"


def test_unknown_webhooks_answer_404(admin):
    assert admin.get("/api/v1/webhooks/999").status_code == 404
    assert admin.get("/api/v1/webhooks/999/deliveries").status_code == 404
    assert admin.post("/api/v1/webhooks/999/test").status_code == 404
    assert admin.delete("/api/v1/webhooks/999").status_code == 404


def test_actions_and_disputes_arrive_as_their_gets_show_them(
    admin, auditor, store, login_as, private_ok
):
    cast = cast_of(login_as, store, auditor)
    with receiving() as receiver:
        events = ["action.opened", "dispute.opened", "dispute.settled"]
        register(admin, receiver.url, events)
        audit_id = approved_audit(cast, store, answers=FAILING)  # a critical failure: an action
        opened = dispute(cast.lead, audit_id)
        assert opened.status_code == 201, opened.get_json()
        dispute_id = opened.get_json()["id"]
        as_opened = admin.get(f"/api/v1/disputes/{dispute_id}").get_json()
        assert (
            decide(admin, dispute_id, decision="reject", note="The meter says 80.").status_code
            == 200
        )
        as_settled = admin.get(f"/api/v1/disputes/{dispute_id}").get_json()
        arrived = receiver.all()
    types = [r.json["type"] for r in arrived]
    assert types[-2:] == ["dispute.opened", "dispute.settled"]
    assert set(types[:-2]) == {"action.opened"}
    actions = [r.json["data"] for r in arrived[:-2]]
    for action in actions:
        assert action == admin.get(f"/api/v1/actions/{action['id']}").get_json()
        assert action["audit_uuid"] == audit_id
    assert arrived[-2].json["data"] == as_opened
    assert arrived[-1].json["data"] == as_settled
    assert all(r.signed_by(SECRET) for r in arrived)


def readme_verifier():
    """The receiver's five lines from the README, run as they are written there."""
    readme = (Path(__file__).resolve().parents[2] / "README.md").read_text()
    block = next(b for b in readme.split("```python\n")[1:] if "def verified" in b)
    namespace: dict = {}
    exec(block.split("```")[0], namespace)  # our own README's example
    return namespace["verified"]


def test_the_readme_s_five_lines_verify_a_real_delivery(admin, private_ok):
    verified = readme_verifier()
    with receiving() as receiver:
        hook = register(admin, receiver.url, ["audit.approved"]).get_json()
        admin.post(f"/api/v1/webhooks/{hook['id']}/test")
        (arrived,) = receiver.all()
    header = arrived.headers["X-Auditor-Signature"]
    assert verified(SECRET, arrived.body, header)
    assert not verified("wrong", arrived.body, header)
    assert not verified(SECRET, arrived.body + b" ", header)


def due_now(delivery_id: int) -> None:
    delivery = db.session.get(WebhookDelivery, delivery_id)
    delivery.next_attempt_at = utcnow() - timedelta(seconds=1)
    db.session.commit()


def test_backoff_doubles_and_the_last_attempt_fails_the_delivery(app, admin, private_ok):
    app.config["WEBHOOK_ATTEMPTS"] = 3
    with receiving([500, 502, 503, 200]) as receiver:
        hook = register(admin, receiver.url, ["audit.approved"]).get_json()
        delivery_id = admin.post(f"/api/v1/webhooks/{hook['id']}/test").get_json()["id"]
        waits = []
        for _ in range(2):
            row = db.session.get(WebhookDelivery, delivery_id)
            db.session.refresh(row)
            waits.append(round((row.next_attempt_at - utcnow()).total_seconds()))
            due_now(delivery_id)
            # the minute sweep finds it due and sends it (immediate mode: right here)
            assert webhook_delivery.sweep_deliveries.call_local() == 1
        assert [r.answered for r in receiver.all()] == [500, 502, 503]
    assert waits in ([30, 60], [29, 59], [30, 59], [29, 60])  # base 30 x 2^(attempt - 1)
    (logged,) = admin.get(f"/api/v1/webhooks/{hook['id']}/deliveries").get_json()["items"]
    assert (logged["status"], logged["attempts"], logged["status_code"]) == ("failed", 3, 503)
    assert logged["next_attempt_at"] is None
    assert webhook_delivery.sweep_deliveries.call_local() == 0  # nothing due any more


def test_a_delivery_is_sent_once_however_often_its_job_runs(admin, private_ok):
    with receiving([500]) as receiver:
        hook = register(admin, receiver.url, ["audit.approved"]).get_json()
        delivery_id = admin.post(f"/api/v1/webhooks/{hook['id']}/test").get_json()["id"]
        due_now(delivery_id)
        # the scheduled retry, the sweep and a second worker may all run it: one attempt
        for _ in range(3):
            webhook_delivery.deliver.call_local(delivery_id)
        assert [r.answered for r in receiver.all()] == [500, 200]
    assert db.session.get(WebhookDelivery, delivery_id).attempts == 2
