"""The admin's decision on a dispute in a real browser (DESIGN §10.4): the open dispute with the
answer, the photos and the comment side by side; upholding with the corrected value rescores
the audit, which the store's manager then reads marked as disputed."""

from playwright.sync_api import expect

from auditor.core.extensions import db
from auditor.models import Audit, Dispute
from tests.browser_manager.conftest import log_in
from tests.conftest import ApiClient, token_for
from tests.factories import UserFactory
from tests.web.review_helpers import auditor_client, visit


def client_for(app, user) -> ApiClient:
    api_client = app.test_client()
    return ApiClient(api_client, token_for(api_client, user.email), user)


def test_the_admin_upholds_a_dispute_side_by_side(app, browse, world):
    auditor = auditor_client(app)
    audit_id = visit(auditor, world)
    admin = client_for(app, world.admin)
    approve = admin.post(f"/api/v1/audits/{audit_id}/review", json={"decision": "approve"})
    assert approve.status_code == 200
    lead = UserFactory(role="staff", name="Lea Lead", location_id=world.store_a.id, lead=True)
    opened = client_for(app, lead).post(
        f"/api/v1/audits/{audit_id}/disputes",
        json={"question": "music_db", "comment": "Our meter read 60 dB."},
    )
    assert opened.status_code == 201, opened.get_json()
    dispute_id = opened.get_json()["id"]
    db.session.commit()
    # read now: the browser's thread has no app context to load them in
    admin_email, manager_email = world.admin.email, world.manager_a.email

    def uphold(page):
        log_in(page, admin_email, "/admin/disputes")
        case = page.locator(f"#dispute-{dispute_id}")
        expect(case).to_contain_text("Our meter read 60 dB.")
        expect(case).to_contain_text("Lea Lead")
        expect(case.locator(".answer")).to_contain_text("70 dB")
        # the answer and the dispute side by side on a laptop
        answer_box = case.get_by_role("heading", name="The audit's answer").bounding_box()
        dispute_box = case.get_by_role("heading", name="The dispute").bounding_box()
        assert abs(answer_box["y"] - dispute_box["y"]) < 2
        assert dispute_box["x"] > answer_box["x"] + answer_box["width"]
        case.get_by_label("Corrected answer").fill("60")
        case.locator("form.uphold").get_by_label("Note").fill("The photo agrees.")
        case.get_by_role("button", name="Uphold").click()
        expect(page.locator(".flash-info")).to_contain_text("now scores 79.0")
        expect(page.get_by_text("No open disputes.")).to_be_visible()

    browse(uphold)
    db.session.commit()  # end the test's read snapshot: the server wrote meanwhile
    assert db.session.get(Dispute, dispute_id).status == "upheld"
    assert db.session.get(Audit, audit_id).score_overall == 78.984375

    def read_as_manager(page):
        log_in(page, manager_email, f"/manager/audits/{audit_id}")
        expect(page.locator("a.disputed")).to_have_text("disputed")
        expect(page.locator("#disputes")).to_contain_text("upheld by Ada Admin: The photo agrees.")

    browse(read_as_manager)
