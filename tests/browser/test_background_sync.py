"""Background Sync: the service worker sends the outbox by itself, with no app page open.

The browser fires `sync` when it thinks the network is back; here DevTools fires it
(`ServiceWorker.dispatchSyncEvent`), as its Application panel does. The app's own replays
(page load, `online`, visibility, the backoff timer) live in pages, so the test closes every
app page first: whatever reaches the server came from the service worker.
"""

import time

from sqlalchemy import func, select

from auditor.core.extensions import db
from auditor.models import Audit, AuditLogEntry, Photo
from tests.api.audit_helpers import audit_body, new_uuid
from tests.api.images import jpeg
from tests.browser.conftest import log_in, outbox_size, wait_for
from tests.browser.test_outbox import queue

SYNC_TAGS = "async () => (await navigator.serviceWorker.ready).sync.getTags()"
# the outbox's size read straight from IndexedDB, from a page that loads none of the app
RAW_OUTBOX_SIZE = """() => new Promise((resolve, reject) => {
    const opening = indexedDB.open('auditor');
    opening.onerror = () => reject(opening.error);
    opening.onsuccess = () => {
        const counting = opening.result.transaction('outbox').objectStore('outbox').count();
        counting.onsuccess = () => { opening.result.close(); resolve(counting.result); };
    };
})"""


def count(model, *where) -> int:
    db.session.commit()  # a fresh snapshot of what the server wrote
    return db.session.scalar(select(func.count()).select_from(model).where(*where))


def registration_id(cdp, scope: str, timeout: float = 30) -> str:
    """The id DevTools gives the app's service worker registration."""
    found: dict[str, str] = {}

    def seen(event):
        for registration in event["registrations"]:
            if registration["scopeURL"] == scope and not registration["isDeleted"]:
                found["id"] = registration["registrationId"]

    cdp.on("ServiceWorker.workerRegistrationUpdated", seen)
    cdp.send("ServiceWorker.enable")
    deadline = time.monotonic() + timeout
    while "id" not in found:
        assert time.monotonic() < deadline, f"no service worker registration for {scope}"
        cdp.send("Runtime.evaluate", {"expression": "1"})  # lets the events arrive
        time.sleep(0.1)
    return found["id"]


def test_background_sync_sends_the_outbox_once_with_no_page_open(phone, server, visit, page_errors):
    # Chrome grants it to every site by default; a context given a permission list denies it
    phone.grant_permissions(["background-sync"])
    page = page_errors.watch(phone.new_page())
    log_in(page, visit.auditor.email)
    wait_for(page, "() => navigator.serviceWorker.controller !== null")  # installed
    page.goto("/app/outbox")
    wait_for(page, "() => navigator.serviceWorker.controller !== null")
    wait_for(page, "async () => !!(await AuditorStore.getMeta('session'))")
    # a page that runs none of the app's code, kept open only to speak DevTools to the browser
    bystander = phone.new_page()
    bystander.goto("/healthz")

    server.stop()  # no network: the visit waits in the outbox
    audit, photo = new_uuid(), (new_uuid(), jpeg())
    report = queue(page, visit, audit, audit_body(visit.store), [photo])
    assert report["offline"] is True
    page.reload()  # from the cache: the app sees what waits and asks for Background Sync
    page.wait_for_selector("body[data-ready=true]")
    assert wait_for(page, SYNC_TAGS) == ["outbox"]
    assert outbox_size(page) == 3
    page.close()  # no page is left to send: only the service worker can

    server.start()
    cdp = phone.new_cdp_session(bystander)
    registration = registration_id(cdp, f"{server.base}/")
    time.sleep(2)
    assert count(Audit) == 0  # nothing sends by itself: the browser's next sync is minutes away
    sync = {"origin": server.base, "registrationId": registration, "tag": "outbox"}
    cdp.send("ServiceWorker.dispatchSyncEvent", {**sync, "lastChance": False})

    deadline = time.monotonic() + 45
    while count(Audit, Audit.status == "submitted") == 0:
        assert time.monotonic() < deadline, "the service worker did not send the outbox"
        time.sleep(0.2)
    wait_for(bystander, f"async () => (await ({RAW_OUTBOX_SIZE})()) === 0")
    # a second sync finds nothing left to send
    cdp.send("ServiceWorker.dispatchSyncEvent", {**sync, "lastChance": False})
    time.sleep(1)
    assert count(Audit) == 1
    assert count(Photo) == 1
    for action in ("audit.create", "audit.submit"):
        assert count(AuditLogEntry, AuditLogEntry.action == action) == 1
    assert str(db.session.scalar(select(Audit.id))) == audit

    # the phone agrees: nothing waits, the visit is listed as sent
    page = page_errors.watch(phone.new_page())
    page.goto("/app/outbox")
    page.wait_for_selector("body[data-ready=true]")
    assert outbox_size(page) == 0
    sent = page.evaluate("async () => AuditorStore.getMeta('sent')")
    assert [entry["uuid"] for entry in sent] == [audit]
    assert page_errors == []
