"""Settings: logging out needs the server; without a signal the app says so and keeps all."""

import urllib.error
import urllib.request

from playwright.sync_api import expect

from tests.browser.conftest import log_in, wait_for

SESSION_TOKEN = "async () => (await AuditorStore.getMeta('session'))?.token || null"


def status_with_token(base: str, token: str) -> int:
    request = urllib.request.Request(
        f"{base}/api/v1/me/locations", headers={"Authorization": f"Bearer {token}"}
    )
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status
    except urllib.error.HTTPError as error:
        return error.code


def test_logging_out_without_a_signal_changes_nothing_then_works(phone, server, visit, page_errors):
    page = page_errors.watch(phone.new_page())
    log_in(page, visit.auditor.email)
    page.goto("/app/settings")
    page.wait_for_selector("body[data-ready=true]")
    token = wait_for(page, SESSION_TOKEN)

    server.stop()
    page.get_by_role("button", name="Log out").click()
    expect(page.get_by_role("alert")).to_contain_text("No connection to the server")
    assert page.url.endswith("/app/settings")
    assert page.evaluate(SESSION_TOKEN) == token  # nothing forgotten on the phone

    server.start()
    assert status_with_token(server.base, token) == 200
    page.get_by_role("button", name="Log out").click()
    page.wait_for_url("**/login**")
    assert status_with_token(server.base, token) == 401  # ended on the server too
    assert page_errors == []
