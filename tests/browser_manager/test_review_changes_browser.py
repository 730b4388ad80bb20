"""The reviewer's "what changed" view in a real browser: return an audit with notes, the
auditor resubmits it, the queue marks it and its page opens on what changed."""

import re

import pytest
from playwright.sync_api import expect

from auditor.core.extensions import db
from auditor.models import Audit
from tests.browser_manager.conftest import log_in
from tests.conftest import ApiClient
from tests.web.review_helpers import auditor_client, resubmit, visit


@pytest.fixture
def auditor(app) -> ApiClient:
    return auditor_client(app)


def test_the_reviewer_sees_what_changed_since_the_return(browse, world, auditor):
    audit_id = visit(auditor, world)
    email = world.manager_a.email

    def return_it(page):
        log_in(page, email, f"/manager/audits/{audit_id}")
        expect(page.get_by_text("What changed since you returned it")).to_have_count(0)
        row = page.locator("tr", has_text="thanked")  # the goodbye question's row
        row.get_by_text("Note or correct").click()
        row.get_by_label(re.compile("when returning")).fill("Were you thanked at the till?")
        page.get_by_label("Note to the auditor").fill("Check the goodbye.")
        page.get_by_role("button", name="Return with note").click()
        expect(page.locator(".flash-info")).to_contain_text("Returned to the auditor")

    browse(return_it)
    db.session.commit()  # end the test's read snapshot: the server wrote meanwhile
    returned = db.session.get(Audit, audit_id)
    assert returned.review_questions == {"thanked_goodbye": "Were you thanked at the till?"}
    thanked = {"thanked_goodbye": {"value": True, "comment": "Thanked by Jo."}}
    resubmit(auditor, world, audit_id, thanked)

    def read_changes(page):
        log_in(page, email, "/manager/review")
        row = page.locator("tr", has=page.locator(f"a[href='/manager/audits/{audit_id}']"))
        expect(row.locator(".resubmission")).to_have_text("resubmitted")
        row.locator(f"a[href='/manager/audits/{audit_id}']").click()
        heading = page.get_by_role("heading", name="What changed since you returned it")
        expect(heading).to_be_in_viewport()
        changes = page.locator("table.changes tbody tr")
        expect(changes).to_have_count(1)
        expect(changes.locator("td.before")).to_contain_text("no")
        expect(changes.locator("td.before")).to_contain_text("No goodbye at the till.")
        expect(changes.locator("td.after")).to_contain_text("yes")
        expect(changes.locator("td.after")).to_contain_text("Thanked by Jo.")
        notes = page.locator(".returned-notes")
        expect(notes).to_contain_text("Check the goodbye.")
        expect(notes).to_contain_text("Were you thanked at the till?")
        # beside each other on a laptop: the notes start level with the changes
        table_box = page.locator("table.changes").bounding_box()
        notes_box = notes.bounding_box()
        assert notes_box["x"] > table_box["x"] + table_box["width"] - 1
        page.get_by_role("button", name="Approve").click()
        expect(page.locator(".flash-info")).to_contain_text("Approved: Altona Flagship")

    browse(read_changes)
    db.session.commit()
    assert db.session.get(Audit, audit_id).status == "approved"
