"""Corrective actions in a real browser against gunicorn: a manager filters the list (the
filter applies itself), opens one action and resolves it; the store's lead does the same on a
phone-sized screen; the pages and the email settings pass axe-core and the CSP."""

from playwright.sync_api import Page

from auditor.core.extensions import db
from tests.browser.conftest import run_axe
from tests.browser_manager.conftest import log_in

PHONE = {"viewport": {"width": 390, "height": 844}, "is_mobile": True, "has_touch": True}


def test_a_manager_filters_opens_and_resolves_an_action(browse, world):
    email, store_id, action_id = world.manager_a.email, world.store_a.id, world.action_a

    def steps(page: Page):
        log_in(page, email, "/manager/actions")
        violations = {"list": run_axe(page)}
        page.select_option("#f-store", str(store_id))  # applies itself: no button pressed
        page.wait_for_url(f"**/manager/actions?*location_id={store_id}*")
        listed = page.locator(".action-list > li").all_inner_texts()
        page.get_by_role("link", name="Follow up").first.click()
        page.wait_for_url(f"**/manager/actions/{action_id}")
        violations["detail"] = run_axe(page)
        page.fill("#note", "Greeting rota at the door")
        page.get_by_role("button", name="Mark resolved").click()
        page.wait_for_url("**/manager/actions")
        flash = page.locator(".flash").first.inner_text()
        page.goto("/account/email")
        violations["settings"] = run_axe(page)
        return listed, flash, violations

    listed, flash, violations = browse(steps)
    assert len(listed) == 1
    assert "Greeting failed at Altona" in listed[0]
    assert flash == "Resolved: Greeting failed at Altona"
    assert violations == {"list": [], "detail": [], "settings": []}


def test_the_lead_resolves_their_stores_action_on_a_phone(browse, world):
    world.staff_a.lead = True
    db.session.commit()
    email, action_id = world.staff_a.email, world.action_a

    def steps(page: Page):
        log_in(page, email, "/staff/actions")
        violations = {"list": run_axe(page)}
        page.get_by_role("link", name="Follow up").first.tap()
        page.wait_for_url(f"**/staff/actions/{action_id}")
        violations["detail"] = run_axe(page)
        fits = page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
        page.fill("#note", "New greeting rota")
        page.get_by_role("button", name="Mark resolved").tap()
        page.wait_for_url("**/staff/actions")
        return fits, page.locator(".flash").first.inner_text(), violations

    fits, flash, violations = browse(steps, **PHONE)
    assert fits  # nothing wider than the phone
    assert flash == "Resolved: Greeting failed at Altona"
    assert violations == {"list": [], "detail": []}
