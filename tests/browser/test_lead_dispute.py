"""A store's lead disputes a result on their phone (DESIGN §10.4): the store's approved audits
on a phone-sized page, other staff members' names hidden, a dispute with a comment and a photo
sent from the question's form."""

import re

from playwright.sync_api import expect
from sqlalchemy import select

from auditor.core.extensions import db
from auditor.models import Dispute
from tests.api.audit_helpers import published_store
from tests.api.dispute_helpers import approved_audit, cast_of
from tests.browser.conftest import PHONE, photo_jpeg, run_axe
from tests.chromium import submit_login
from tests.factories import UserFactory


def test_a_lead_disputes_a_question_on_a_phone(browser, server, login_as, page_errors, tmp_path):
    store = published_store()
    cast = cast_of(login_as, store, login_as("auditor", name="Otto Auditor"))
    colleague = UserFactory(role="staff", name="Kim Colleague", location_id=store.location_id)
    audit_id = approved_audit(cast, store, staff_ids=[cast.lead.user.id, colleague.id])
    db.session.commit()
    evidence = tmp_path / "meter.jpg"
    evidence.write_bytes(photo_jpeg(1600, 1200, (40, 160, 90)))

    context = browser.new_context(base_url=server.base, **PHONE)
    context.set_default_timeout(30_000)
    page = page_errors.watch(context.new_page())
    try:
        page.goto("/login?next=/lead")
        submit_login(page, cast.lead.user.email, "correct-horse")
        page.wait_for_url("**/lead")
        page.get_by_role("link", name=re.compile(r"\d{4}-\d{2}-\d{2}")).first.click()
        page.wait_for_url(f"**/lead/audits/{audit_id}")
        expect(page.get_by_text("Kim Colleague")).to_have_count(0)
        expect(page.get_by_text("Otto Auditor")).to_have_count(0)
        expect(page.locator(".score")).to_contain_text("74.3")
        # phone-friendly: nothing wider than the screen
        assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["viewport"]["width"]
        assert run_axe(page) == []
        music = page.locator("#q-music_db")
        music.get_by_text("Dispute", exact=True).click()
        music.get_by_label("What is wrong with this result?").fill("Our meter read 60 dB.")
        music.get_by_label("Photo (optional)").set_input_files(str(evidence))
        music.get_by_role("button", name="Send dispute").click()
        expect(page.locator(".flash-info")).to_contain_text("Dispute sent")
        expect(page.locator("#q-music_db .dispute-open")).to_contain_text("Our meter read 60 dB.")
        expect(page.locator("#q-music_db details.dispute-form")).to_have_count(0)
        assert run_axe(page) == []
    finally:
        context.close()
    assert page_errors == []
    db.session.commit()  # the server wrote meanwhile
    dispute = db.session.scalars(select(Dispute)).one()
    assert (dispute.question_key, dispute.status, dispute.opened_by_id) == (
        "music_db",
        "open",
        cast.lead.user.id,
    )
    assert dispute.photo is not None
    assert (dispute.photo.width, dispute.photo.height) == (1600, 1200)
