"""Every auditor page passes axe-core (no serious or critical violation), fits 360 to 430 px
without a horizontal scroll, and keeps touch targets at least 44 px."""

import json

import pytest

from auditor.core.extensions import db
from auditor.models import Region
from tests.api.audit_helpers import audit_body, new_uuid
from tests.api.images import jpeg
from tests.browser.conftest import log_in, run_axe, start_visit
from tests.factories import PASSWORD, UserFactory
from tests.live.conftest import call

# what a finger must hit: inline links inside running text are exempt (WCAG 2.5.8)
SMALL_TARGETS = """() => {
    const selector = 'a, button, input:not([type=hidden]), select, textarea, summary';
    return [...document.querySelectorAll(selector)]
        .filter((node) => !(node.tagName === 'A' && node.closest('p, li.empty, dd')))
        .filter((node) => !node.matches('.visually-hidden'))  // its visible label is the target
        .map((node) => {
            const box = (node.matches('.choice input, .check input, .na input')
                ? node.parentElement : node).getBoundingClientRect();
            return {node: node.outerHTML.slice(0, 80), width: box.width, height: box.height,
                    shown: box.width > 0 && box.right > 0 && !node.closest('[hidden]')};
        })
        .filter((t) => t.shown && (t.width < 44 || t.height < 44));
}"""
NO_SIDEWAYS_SCROLL = "document.documentElement.scrollWidth <= window.innerWidth"


def token_for(server, email):
    status, body = call(
        server, "POST", "/api/v1/auth/token", json_body={"email": email, "password": PASSWORD}
    )
    assert status == 200
    return body["token"]


def submitted_audit(server, token, visit) -> str:
    audit = new_uuid()
    body = audit_body(visit.store, assignment_id=None)
    assert call(server, "PUT", f"/api/v1/audits/{audit}", token=token, json_body=body)[0] == 201
    photo = f"/api/v1/audits/{audit}/photos/{new_uuid()}?question=tidy"
    assert call(server, "PUT", photo, token=token, data=jpeg(), content_type="image/jpeg")[0] == 201
    assert call(server, "POST", f"/api/v1/audits/{audit}/submit", token=token)[0] == 200
    return audit


@pytest.fixture
def audits(server, visit):
    """One submitted audit waiting for follow-up and one returned with a manager's note."""
    token = token_for(server, visit.auditor.email)
    follow_up = submitted_audit(server, token, visit)
    returned = submitted_audit(server, token, visit)
    db.session.commit()  # a fresh snapshot: the server wrote meanwhile (SQLite WAL)
    region = db.session.get(Region, visit.store.region_id)
    manager = UserFactory(role="manager", regions=[region])
    review = {"decision": "return", "note": "The floor photo is blurred: take it again."}
    path = f"/api/v1/audits/{returned}/review"
    status, _ = call(server, "POST", path, token=token_for(server, manager.email), json_body=review)
    assert status == 200
    return {"follow_up": follow_up, "returned": returned}


def check_page(page, path: str) -> dict:
    """axe, sideways scrolling at 360 and 430 px, small targets: what is wrong, if anything."""
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(path)
    page.wait_for_selector("body[data-ready=true]")
    page.wait_for_load_state("networkidle")
    problems = {}
    violations = run_axe(page)
    if violations:
        problems["axe"] = violations
    for width in (360, 430):
        page.set_viewport_size({"width": width, "height": 800})
        if not page.evaluate(NO_SIDEWAYS_SCROLL):
            problems[f"scrolls sideways at {width} px"] = page.evaluate(
                "document.documentElement.scrollWidth"
            )
        small = page.evaluate(SMALL_TARGETS)
        if small:
            problems[f"small targets at {width} px"] = small
    return problems


def test_every_auditor_page_is_accessible_and_fits_a_phone(phone, visit, audits, page_errors):
    page = page_errors.watch(phone.new_page())
    page.goto("/login?next=/app")
    problems = {"/login": {"axe": run_axe(page)}}
    log_in(page, visit.auditor.email)
    draft = start_visit(page)
    page.locator("#q-welcome").get_by_role("radio", name="Yes").check()
    page.locator("#v-greet_seconds").fill("abc")  # an error message on the page
    page.goto("/app/review?id=" + draft)
    page.wait_for_selector("body[data-ready=true]")
    paths = [
        "/app",
        f"/app/audit?id={draft}",
        f"/app/audit?id={draft}&check=1",
        f"/app/review?id={draft}",
        "/app/returned",
        "/app/follow-up",
        f"/app/follow-up?id={audits['follow_up']}",
        "/app/outbox",
        "/app/settings",
    ]
    for path in paths:
        problems[path] = check_page(page, path)
    # a returned audit opened for fixing, with the manager's note; and a failing outbox item
    page.goto("/app/returned")
    page.get_by_role("button", name="Fix and resubmit").click()
    page.wait_for_url("**/app/audit?id=*")
    problems["returned audit"] = check_page(page, page.url)
    assert page.get_by_text("The floor photo is blurred").is_visible()
    problems = {path: found for path, found in problems.items() if any(found.values())}
    assert problems == {}, json.dumps(problems, indent=1)
    assert page_errors == []


FOCUS_RING = """() => {
    const node = document.activeElement;
    // a styled radio, checkbox or file input shows its focus on what is drawn for it
    const drawn = node.matches('.choice input, .check input, .na input, .visually-hidden')
        ? node.nextElementSibling : node;
    const style = getComputedStyle(drawn);
    return {node: node.outerHTML.slice(0, 60),
            visible: style.outlineStyle !== 'none' && parseFloat(style.outlineWidth) >= 2};
}"""


def test_keyboard_focus_is_always_visible(phone, visit, page_errors):
    page = page_errors.watch(phone.new_page())
    log_in(page, visit.auditor.email)
    start_visit(page)
    page.keyboard.press("Tab")  # the skip link
    rings = []
    for _ in range(25):  # through the app bar into the checklist's first questions
        page.keyboard.press("Tab")
        rings.append(page.evaluate(FOCUS_RING))
    assert [ring for ring in rings if not ring["visible"]] == []
    assert any("radio" in ring["node"] for ring in rings)
    assert page_errors == []
