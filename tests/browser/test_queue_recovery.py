"""Issue 11, item 6: recovery that does not wait on a timer, and honest status. Forced tries
(page loads, "Send now") do not grow the backoff; the queue goes by itself soon after the
server is back; any successful request sends it; a request that never gets an answer times
out instead of holding the outbox; 5xx and stalls read "Server trouble"; "N items sent" is
visible."""

import base64

import pytest

from tests.api.audit_helpers import audit_body, new_uuid
from tests.api.images import jpeg
from tests.browser.conftest import outbox_size, wait_for
from tests.browser.queue_support import EMPTY, open_outbox, screenshot
from tests.browser.test_outbox import QUEUE_VISIT, queue

PHOTO = base64.b64encode(jpeg()).decode()

FORCED = "async () => AuditorOutbox.flush({force: true})"
# the first item's wait before its next try, in ms
NEXT_WAIT = "async () => (await AuditorStore.outboxItems())[0].nextAt - Date.now()"
# a flush that does not come back within 15 s answers 'hung'
FLUSH_OR_HANG = """async () => Promise.race([
    AuditorOutbox.flush({force: true}),
    new Promise((resolve) => setTimeout(() => resolve('hung'), 15000)),
])"""
NET = "() => document.getElementById('net').textContent"


@pytest.fixture
def page(phone, visit, page_errors):
    # a short request timeout, so a stalled request shows within the test
    phone.add_init_script("globalThis.AUDITOR_OUTBOX_CONFIG = {timeoutMs: 1500};")
    page = open_outbox(phone, visit.auditor.email, page_errors)
    yield page
    assert page_errors == []


def test_forced_tries_keep_the_first_step_and_the_queue_goes_by_itself(page, server, visit):
    server.stop()
    queue(page, visit, new_uuid(), audit_body(visit.store), [(new_uuid(), jpeg())])
    for _ in range(6):  # page loads and "Send now" while the server is away
        report = page.evaluate(FORCED)
        assert report["offline"] is True
    items = page.evaluate("async () => AuditorStore.outboxItems()")
    assert items[0]["attempts"] >= 7  # every try is counted ...
    assert page.evaluate(NEXT_WAIT) <= 2000  # ... but the backoff stays at its first step
    page.reload()
    page.wait_for_selector("body[data-ready=true]")
    assert page.evaluate(NEXT_WAIT) <= 2000

    server.start()
    # nobody touches the phone: the outbox empties by itself, and says so where it can be seen
    wait_for(page, EMPTY, timeout=30)
    line = page.locator("#sent-line")
    line.wait_for()
    assert line.text_content() == "3 items sent"
    wait_for(page, f"() => ({NET})() === 'Online'")
    screenshot(page, "queue-6.png")


def test_a_stalled_server_times_out_and_reads_server_trouble(page, server, visit):
    page.route("**/api/v1/audits/**", lambda route: None)  # accepted, never answered
    # queued and sent at once: the audit's request gets no answer
    report = page.evaluate(
        f"async (arg) => Promise.race([({QUEUE_VISIT})(arg), "
        "new Promise((resolve) => setTimeout(() => resolve('hung'), 15000))])",
        {
            "audit": new_uuid(),
            "userId": visit.auditor.id,
            "body": audit_body(visit.store),
            "photos": [{"uuid": new_uuid(), "question": "tidy", "data": PHOTO}],
        },
    )
    assert report != "hung"  # the request timed out and let go of the outbox
    assert report["trouble"] is True
    items = page.evaluate("async () => AuditorStore.outboxItems()")
    assert items[0]["state"] == "waiting"
    assert "did not answer" in items[0]["message"]
    wait_for(page, "() => document.getElementById('net').textContent.startsWith('Server trouble')")
    page.reload()  # the outbox page as the auditor sees it now
    page.wait_for_selector("body[data-ready=true]")
    wait_for(page, "() => document.getElementById('net').textContent.startsWith('Server trouble')")
    screenshot(page, "queue-6-server-trouble.png")

    page.unroute("**/api/v1/audits/**")
    page.route(
        "**/api/v1/audits/**",
        lambda route: route.fulfill(status=503, body="{}", content_type="application/json"),
    )
    page.evaluate("() => { document.getElementById('net').textContent = ''; }")
    page.evaluate(FLUSH_OR_HANG)
    wait_for(page, f"() => ({NET})().startsWith('Server trouble')")  # a 5xx is no "Online"

    page.unroute("**/api/v1/audits/**")
    report = page.evaluate(FLUSH_OR_HANG)
    assert report["sent"] == 3  # the outbox was free: answers, photo and submit go now
    assert outbox_size(page) == 0
    wait_for(page, f"() => ({NET})() === 'Online'")


def test_any_successful_request_sends_the_queue(page, server, visit):
    server.stop()
    queue(page, visit, new_uuid(), audit_body(visit.store), [(new_uuid(), jpeg())])
    server.start()
    # the next try is far off, as after a long spell of server errors
    page.evaluate(
        """async () => {
            for (const item of await AuditorStore.outboxItems()) {
                item.nextAt = Date.now() + 10 * 60 * 1000;
                await AuditorStore.updateItem(item);
            }
        }"""
    )
    status = page.evaluate(
        """async () => {
            const api = await import('/static/js/api.js');
            return (await api.get('/api/v1/me')).id;
        }"""
    )
    assert status == visit.auditor.id
    wait_for(page, EMPTY, timeout=15)
