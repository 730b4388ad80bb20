"""After the visit: fixing a returned audit (with the manager's note, photos replaced) and
recording the follow-up answers, both through the outbox."""

from uuid import UUID

import pytest
from sqlalchemy import func, select

from auditor.core.extensions import db
from auditor.models import Audit, AuditLogEntry, Region
from tests.api.audit_helpers import FULL_OVERALL, audit_body, new_uuid
from tests.api.images import jpeg
from tests.browser.conftest import log_in, photo_jpeg, wait_for
from tests.factories import PASSWORD, UserFactory
from tests.live.conftest import call


def token_for(server, email):
    body = {"email": email, "password": PASSWORD}
    status, answer = call(server, "POST", "/api/v1/auth/token", json_body=body)
    assert status == 200
    return answer["token"]


def submitted(server, token, visit) -> tuple[str, str]:
    audit, photo = new_uuid(), new_uuid()
    body = audit_body(visit.store, assignment_id=None)
    assert call(server, "PUT", f"/api/v1/audits/{audit}", token=token, json_body=body)[0] == 201
    path = f"/api/v1/audits/{audit}/photos/{photo}?question=tidy"
    assert call(server, "PUT", path, token=token, data=jpeg(), content_type="image/jpeg")[0] == 201
    assert call(server, "POST", f"/api/v1/audits/{audit}/submit", token=token)[0] == 200
    return audit, photo


def server_audit(uuid: str) -> Audit:
    db.session.commit()  # a fresh snapshot
    return db.session.scalar(select(Audit).where(Audit.id == UUID(uuid)))


@pytest.fixture
def page(phone, visit, page_errors):
    page = page_errors.watch(phone.new_page())
    log_in(page, visit.auditor.email)
    yield page
    assert page_errors == []


def test_a_returned_audit_is_fixed_on_the_phone_and_submitted_again(page, server, visit):
    token = token_for(server, visit.auditor.email)
    audit, old_photo = submitted(server, token, visit)
    follow_up = {"answers": [{"question": "feedback_requested", "value": True}]}
    path = f"/api/v1/audits/{audit}/post-visit"
    assert call(server, "PATCH", path, token=token, json_body=follow_up)[0] == 200
    db.session.commit()
    manager = UserFactory(role="manager", regions=[db.session.get(Region, visit.store.region_id)])
    review = {"decision": "return", "note": "Tidy looks like a 2 on the photo; retake it."}
    path = f"/api/v1/audits/{audit}/review"
    assert (
        call(server, "POST", path, token=token_for(server, manager.email), json_body=review)[0]
        == 200
    )

    page.goto("/app")
    page.wait_for_selector("body[data-ready=true]")
    assert page.locator("#returned-count").text_content() == "(1)"
    page.get_by_role("link", name="Returned audits").click()
    page.wait_for_selector("body[data-ready=true]")
    assert "retake it" in page.locator("#returned").text_content()
    page.get_by_role("button", name="Fix and resubmit").click()
    page.wait_for_url(f"**/app/audit?id={audit}")
    page.wait_for_selector("body[data-ready=true]")
    assert (
        "Returned by your manager: Tidy looks like a 2"
        in page.locator("#review-note").text_content()
    )
    tidy = page.locator("#q-tidy")
    assert tidy.get_by_role("radio", name="3", exact=True).is_checked()  # the answers came along
    tidy.get_by_role("radio", name="2", exact=True).check()
    tidy.locator(".thumbs img").first.wait_for()
    tidy.get_by_role("button", name="Delete photo 1 of 1").click()
    page.locator("#photo-tidy").set_input_files(
        files=[
            {
                "name": "retake.jpg",
                "mimeType": "image/jpeg",
                "buffer": photo_jpeg(800, 600, (9, 9, 9)),
            }
        ]
    )
    tidy.get_by_role("button", name="Delete photo 1 of 1").wait_for()
    page.get_by_role("link", name="Review and submit").click()
    page.wait_for_selector("body[data-ready=true]")
    page.get_by_role("button", name="Submit").click()
    page.wait_for_url("**/app?queued=*")
    wait_for(page, "async () => (await AuditorStore.outboxItems()).length === 0", timeout=30)

    fixed = server_audit(audit)
    assert fixed.status == "submitted"
    answers = {a.question_key: a.value for a in fixed.answers}
    assert answers["tidy"] == 2
    assert answers["feedback_requested"] is True  # the follow-up answer given before stays
    assert [str(p.id) for p in fixed.photos] != [old_photo]
    assert [p.question_key for p in fixed.photos] == ["tidy"]


def test_follow_up_answers_are_recorded_after_the_visit(page, server, visit):
    token = token_for(server, visit.auditor.email)
    audit, _ = submitted(server, token, visit)
    page.get_by_role("link", name="Follow-up answers").click()
    page.wait_for_selector("body[data-ready=true]")
    page.get_by_role("link", name="Answer follow-up").click()
    page.wait_for_selector("body[data-ready=true]")
    form = page.locator("#followup")
    form.locator("#q-feedback_requested").get_by_role("radio", name="Yes").check()
    for key in ("manager_response_hours", "apology_accommodation"):
        form.locator(f"#q-{key}").get_by_role("checkbox", name="Not applicable").check()
    form.locator("#q-billing_courteous").get_by_role("radio", name="5").check()
    form.get_by_role("button", name="Save follow-up").dblclick()  # a double tap saves once
    page.get_by_text("Sent.", exact=True).wait_for()
    wait_for(page, "async () => (await AuditorStore.outboxItems()).length === 0")
    db.session.commit()
    logged = select(func.count()).where(AuditLogEntry.action == "audit.post_visit")
    assert db.session.scalar(logged) == 1

    recorded = server_audit(audit)
    answers = {a.question_key: (a.value, a.na) for a in recorded.answers}
    assert answers["feedback_requested"] == (True, False)
    assert answers["manager_response_hours"] == (None, True)
    assert answers["billing_courteous"] == (5, False)
    assert recorded.score_overall == pytest.approx(FULL_OVERALL)
