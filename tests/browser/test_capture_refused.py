"""Issue 11 item 7: a photo the server refuses does not hold the rest of the visit back. A
queued visit whose first photo is no image (the server's pipeline answers 415) still sends
its answers and its other photo; the refused photo shows on the outbox and on My visits with
the server's reason, the submit waits for the auditor (the server takes photos on drafts
only), and once the auditor replaces the refused photo from My visits (or deletes it) the
visit is submitted."""

from tests.api.audit_helpers import audit_body, new_uuid
from tests.api.images import jpeg
from tests.browser.conftest import log_in, wait_for
from tests.browser.queue_support import screenshot
from tests.browser.test_outbox import queue
from tests.factories import PASSWORD
from tests.live.conftest import call

ITEMS = "async () => (await AuditorStore.outboxItems()).map((i) => [i.kind, i.state, i.message])"


def server_audit(server, visit, audit) -> dict:
    body = {"email": visit.auditor.email, "password": PASSWORD}
    token = call(server, "POST", "/api/v1/auth/token", json_body=body)[1]["token"]
    status, answer = call(server, "GET", f"/api/v1/audits/{audit}", token=token)
    assert status == 200
    return answer


def queue_with_a_refused_photo(phone, visit, page_errors):
    """A phone on its outbox page that queued a visit whose first photo is no image."""
    page = page_errors.watch(phone.new_page())
    log_in(page, visit.auditor.email)
    wait_for(page, "() => navigator.serviceWorker.controller !== null")
    page.goto("/app/outbox")
    wait_for(page, "async () => !!(await AuditorStore.getMeta('session'))")
    audit, body = new_uuid(), audit_body(visit.store)
    bad, good = (new_uuid(), b"this is no image at all"), (new_uuid(), jpeg())
    report = queue(page, visit, audit, body, [bad, good])  # the refused photo goes first
    return page, audit, report, good[0]


def test_a_refused_photo_holds_back_only_the_submit(phone, server, visit, page_errors):
    page, audit, report, good = queue_with_a_refused_photo(phone, visit, page_errors)
    assert report["failed"] == 1
    items = page.evaluate(ITEMS)
    assert [(kind, state) for kind, state, _ in items] == [
        ("photo", "refused"),
        ("submit", "waiting"),
    ]
    assert items[0][2], "the server's reason is kept"
    assert items[1][2].startswith("Waits for a photo the server refused")
    # the answers and the other photo went; the audit is still a draft on the server
    on_server = server_audit(server, visit, audit)
    assert on_server["status"] == "draft"
    assert [p["uuid"] for p in on_server["photos"]] == [good]

    page.wait_for_selector("li.item.state-refused")
    refused = page.locator("li.item.state-refused")
    assert "Refused by the server" in refused.text_content()
    assert items[0][2] in refused.text_content()
    screenshot(page, "queue-7-refused-outbox.png")
    # My visits says the visit is not sent, and why
    page.goto("/app")
    page.wait_for_selector("body[data-ready=true]")
    failure = page.locator("p.failure")
    failure.wait_for()
    assert failure.text_content() == f"Not sent: {items[0][2]}"
    screenshot(page, "queue-7-refused.png")

    # the auditor drops the refused photo: the visit is submitted with the rest at once
    page.goto("/app/outbox")
    page.wait_for_selector("li.item.state-refused")
    page.on("dialog", lambda dialog: dialog.accept())
    page.locator("li.item.state-refused").get_by_role("button", name="Delete").click()
    wait_for(page, "async () => (await AuditorStore.outboxItems()).length === 0")
    on_server = server_audit(server, visit, audit)
    assert on_server["status"] == "submitted"
    assert [p["uuid"] for p in on_server["photos"]] == [good]
    assert page_errors == []


# what the page says to screen readers, one message after another (the next may follow fast)
RECORD_ANNOUNCEMENTS = """() => {
    const region = document.getElementById('announce');
    window.said = [];
    new MutationObserver(() => window.said.push(region.textContent))
        .observe(region, {childList: true, characterData: true, subtree: true});
}"""


def test_a_refused_photo_is_replaced_from_my_visits(phone, server, visit, page_errors):
    page, audit, _report, good = queue_with_a_refused_photo(phone, visit, page_errors)
    page.wait_for_selector("li.item.state-refused")
    page.goto("/app")
    page.wait_for_selector("body[data-ready=true]")
    replace = page.get_by_text("Replace photo")
    replace.wait_for()
    new = {"name": "shelf.jpg", "mimeType": "image/jpeg", "buffer": jpeg(800, 600)}
    page.evaluate(RECORD_ANNOUNCEMENTS)
    page.locator(".replace input[type=file]").set_input_files(files=[new])
    # said at the photo and to screen readers; the card itself goes once the visit is sent
    wait_for(page, "() => window.said.includes('Photo replaced: it goes with the visit.')")
    wait_for(page, "async () => (await AuditorStore.outboxItems()).length === 0")
    on_server = server_audit(server, visit, audit)
    assert on_server["status"] == "submitted"
    uuids = [p["uuid"] for p in on_server["photos"]]
    assert len(uuids) == 2
    assert good in uuids
    assert all(p["question"] == "tidy" for p in on_server["photos"])
    # the refused photo is gone from the phone, the draft with it (the visit was sent)
    assert page.evaluate("async (a) => (await AuditorStore.photosOf(a)).length", audit) == 0
    page.get_by_text("Not sent:").wait_for(state="detached")
    assert page_errors == []
