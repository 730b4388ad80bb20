"""Issue 11, item 5: on a shared phone one auditor's data is never another's. Each user sees,
sends, exports and deletes only their own items; another user's queue waits and goes under
their own token when they log in again; logging out says how many visits and drafts are
unsent; cached answers are cleared on every logout path; no token in Web Storage."""

import json
import re
import uuid

import pytest
from playwright.sync_api import expect

from auditor.core.extensions import db
from auditor.models import Audit
from tests.api.audit_helpers import audit_body, new_uuid
from tests.api.images import jpeg
from tests.browser.conftest import log_in, wait_for
from tests.browser.queue_support import EMPTY, TOKEN, open_outbox, screenshot
from tests.browser.test_outbox import queue
from tests.factories import PASSWORD, UserFactory
from tests.live.conftest import call

DRAFT = """async ({uuid, userId}) => AuditorStore.putDraft({uuid, userId, status: 'draft',
    kind: 'new', checklist: {sections: []}, location: {id: 1, name: 'Corner shop', code: 'C'},
    startedAt: new Date().toISOString(), answers: {}, staffIds: [], staffNames: [],
    serverPhotos: [], removedPhotos: []})"""
CACHED_API = """async () => {
    let n = 0;
    for (const name of await caches.keys()) {
        if (!/^auditor-(api|photos)-/.test(name)) continue;
        n += (await (await caches.open(name)).keys()).length;
    }
    return n;
}"""
WEB_STORAGE = "() => JSON.stringify({...localStorage}) + JSON.stringify({...sessionStorage})"


@pytest.fixture
def page(phone, visit, page_errors):
    page = open_outbox(phone, visit.auditor.email, page_errors)
    yield page
    assert page_errors == []


def log_in_from_login_page(page, email):
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url(re.compile(r"/app"))
    page.wait_for_selector("body[data-ready=true]")


@pytest.fixture
def bea(app, visit):
    """A second auditor, made before the phone starts writing to the database."""
    user = UserFactory(role="auditor", name="Bea Auditor")
    db.session.commit()
    return user


def test_another_auditor_never_sees_sends_or_deletes_my_queue(bea, page, server, visit):
    ada = visit.auditor
    assert page.evaluate(CACHED_API) > 0  # Ada's lists, cached for offline
    # Ada's token dies (logged out elsewhere) with a visit queued, and her session lapses
    token = wait_for(page, TOKEN)
    assert call(server, "DELETE", "/api/v1/auth/token", token=token)[0] == 204
    audit = new_uuid()
    queue(page, visit, audit, audit_body(visit.store), [(new_uuid(), jpeg())])
    page.evaluate(DRAFT, {"uuid": new_uuid(), "userId": ada.id})
    page.context.clear_cookies()

    page.goto("/app")
    page.wait_for_url(re.compile(r"/login"))
    wait_for(page, f"async () => ({CACHED_API})() .then((n) => n === 0)")  # nothing of Ada's
    log_in_from_login_page(page, bea.email)
    assert "Corner shop" not in page.locator("#drafts").text_content()
    page.goto("/app/outbox")
    page.wait_for_selector("body[data-ready=true]")
    expect(page.get_by_text("Nothing waiting")).to_be_visible()
    expect(page.locator("#outbox-count")).to_be_hidden()
    with page.expect_download() as download:
        page.get_by_role("button", name="Export to a file").click()
    exported = json.loads(download.value.path().read_text(encoding="utf-8"))
    assert exported["items"] == []
    assert exported["drafts"] == []
    assert exported["photos"] == []
    # Ada's queue is still on the phone, untouched, and no token sits in Web Storage
    assert page.evaluate("async () => (await AuditorStore.outboxItems()).length") == 3
    bea_token = wait_for(page, TOKEN)
    assert bea_token not in page.evaluate(WEB_STORAGE)
    assert token not in page.evaluate(WEB_STORAGE)
    screenshot(page, "queue-5-other-user.png")

    page.goto("/app/settings")
    page.wait_for_selector("body[data-ready=true]")
    page.get_by_role("button", name="Log out").click()  # Bea has nothing unsent: no question
    page.wait_for_url(re.compile(r"/login"))
    log_in_from_login_page(page, ada.email)
    # Ada's visit goes under her own new token, at once
    wait_for(page, EMPTY, timeout=30)
    db.session.commit()  # a new read: what the server wrote since
    sent = db.session.get(Audit, uuid.UUID(audit))
    assert sent.status == "submitted"
    assert sent.auditor_id == ada.id


def test_logging_out_counts_unsent_visits_and_drafts(page, server, visit):
    for _ in range(2):  # two visits the server refuses: unsent, three items each
        body = audit_body(visit.store, location_id=999_999)
        queue(page, visit, new_uuid(), body, [(new_uuid(), jpeg())])
    page.evaluate(DRAFT, {"uuid": new_uuid(), "userId": visit.auditor.id})
    page.goto("/app/settings")
    page.wait_for_selector("body[data-ready=true]")
    warning = page.locator("#logout-warning")
    assert "2 visits not sent and 1 draft" in warning.text_content()
    warning.scroll_into_view_if_needed()
    screenshot(page, "queue-5.png")
    asked = []

    def dismiss(dialog):
        asked.append(dialog.message)
        dialog.dismiss()

    page.once("dialog", dismiss)
    page.get_by_role("button", name="Log out").click()
    page.wait_for_timeout(300)
    assert len(asked) == 1
    assert "2 visits not sent and 1 draft" in asked[0]
    assert page.url.endswith("/app/settings")  # not logged out
    assert page.evaluate(TOKEN)

    page.once("dialog", lambda dialog: dialog.accept())
    page.get_by_role("button", name="Log out").click()
    page.wait_for_url(re.compile(r"/login"))
    assert page.evaluate(CACHED_API) == 0
    log_in(page, visit.auditor.email)  # everything is still there for its auditor
    assert page.evaluate("async () => (await AuditorStore.outboxItems()).length") == 6
