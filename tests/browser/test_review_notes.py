"""Review with quality control on the phone (DESIGN §10.2, auditor side): a returned audit's
notes beside its questions, offline too; a rejected audit on My visits, with its reason."""

import pytest

from auditor.core.extensions import db
from auditor.models import Region
from tests.browser.conftest import log_in, run_axe, wait_until_offline_ready
from tests.browser.test_after_visit import server_audit, submitted, token_for
from tests.factories import UserFactory
from tests.live.conftest import call

NOTES = {
    "tidy": "The photo shows boxes in the aisle: a 2 at best.",
    "welcome": "Nobody greeted you on the staff sheet; check.",
}


@pytest.fixture
def page(phone, visit, page_errors):
    page = page_errors.watch(phone.new_page())
    log_in(page, visit.auditor.email)
    yield page
    assert page_errors == []


def review(server, visit, audit: str, body: dict) -> dict:
    """A manager of the store's region reviews the audit through the API."""
    db.session.commit()
    region = db.session.get(Region, visit.store.region_id)
    manager = UserFactory(role="manager", name="Mia Manager", regions=[region])
    token = token_for(server, manager.email)
    status, answer = call(
        server, "POST", f"/api/v1/audits/{audit}/review", token=token, json_body=body
    )
    assert status == 200, answer
    return answer


def test_a_returned_audit_shows_the_notes_beside_its_questions_offline(page, server, visit):
    audit, _ = submitted(server, token_for(server, visit.auditor.email), visit)
    body = {"decision": "return", "note": "Two answers need a second look.", "questions": NOTES}
    assert review(server, visit, audit, body)["review"]["questions"] == NOTES
    page.goto("/app")  # reads the returned audits and their checklist into the cache
    page.wait_for_selector("body[data-ready=true]")
    wait_until_offline_ready(page)
    assert page.locator("#returned-count").text_content() == "(1)"

    server.stop()  # no network from here on
    page.goto("/app/returned")
    page.wait_for_selector("body[data-ready=true]")
    card = page.locator("#returned .card")
    assert card.locator(".meta").text_content().endswith(" by Mia Manager")
    assert "Two answers need a second look." in card.locator("blockquote").text_content()
    notes = card.get_by_role("list", name="Notes on questions").locator("li")
    assert notes.all_inner_texts() == [  # in the checklist's order, each under its question
        f'Welcomed with words such as "good day"\n{NOTES["welcome"]}',
        f"Aisles clear and tidy\n{NOTES['tidy']}",
    ]
    card.get_by_role("button", name="Fix and resubmit").click()
    page.wait_for_url(f"**/app/audit?id={audit}")
    page.wait_for_selector("body[data-ready=true]")
    assert page.locator("#review-note").text_content() == (
        "Returned by your manager: Two answers need a second look. 2 questions have a note below."
    )
    for key, note in NOTES.items():
        question = page.locator(f"#q-{key}")
        assert question.locator(".reviewer").text_content() == f"Your manager: {note}"
        # read out with the question, and shown inside its block, above the answers
        assert f"rn-{key}" in question.get_attribute("aria-describedby")
        assert question.locator(".reviewer").is_visible()
    assert page.locator("#q-eye_contact .reviewer").count() == 0  # no note, nothing shown
    # after a reload without network the notes are still there: they live on the draft
    page.reload()
    page.wait_for_selector("body[data-ready=true]")
    assert page.locator("#q-tidy .reviewer").text_content() == f"Your manager: {NOTES['tidy']}"
    server.start()  # the accessibility check's script comes from the server
    assert run_axe(page) == []


def test_a_rejected_audit_shows_on_my_visits_with_its_reason_read_only(page, server, visit):
    audit, _ = submitted(server, token_for(server, visit.auditor.email), visit)
    reason = "The photos are from another store."
    assert review(server, visit, audit, {"decision": "reject", "note": reason})["status"] == (
        "rejected"
    )
    page.goto("/app")
    page.wait_for_selector("body[data-ready=true]")
    wait_until_offline_ready(page)
    server.stop()  # seen once online, it shows without a network too
    page.reload()
    page.wait_for_selector("body[data-ready=true]")
    block = page.locator("#rejected-block")
    block.wait_for()
    card = block.locator(".card")
    assert card.count() == 1
    assert card.locator("h3").inner_text().endswith("rejected")
    assert card.locator("blockquote").text_content() == f"Reason: {reason}"
    # read-only: nothing to continue, fix or resubmit
    assert card.get_by_role("button").count() == card.get_by_role("link").count() == 0
    assert "(1)" not in page.locator("#returned-count").text_content()
    assert server_audit(audit).status == "rejected"
