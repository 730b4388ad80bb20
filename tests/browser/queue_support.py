"""What the issue-11 queue tests share: the phone on its outbox page, a token of the auditor,
and screenshots of what the auditor sees (kept in docs/ when QUEUE_SCREENSHOTS is set)."""

import os
from pathlib import Path

from playwright.sync_api import Locator, Page

from tests.browser.conftest import log_in, wait_for
from tests.factories import PASSWORD
from tests.live.conftest import call

SCREENSHOTS = Path(__file__).resolve().parents[2] / "docs" / "screenshots"
TOKEN = "async () => (await AuditorStore.getMeta('session'))?.token || null"
EMPTY = "async () => (await AuditorStore.outboxItems()).length === 0"


def screenshot(target: Page | Locator, name: str) -> None:
    """What the auditor sees now (the page, or one part of it), as docs/screenshots/<name> when
    QUEUE_SCREENSHOTS is set: a test run leaves the repository's files alone."""
    if os.environ.get("QUEUE_SCREENSHOTS"):
        whole = {"full_page": True} if isinstance(target, Page) else {}
        target.screenshot(path=str(SCREENSHOTS / name), **whole)


def open_outbox(phone, email: str, page_errors) -> Page:
    """A phone logged in as `email`, on its outbox page, with a token and a service worker."""
    page = page_errors.watch(phone.new_page())
    log_in(page, email)
    wait_for(page, "() => navigator.serviceWorker.controller !== null")
    page.goto("/app/outbox")
    page.wait_for_selector("body[data-ready=true]")
    wait_for(page, TOKEN)
    return page


def token_of(server, email: str) -> str:
    """A bearer token of the user, from the API (another device, say)."""
    body = {"email": email, "password": PASSWORD}
    status, answer = call(server, "POST", "/api/v1/auth/token", json_body=body)
    assert status == 200
    return answer["token"]
