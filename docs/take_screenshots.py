"""Screenshots of the manager, admin and staff pages for the README, from the demo data.

Serve the demo (`flask --app wsgi seed-demo`, then gunicorn) and run
`python docs/take_screenshots.py http://127.0.0.1:8000`; needs Debian's chromium.
"""

import re
import sys
from pathlib import Path

from playwright.sync_api import Page, sync_playwright

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from tests import chromium

OUT = Path(__file__).resolve().parent / "screenshots"


def log_in(page: Page, email: str) -> None:
    """Log in through the form with the demo password."""
    page.goto("/login")
    chromium.submit_login(page, email, "demo-pass")
    page.wait_for_load_state()


def shoot(page: Page, name: str, path: str | None = None, full: bool = True) -> None:
    """Open `path` (if given) and save a screenshot as docs/screenshots/<name>.png."""
    if path:
        page.goto(path)
    page.wait_for_load_state("networkidle")
    page.screenshot(path=str(OUT / f"{name}.png"), full_page=full)


def manager_pages(page: Page) -> None:
    log_in(page, "manager.north@example.com")
    shoot(page, "dashboard", "/manager")
    page.locator("table.ranking tbody tr").last.get_by_role("link").click()
    shoot(page, "location")
    page.locator("table.data").nth(1).get_by_role("link").first.click()
    shoot(page, "question")
    page.locator("a[href^='/manager/audits/']").first.click()
    shoot(page, "audit")
    shoot(page, "heatmap", "/manager/heatmap")
    shoot(page, "weakest", "/manager/weakest")
    action_pages(page)


def action_pages(page: Page) -> None:
    """The corrective actions: the filtered list, and one action with its resolve form."""
    shoot(page, "actions", "/manager/actions", full=False)
    page.get_by_role("link", name="Follow up").first.click()
    shoot(page, "action", full=False)


def lead_actions(page: Page) -> None:
    """A store's lead (logged in) on the phone: their store's actions."""
    shoot(page, "lead-actions", "/staff/actions", full=False)


def main(base: str) -> None:
    OUT.mkdir(exist_ok=True)
    with sync_playwright() as playwright:
        browser = chromium.launch(playwright)
        laptop = {"viewport": {"width": 1280, "height": 860}, "base_url": base}
        manager_pages(browser.new_context(**laptop).new_page())
        admin = browser.new_context(**laptop).new_page()
        log_in(admin, "admin@example.com")
        shoot(admin, "admin-checklists", "/admin/checklists")
        shoot(admin, "admin-assignments", "/admin/assignments", full=False)
        phone = browser.new_context(
            viewport={"width": 390, "height": 844}, device_scale_factor=2, base_url=base
        ).new_page()
        log_in(phone, "staff.ham-01.1@example.com")
        shoot(phone, "staff-scorecard", "/staff")
        lead_actions(phone)  # the demo's first staff member of each store leads it
        browser.close()
    print("\n".join(sorted(p.name for p in OUT.glob("*.png") if re.match(r"[a-z-]+\.png", p.name))))


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else "http://127.0.0.1:8000")
