"""Issue 11, item 2: a dead token is replaced. A 401 drops the stored token, every app page
shows "Log in again" while anything waits for a login, and logging in again fetches a new
token and sends the queue at once."""

import re

import pytest

from tests.api.audit_helpers import audit_body, new_uuid
from tests.api.images import jpeg
from tests.browser.conftest import outbox_size, wait_for
from tests.browser.queue_support import TOKEN, open_outbox, screenshot
from tests.browser.test_outbox import queue
from tests.factories import PASSWORD
from tests.live.conftest import call


@pytest.fixture
def page(phone, visit, page_errors):
    page = open_outbox(phone, visit.auditor.email, page_errors)
    yield page
    assert page_errors == []


def test_a_revoked_token_is_dropped_and_a_new_login_sends_the_queue(page, server, visit):
    token = wait_for(page, TOKEN)
    # the token is revoked on the server (a password reset, or logged out elsewhere), and the
    # page session with it
    assert call(server, "DELETE", "/api/v1/auth/token", token=token)[0] == 204
    page.context.clear_cookies()
    audit = new_uuid()
    report = queue(page, visit, audit, audit_body(visit.store), [(new_uuid(), jpeg())])
    assert report["failed"] == 1
    states = page.evaluate("async () => (await AuditorStore.outboxItems()).map((i) => i.state)")
    assert states == ["auth", "waiting", "waiting"]  # the rest of the visit waits behind it
    assert page.evaluate(TOKEN) is None  # the dead token is gone
    banner = page.locator("#relogin")
    banner.wait_for()
    assert banner.get_by_role("link", name="Log in again").is_visible()
    screenshot(page, "queue-2.png")

    # any app page says so while something waits for a login (offline: from the cache)
    server.stop()
    page.goto("/app/settings")
    page.wait_for_selector("body[data-ready=true]")
    wait_for(page, "() => !document.getElementById('relogin').hidden")
    server.start()

    banner.get_by_role("link", name="Log in again").click()
    page.wait_for_url(re.compile(r"/login"))
    page.get_by_label("Email").fill(visit.auditor.email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url(re.compile(r"/app"))
    # at once: no timer, no button
    wait_for(page, "async () => (await AuditorStore.outboxItems()).length === 0", timeout=20)
    fresh = page.evaluate(TOKEN)
    assert fresh
    assert fresh != token
    assert page.locator("#relogin").is_hidden()
    status, on_server = call(server, "GET", f"/api/v1/audits/{audit}", token=fresh)
    assert status == 200
    assert on_server["status"] == "submitted"
    assert outbox_size(page) == 0


def test_a_401_on_a_read_drops_the_token_too(page, server, visit):
    token = wait_for(page, TOKEN)
    assert call(server, "DELETE", "/api/v1/auth/token", token=token)[0] == 204
    status = page.evaluate(
        """async () => {
            const api = await import('/static/js/api.js');
            try { await api.get('/api/v1/me/locations?fresh=' + Date.now()); return 200; }
            catch (error) { return error.status; }
        }"""
    )
    assert status == 401
    assert page.evaluate(TOKEN) is None
    # the page's own login still stands: the next page load fetches a new token by itself
    page.reload()
    page.wait_for_selector("body[data-ready=true]")
    fresh = wait_for(page, TOKEN)
    assert fresh != token
