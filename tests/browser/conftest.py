"""Browser tests: Debian's chromium driven by Playwright for Python, a phone viewport, and a
live gunicorn server on the test database that a test can stop ("offline") and restart.

Chromium is never downloaded (`playwright install` is not used): `make test` installs the
Debian package when it is missing. Without it these tests fail, loudly; they never skip.
"""

import io
import re
import time
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import pytest
from PIL import ExifTags, Image
from playwright.sync_api import Browser, BrowserContext, Page, Playwright, sync_playwright

from auditor.core.extensions import db
from auditor.models import Assignment
from tests import chromium
from tests.api.audit_helpers import Store, published_store
from tests.factories import PASSWORD, UserFactory
from tests.live.conftest import LiveServer

PHONE = {
    "viewport": {"width": 390, "height": 844},
    "device_scale_factor": 2,
    "is_mobile": True,
    "has_touch": True,
    "locale": "en-GB",
    "timezone_id": "Europe/Berlin",
}
AXE_URL = "/static/vendor/axe-core/axe.min.js"


@pytest.fixture(scope="session")
def playwright() -> Iterator[Playwright]:
    """One Playwright for the run: its sync API allows a single one per thread, so a module
    that needs a browser launched with other flags launches it from this one."""
    if problem := chromium.missing():
        pytest.fail(f"{problem} The browser tests need it: they never skip.", pytrace=False)
    with sync_playwright() as running:
        yield running


@pytest.fixture(scope="session")
def browser(playwright) -> Iterator[Browser]:
    """One headless chromium for the whole run."""
    launched = chromium.launch(playwright, extra=chromium.FAKE_MEDIA_ARGS)
    yield launched
    launched.close()


@pytest.fixture
def server(app, database_uri, tmp_path) -> Iterator[LiveServer]:
    """gunicorn on the test database for one test; `stop()` takes the network away."""
    live = LiveServer(database_uri, str(tmp_path / "live-media"), workers=2).start()
    yield live
    live.stop()


class Visit:
    """A published checklist, a store with one staff member, an auditor and their assignment."""

    def __init__(self) -> None:
        self.store: Store = published_store()
        self.auditor = UserFactory(role="auditor", name="Ada Auditor")
        now = datetime.now(UTC)
        self.assignment = Assignment(
            location_id=self.store.location_id,
            auditor_id=self.auditor.id,
            checklist_id=self.store.checklist_id,
            due_from=now - timedelta(days=1),
            due_to=now + timedelta(days=6),
            status="open",
        )
        db.session.add(self.assignment)
        db.session.commit()


@pytest.fixture
def visit(app) -> Visit:
    return Visit()


@pytest.fixture
def phone(browser, server, visit) -> Iterator[BrowserContext]:
    """A phone: 390x844, touch, geolocation at the store, its own storage."""
    context = browser.new_context(
        base_url=server.base,
        permissions=["geolocation", "microphone"],
        geolocation={"latitude": 52.5201, "longitude": 13.4051, "accuracy": 15},
        **PHONE,
    )
    # generous: a busy two-core CI machine installs the service worker slowly
    context.set_default_timeout(45_000)
    yield context
    context.close()


CSP_VIOLATION = "Content Security Policy"  # in chromium's console message for each one


def csp_violations(page: Page, into: list) -> Page:
    """Record into `into` each Content-Security-Policy violation the page reports."""
    page.on(
        "console",
        lambda message: into.append(message.text) if CSP_VIOLATION in message.text else None,
    )
    return page


class PageErrors(list):
    """Uncaught script errors and Content-Security-Policy violations of a page: a test ends
    by asserting there were none (every page must work under the policy)."""

    def watch(self, page: Page) -> Page:
        page.on("pageerror", lambda error: self.append(str(error)))
        return csp_violations(page, self)


@pytest.fixture
def page_errors() -> PageErrors:
    return PageErrors()


def log_in(page: Page, email: str, password: str = PASSWORD) -> None:
    """Open the app, get sent to the login page, log in, land in the app."""
    page.goto("/app")
    page.wait_for_url(re.compile(r"/login\?next="))
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url("**/app")
    page.wait_for_selector("body[data-ready=true]")


def start_visit(page: Page) -> str:
    """From My visits, start the first planned visit; answers the draft's uuid once the
    checklist is ready."""
    page.get_by_role("button", name="Start visit").click()
    page.wait_for_url("**/app/audit?id=*")
    page.wait_for_selector("body[data-ready=true]")
    return page.url.split("id=")[1]


def wait_until_offline_ready(page: Page) -> None:
    """The service worker controls the page and has cached the lists a visit needs."""
    wait_for(page, "() => navigator.serviceWorker.controller !== null")
    page.wait_for_selector("body[data-cached=true]")
    page.wait_for_load_state("networkidle")


def wait_for(page: Page, script: str, arg=None, timeout: float = 45) -> object:
    """Poll a page function until it answers something truthy, from here: Playwright's
    wait_for_function does not await a promise, and compiles its predicate inside the page,
    which the Content-Security-Policy refuses (no eval)."""
    deadline = time.monotonic() + timeout
    while True:
        value = page.evaluate(script, arg)
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"still false after {timeout} s: {script}")
        time.sleep(0.1)


def outbox_size(page: Page) -> int:
    return page.evaluate("async () => (await AuditorStore.outboxItems()).length")


def photo_jpeg(width: int, height: int, colour: tuple[int, int, int]) -> bytes:
    """A camera-like JPEG: noisy pixels and an EXIF time of taking."""
    image = Image.effect_noise((width // 8, height // 8), 60).convert("RGB")
    image = image.resize((width, height))
    tinted = Image.blend(image, Image.new("RGB", (width, height), colour), 0.5)
    exif = Image.Exif()
    taken = exif.get_ifd(ExifTags.IFD.Exif)
    taken[ExifTags.Base.DateTimeOriginal] = datetime.now(UTC).strftime("%Y:%m:%d %H:%M:%S")
    taken[ExifTags.Base.OffsetTimeOriginal] = "+00:00"
    buffer = io.BytesIO()
    tinted.save(buffer, "JPEG", quality=85, exif=exif)
    return buffer.getvalue()


def run_axe(page: Page) -> list[dict]:
    """axe-core's serious and critical violations on the page as it is now."""
    if not page.evaluate("typeof axe !== 'undefined'"):
        # from the server, as a script of this site: the page's CSP refuses inline scripts
        page.add_script_tag(url=AXE_URL)
    result = page.evaluate("async () => (await axe.run(document)).violations")
    return [
        {
            "id": v["id"],
            "impact": v["impact"],
            "nodes": [n["target"] for n in v["nodes"]][:5],
            "help": v["help"],
        }
        for v in result
        if v["impact"] in ("serious", "critical")
    ]
