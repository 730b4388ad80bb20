"""Browser tests of the manager pages: Debian's chromium through Playwright, a live gunicorn.

Playwright's sync API allows one instance per thread, and the phone app's browser tests keep
theirs open for the whole session; ours therefore lives in a thread of its own, and each test
hands it the steps to run (`browse(steps)`). Chromium is never downloaded.
"""

from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import pytest
from playwright.sync_api import Page, sync_playwright

from tests import chromium
from tests.browser.conftest import csp_violations
from tests.factories import PASSWORD
from tests.live.conftest import LiveServer
from tests.web.page_world import World, build_world

LAPTOP = {"viewport": {"width": 1280, "height": 900}, "locale": "en-GB", "accept_downloads": True}


class BrowserThread:
    """A headless chromium driven from one dedicated thread."""

    def __init__(self) -> None:
        self.pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="manager-browser")
        self.pool.submit(self._start).result(timeout=60)

    def _start(self) -> None:
        chromium.chromium_path()  # ChromiumMissing before Playwright starts
        self.playwright = sync_playwright().start()
        self.browser = chromium.launch(self.playwright)

    def _stop(self) -> None:
        self.browser.close()
        self.playwright.stop()

    def run(self, base_url: str, steps: Callable[[Page], Any], **context: Any) -> Any:
        """Run `steps(page)` in a fresh browser context; answers what the steps answer."""

        def session() -> Any:
            browser_context = self.browser.new_context(base_url=base_url, **{**LAPTOP, **context})
            browser_context.set_default_timeout(15_000)
            violations: list[str] = []
            try:
                answer = steps(csp_violations(browser_context.new_page(), violations))
            finally:
                browser_context.close()
            # every page must work under the Content-Security-Policy: a refusal fails the test
            assert violations == [], violations
            return answer

        return self.pool.submit(session).result(timeout=180)

    def close(self) -> None:
        self.pool.submit(self._stop).result(timeout=60)
        self.pool.shutdown()


@pytest.fixture(scope="session")
def browser_thread() -> Iterator[BrowserThread]:
    thread = BrowserThread()
    yield thread
    thread.close()


@pytest.fixture(scope="module")
def manager_server(data_app, database_uri, tmp_path_factory) -> Iterator[LiveServer]:
    """gunicorn with two workers on the test database, for the module's tests."""
    server = LiveServer(database_uri, str(tmp_path_factory.mktemp("manager-media")), workers=2)
    yield server.start()
    server.stop()


@pytest.fixture
def world(app) -> World:
    return build_world()


@pytest.fixture
def browse(browser_thread, manager_server):
    """`browse(steps)`: run the steps in a browser against the live server."""

    def run(steps: Callable[[Page], Any], **context: Any) -> Any:
        return browser_thread.run(manager_server.base, steps, **context)

    return run


def log_in(page: Page, email: str, next_path: str = "/") -> None:
    """Log in through the login form, as a person does."""
    page.goto(f"/login?next={next_path}")
    chromium.submit_login(page, email, PASSWORD)
    page.wait_for_load_state()
