"""The outbox in the browser: a lost submit answer is done, real conflicts and refusals show
as failed with the server's message, retry and delete work (also while sending), everything
exports to a file, and its checks with the server never read a cached answer."""

import base64
import json

import pytest

from tests.api.audit_helpers import audit_body, new_uuid
from tests.api.images import jpeg
from tests.browser.conftest import log_in, outbox_size, wait_for
from tests.factories import PASSWORD
from tests.live.conftest import call

QUEUE_VISIT = """async ({audit, userId, body, photos}) => {
    for (const photo of photos) {
        const bytes = Uint8Array.from(atob(photo.data), (c) => c.charCodeAt(0));
        await AuditorStore.putPhoto({uuid: photo.uuid, audit, question: photo.question,
            blob: new Blob([bytes], {type: 'image/jpeg'}), createdAt: new Date().toISOString()});
    }
    const checklist = {sections: []};
    await AuditorStore.putDraft({uuid: audit, userId, status: 'queued', kind: 'new', checklist,
        location: {id: body.location_id, name: 'Store', code: 'S'}, startedAt: body.started_at,
        answers: {}, staffIds: [], staffNames: [], serverPhotos: [], removedPhotos: []});
    await AuditorOutbox.enqueueVisit({audit, userId, title: 'Store (S)', body,
        photos: photos.map((p) => ({uuid: p.uuid, question: p.question})), removals: []});
    // a pass the page began itself (a read's nudge) may hold the outbox: wait for it, then send
    let report = await AuditorOutbox.flush({force: true});
    while (report.busy) {
        await navigator.locks.request('auditor-outbox', async () => {});
        report = await AuditorOutbox.flush({force: true});
    }
    return report;
}"""


@pytest.fixture
def outbox_page(phone, visit, page_errors):
    page = page_errors.watch(phone.new_page())
    log_in(page, visit.auditor.email)
    # the service worker first takes over the page it was installed from: a page opened while
    # it installs may stay uncontrolled (its claim can miss a navigation in flight)
    wait_for(page, "() => navigator.serviceWorker.controller !== null")
    page.goto("/app/outbox")
    wait_for(page, "() => navigator.serviceWorker.controller !== null")
    wait_for(page, "async () => !!(await AuditorStore.getMeta('session'))")
    return page


@pytest.fixture
def token(server, visit):
    status, body = call(
        server,
        "POST",
        "/api/v1/auth/token",
        json_body={"email": visit.auditor.email, "password": PASSWORD},
    )
    assert status == 200
    return body["token"]


def queue(page, visit, audit, body, photos):
    photos = [
        {"uuid": uuid, "question": "tidy", "data": base64.b64encode(data).decode()}
        for uuid, data in photos
    ]
    arg = {"audit": audit, "userId": visit.auditor.id, "body": body, "photos": photos}
    return page.evaluate(QUEUE_VISIT, arg)


def submit_on_server(server, token, audit, body, photos):
    assert call(server, "PUT", f"/api/v1/audits/{audit}", token=token, json_body=body)[0] == 201
    for uuid, data in photos:
        path = f"/api/v1/audits/{audit}/photos/{uuid}?question=tidy"
        status, _ = call(server, "PUT", path, token=token, data=data, content_type="image/jpeg")
        assert status == 201
    assert call(server, "POST", f"/api/v1/audits/{audit}/submit", token=token)[0] == 200


def test_a_submit_whose_answer_was_lost_counts_as_sent(outbox_page, server, token, visit):
    audit, photo = new_uuid(), (new_uuid(), jpeg())
    body = audit_body(visit.store)
    submit_on_server(server, token, audit, body, [photo])  # the phone never heard back
    report = queue(outbox_page, visit, audit, body, [photo])
    assert report["failed"] == 0
    assert outbox_size(outbox_page) == 0
    sent = outbox_page.evaluate("async () => AuditorStore.getMeta('sent')")
    assert [entry["uuid"] for entry in sent] == [audit]
    assert outbox_page.evaluate("async (a) => AuditorStore.getDraft(a)", audit) is None
    _status, server_audit = call(server, "GET", f"/api/v1/audits/{audit}", token=token)
    assert server_audit["status"] == "submitted"
    assert len(server_audit["photos"]) == 1


def test_a_real_conflict_shows_as_failed_and_can_be_deleted(outbox_page, server, token, visit):
    audit, kept, extra = new_uuid(), (new_uuid(), jpeg()), (new_uuid(), jpeg(640, 480))
    body = audit_body(visit.store)
    submit_on_server(server, token, audit, body, [kept])
    report = queue(outbox_page, visit, audit, body, [kept, extra])  # one photo the server lacks
    assert report["failed"] == 1  # the audit's first item; the rest wait behind it
    assert outbox_size(outbox_page) == 4
    page = outbox_page
    page.wait_for_selector("li.item.state-failed")
    first = page.locator("li.item").first
    assert "Conflict" in first.text_content()
    assert first.get_by_role("button", name="Retry").is_visible()
    page.on("dialog", lambda dialog: dialog.accept())
    for _ in range(4):
        page.locator("li.item").first.get_by_role("button", name="Delete").click()
        page.wait_for_timeout(150)
    wait_for(page, "async () => (await AuditorStore.outboxItems()).length === 0")
    draft = page.evaluate("async (a) => AuditorStore.getDraft(a)", audit)
    assert draft["status"] == "draft"  # editable again on the phone
    assert page.get_by_text("Nothing waiting").is_visible()


