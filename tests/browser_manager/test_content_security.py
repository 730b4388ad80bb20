"""Every manager, admin and staff page works under the Content-Security-Policy: no inline
script, no inline style, nothing from another site. `browse` fails a test on any violation the
page reports; these tests walk every page so that none escapes."""

import pytest
from playwright.sync_api import Page

from tests.browser_manager.conftest import log_in
from tests.web.page_world import World


def admin_pages(world: World) -> list[str]:
    """Every page an admin opens, with an object of the world where the path names one."""
    return [
        "/manager",
        "/manager/heatmap",
        "/manager/weakest",
        "/manager/review",
        "/manager/actions",
        f"/manager/locations/{world.store_a.id}",
        "/manager/questions/welcome",
        f"/manager/audits/{world.submitted_a}",
        f"/staff/{world.staff_a.id}",
        "/admin/users",
        f"/admin/users/{world.staff_a.id}",
        "/admin/locations",
        f"/admin/locations/{world.store_a.id}",
        "/admin/assignments",
        "/admin/checklists",
    ]


def open_each(page: Page, paths: list[str]) -> list[tuple[str, int]]:
    """Open each path and let its scripts run; answers (path, status) of each."""
    seen = []
    for path in paths:
        response = page.goto(path)
        page.wait_for_load_state("networkidle")
        seen.append((path, response.status))
    return seen


def test_every_admin_and_manager_page_runs_under_the_policy(browse, world):
    # read here: the browser's thread has no app context to load the world's rows in
    email, paths = world.admin.email, admin_pages(world)

    def steps(page: Page):
        log_in(page, email)
        return open_each(page, paths)

    seen = browse(steps)
    assert [status for _path, status in seen] == [200] * len(seen), seen


def test_the_staff_scorecard_runs_under_the_policy(browse, world):
    email = world.staff_a.email

    def steps(page: Page):
        log_in(page, email)
        return open_each(page, ["/staff"])

    assert browse(steps) == [("/staff", 200)]


INJECT_INLINE_SCRIPT = """() => new Promise((done) => {
    document.addEventListener('securitypolicyviolation', (e) => done(e.effectiveDirective));
    const script = document.createElement('script');
    script.textContent = 'window.injected = true';
    document.body.append(script);
})"""


def test_an_inline_script_is_refused_and_fails_the_test(browse, world):
    # the watch the other tests rely on sees a violation when there is one
    def steps(page: Page):
        page.goto("/login")
        assert page.evaluate(INJECT_INLINE_SCRIPT).startswith("script-src")
        assert page.evaluate("window.injected === undefined")

    with pytest.raises(AssertionError, match="Content Security Policy"):
        browse(steps)
