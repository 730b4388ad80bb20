"""Issue 11 item 3: a new release installed under faults never strands the app offline.

A new service worker installs while one app page fails to cache, or while the page session
has expired (every page answers the login page): the old version must stay in charge, so a
queued visit and a draft survive and every page still opens with no network. Once the fault
is gone the new version takes over, with every page cached.
"""

import pytest

from tests.api.audit_helpers import audit_body, new_uuid
from tests.browser.conftest import log_in, start_visit, wait_for, wait_until_offline_ready
from tests.browser.queue_support import screenshot as take_screenshot
from tests.browser.test_outbox import queue

# the new worker's fate after registration.update(): 'activated' or 'redundant' (install failed)
UPDATE = """async () => {
    const registration = await navigator.serviceWorker.getRegistration();
    await registration.update();
    const worker = registration.installing || registration.waiting;
    if (!worker) return 'no update';
    const settled = () => ['activated', 'redundant'].includes(worker.state);
    if (settled()) return worker.state;
    const done = new Promise((resolve) =>
        worker.addEventListener('statechange', () => settled() && resolve(worker.state)));
    const stuck = new Promise((resolve) => setTimeout(() => resolve(worker.state), 40000));
    return Promise.race([done, stuck]);
}"""
ACTIVE_VERSION = """async () => {
    const names = await caches.keys();
    return names.filter((name) => name.startsWith('auditor-pages-')).sort();
}"""
NEW_VERSION_ONLY = """async (before) => {
    const names = (await caches.keys()).filter((name) => name.startsWith('auditor-pages-'));
    return names.length === 1 && !before.includes(names[0]);
}"""
PAGES = {
    "/app/review": "Review and submit",
    "/app/returned": "Returned audits",
    "/app/follow-up": "Follow-up",
    "/app/settings": "Settings",
}


def refuse_writes(route):
    route.abort("connectionrefused")  # the visit must still be waiting after the update


def break_audit_page(route):
    route.fulfill(status=500, body="the page broke", content_type="text/plain")


@pytest.fixture
def ready(phone, server, visit, page_errors):
    """A phone with the app offline-ready, a draft with an answer and a queued visit."""
    phone.route("**/api/v1/audits/**", refuse_writes)
    page = page_errors.watch(phone.new_page())
    log_in(page, visit.auditor.email)
    wait_until_offline_ready(page)
    draft = start_visit(page)
    page.locator("#v-greet_seconds").fill("12")
    wait_for(page, "async (u) => (await AuditorStore.getDraft(u)).answers.greet_seconds", draft)
    queued = new_uuid()
    report = queue(page, visit, queued, audit_body(visit.store), [])
    assert report["waiting"] == 2
    assert report["sent"] == 0
    page.goto("/app")
    page.wait_for_selector("body[data-ready=true]")
    return page, draft, queued


def new_release(server) -> None:
    server.stop()
    server.env["APP_RELEASE"] = "next"
    server.start()


def assert_opens_offline(page, server, draft: str, queued: str, screenshot: str = "") -> None:
    """With no server at all, every page of the app opens with the visit and the draft."""
    server.stop()
    page.goto("/app")
    page.wait_for_selector("body[data-ready=true]")
    assert "You are offline" not in page.content()
    page.goto(f"/app/audit?id={draft}")
    page.wait_for_selector("body[data-ready=true]")
    assert page.locator("#v-greet_seconds").input_value() == "12"
    if screenshot:
        take_screenshot(page, screenshot)
    page.goto("/app/outbox")
    page.wait_for_selector("li.item")
    assert page.locator("#queue .card").count() == 1
    items = page.evaluate("async () => AuditorStore.outboxItems()")
    assert {item["audit"] for item in items} == {queued}
    for path, heading in PAGES.items():
        page.goto(path)
        assert page.locator("main h1").text_content().strip() == heading


def test_an_update_whose_page_fails_to_cache_leaves_the_old_version(ready, phone, server):
    page, draft, queued = ready
    before = page.evaluate(ACTIVE_VERSION)
    new_release(server)
    phone.route("**/app/audit", break_audit_page)  # the new worker cannot cache this page
    assert page.evaluate(UPDATE) == "redundant"
    assert page.evaluate(ACTIVE_VERSION) == before
    assert_opens_offline(page, server, draft, queued, screenshot="queue-3.png")

    # the fault gone and the server back, the new version installs with every page
    server.start()
    phone.unroute("**/app/audit", break_audit_page)
    page.goto("/app")
    page.wait_for_selector("body[data-ready=true]")
    # the navigation itself looks for the new version: it installs and takes over
    wait_for(page, NEW_VERSION_ONLY, before)
    assert_opens_offline(page, server, draft, queued)


def test_an_update_while_the_session_expired_leaves_the_old_version(ready, phone, server):
    page, draft, queued = ready
    before = page.evaluate(ACTIVE_VERSION)
    new_release(server)
    phone.clear_cookies()  # every page now answers with the login page
    assert page.evaluate(UPDATE) == "redundant"
    assert page.evaluate(ACTIVE_VERSION) == before
    assert_opens_offline(page, server, draft, queued)