def test_a_refused_audit_fails_with_the_reason_and_holds_back_the_rest(outbox_page, visit):
    audit = new_uuid()
    body = audit_body(visit.store, location_id=999_999)
    report = queue(outbox_page, visit, audit, body, [])
    assert report["failed"] == 1
    items = outbox_page.evaluate("async () => AuditorStore.outboxItems()")
    assert [(i["kind"], i["state"]) for i in items] == [("audit", "failed"), ("submit", "waiting")]
    assert "location_id: Unknown location 999999." in items[0]["message"]
    outbox_page.wait_for_selector("li.item.state-failed")
    assert "Unknown location" in outbox_page.locator("#queue").text_content()
    # retried, it fails the same way; nothing behind it was sent
    outbox_page.locator("li.item").first.get_by_role("button", name="Retry").click()
    outbox_page.wait_for_selector("li.item.state-failed")
    assert outbox_size(outbox_page) == 2


def test_the_outbox_exports_to_a_file_and_waits_while_the_server_is_down(
    outbox_page, server, visit
):
    audit, photo = new_uuid(), (new_uuid(), jpeg(320, 240))
    server.stop()
    report = queue(outbox_page, visit, audit, audit_body(visit.store), [photo])
    assert report["offline"] is True
    items = outbox_page.evaluate("async () => AuditorStore.outboxItems()")
    assert items[0]["state"] == "waiting"
    assert items[0]["attempts"] == 1
    assert items[0]["nextAt"] > 0
    outbox_page.reload()
    outbox_page.wait_for_selector("li.item.state-waiting")
    with outbox_page.expect_download() as download:
        outbox_page.get_by_role("button", name="Export to a file").click()
    exported = json.loads(download.value.path().read_text(encoding="utf-8"))
    assert exported["app"] == "auditor"
    assert [i["kind"] for i in exported["items"]] == ["audit", "photo", "submit"]
    assert [d["uuid"] for d in exported["drafts"]] == [audit]
    data = exported["photos"][0]["data"]
    assert data.startswith("data:image/jpeg;base64,")
    assert base64.b64decode(data.split(",", 1)[1]) == photo[1]
    server.start()


# every request of the outbox waits for the test, then the server is busy (503): meanwhile
# the auditor deletes the whole visit from the outbox
DELETE_WHILE_SENDING = """async () => {
    let release, started;
    const held = new Promise((resolve) => (release = resolve));
    const sending = new Promise((resolve) => (started = resolve));
    const realFetch = window.fetch;
    window.fetch = async () => {
        started();
        await held;
        return new Response('{}', {status: 503, headers: {'Content-Type': 'application/json'}});
    };
    try {
        const flushing = AuditorOutbox.flush({force: true});
        await sending;
        for (const item of await AuditorStore.outboxItems()) await AuditorOutbox.remove(item.id);
        release();
        await flushing;
    } finally {
        window.fetch = realFetch;
    }
    return AuditorStore.outboxItems();
}"""


def test_an_item_deleted_while_it_is_being_sent_stays_deleted(outbox_page, server, visit):
    audit = new_uuid()
    server.stop()
    queue(outbox_page, visit, audit, audit_body(visit.store), [(new_uuid(), jpeg())])
    assert outbox_size(outbox_page) == 3
    assert outbox_page.evaluate(DELETE_WHILE_SENDING) == []
    draft = outbox_page.evaluate("async (a) => AuditorStore.getDraft(a)", audit)
    assert draft["status"] == "draft"  # editable again, and nothing came back to the outbox


READ_ME = """async (noStore) => {
    const {token} = await AuditorStore.getMeta('session');
    const init = {headers: {Authorization: `Bearer ${token}`}};
    if (noStore) init.cache = 'no-store';
    try {
        return (await fetch('/api/v1/me', init)).status;
    } catch (error) {
        return 0;
    }
}"""


def test_the_outbox_asks_the_server_never_the_cache(outbox_page, server):
    assert outbox_page.evaluate(READ_ME, False) == 200
    wait_for(outbox_page, "async () => !!(await caches.match('/api/v1/me', {ignoreVary: true}))")
    server.stop()
    assert outbox_page.evaluate(READ_ME, False) == 200  # the app's reads: from the cache
    # the outbox's check (is this audit already on the server?) must not take an old copy
    assert outbox_page.evaluate(READ_ME, True) == 0


def test_a_queued_visit_cannot_be_changed_on_the_review_page(outbox_page, server, visit):
    audit = new_uuid()
    server.stop()
    queue(outbox_page, visit, audit, audit_body(visit.store), [])
    before = outbox_page.evaluate(
        """async (a) => {
            const draft = await AuditorStore.getDraft(a);
            return AuditorStore.putDraft({...draft, roster: [], helpers: {}});
        }""",
        audit,
    )
    page = outbox_page
    page.goto(f"/app/review?id={audit}")
    page.wait_for_selector("body[data-ready=true]")
    assert page.get_by_text("This visit is already waiting in the outbox.").is_visible()
    assert page.get_by_label("Left the store at").is_disabled()
    assert page.get_by_role("button", name="Submit").is_disabled()
    after = page.evaluate("async (a) => AuditorStore.getDraft(a)", audit)
    assert after == before  # not written: the outbox may have sent and dropped it meanwhile
