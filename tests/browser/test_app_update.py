"""A new app version takes over an open app without losing the draft being filled."""

from tests.browser.conftest import log_in, start_visit, wait_for


def test_a_new_version_takes_over_and_the_draft_survives(phone, server, visit, page_errors):
    page = page_errors.watch(phone.new_page())
    log_in(page, visit.auditor.email)
    start_visit(page)
    wait_for(page, "() => navigator.serviceWorker.controller !== null")
    page.locator("#q-welcome").get_by_role("radio", name="Yes").check()
    page.locator("#v-greet_seconds").fill("12")

    # the server is updated to a new release: its service worker script changes
    server.stop()
    server.env["APP_RELEASE"] = "next"
    server.start()
    page.evaluate("navigator.serviceWorker.getRegistration().then((r) => r.update())")
    page.get_by_text("A new version of the app is ready").wait_for()
    page.get_by_role("button", name="Reload").click()
    page.wait_for_selector("body[data-ready=true]")
    assert page.locator("#v-greet_seconds").input_value() == "12"
    assert page.locator("#q-welcome").get_by_role("radio", name="Yes").is_checked()
    assert page_errors == []
