"""Warnings on the phone before submit (DESIGN §10.3, auditor side): a start far from the
store, a visit shorter than the checklist's `min_minutes`. They say why, and never block."""

import math
import re

import pytest

from tests.browser.conftest import log_in, run_axe, start_visit, wait_for
from tests.browser.test_after_visit import server_audit
from tests.browser.test_offline_visit import fill_checklist, take_photos

EARTH_RADIUS_M = 6_371_008.8
STORE = (52.52, 13.405)  # tests.api.audit_helpers.published_store


@pytest.fixture
def page(phone, visit, page_errors):
    page = page_errors.watch(phone.new_page())
    log_in(page, visit.auditor.email)
    yield page
    assert page_errors == []


def warnings(page) -> list[str]:
    return page.locator("#warning-list li").all_inner_texts()


def test_the_review_warns_of_a_far_start_and_a_short_visit_and_still_submits(
    phone, page, server, visit
):
    # 450 m due north of the store
    phone.set_geolocation(
        {"latitude": STORE[0] + math.degrees(450 / EARTH_RADIUS_M), "longitude": STORE[1]}
    )
    uuid = start_visit(page)
    wait_for(page, "async (uuid) => (await AuditorStore.getDraft(uuid)).geo !== null", uuid)
    fill_checklist(page)
    take_photos(page)
    page.get_by_role("link", name="Review and submit").click()
    page.wait_for_selector("body[data-ready=true]")
    assert page.get_by_role("heading", name="Before you submit").is_visible()
    assert warnings(page) == [
        "You were 450 m from the store when the visit started (more than 300 m).",
        "The visit lasted less than a minute; this checklist expects at least 8 minutes.",
    ]
    assert run_axe(page) == []  # the warning block passes the accessibility check too
    submit = page.get_by_role("button", name="Submit")
    assert submit.is_enabled()  # a warning, never a block
    submit.click()
    page.wait_for_url("**/app?queued=*")
    wait_for(page, "async () => (await AuditorStore.outboxItems()).length === 0", timeout=30)
    assert server_audit(uuid).status == "submitted"


def finished_after(page, uuid: str, minutes: int) -> str:
    """The "left the store at" input's value `minutes` after the visit's start, phone time."""
    return page.evaluate(
        """async ([uuid, minutes]) => {
            const draft = await AuditorStore.getDraft(uuid);
            const at = new Date(Date.parse(draft.startedAt) + minutes * 60000);
            const local = new Date(at.getTime() - at.getTimezoneOffset() * 60000);
            return local.toISOString().slice(0, 16);
        }""",
        [uuid, minutes],
    )


def test_a_visit_near_the_store_and_long_enough_gets_no_warning(page, visit):
    uuid = start_visit(page)
    wait_for(page, "async (uuid) => (await AuditorStore.getDraft(uuid)).geo !== null", uuid)
    page.get_by_role("link", name="Review and submit").click()
    page.wait_for_selector("body[data-ready=true]")
    assert len(warnings(page)) == 1  # just started: short, but near the store
    finished = page.get_by_label("Left the store at")
    # the input keeps whole minutes, so 5 minutes after a start at hh:mm:ss reads 4 or 5
    finished.fill(finished_after(page, uuid, 5))
    wait_for(
        page, "() => /lasted [45] minutes;/.test(document.getElementById('warnings').textContent)"
    )
    assert re.fullmatch(
        r"The visit lasted [45] minutes; this checklist expects at least 8 minutes\.",
        warnings(page)[0],
    )
    finished.fill(finished_after(page, uuid, 10))
    wait_for(page, "() => document.getElementById('warnings').hidden")
    assert warnings(page) == []
    lasted = page.evaluate(
        """async (uuid) => {
            const draft = await AuditorStore.getDraft(uuid);
            return (Date.parse(draft.finishedAt) - Date.parse(draft.startedAt)) / 60000;
        }""",
        uuid,
    )
    assert 9 < lasted <= 10  # the corrected time is the one kept for sending


def test_the_warning_texts_at_their_edges(page):
    cases = page.evaluate(
        """async () => {
            const w = await import('/static/js/warnings.js');
            const store = {lat: 52.52, lon: 13.405};
            const north = (m) => ({lat: 52.52 + (m / 6371008.8) * 180 / Math.PI, lon: 13.405});
            const at = (minutes) => new Date(Date.UTC(2026, 0, 5, 10, 0) + minutes * 60000)
                .toISOString();
            return {
                at300: w.farWarning(north(299.9), store),
                at301: w.farWarning(north(301), store),
                km: w.farWarning(north(12400), store),
                noGeo: w.farWarning(null, store),
                noStore: w.farWarning(north(5000), {lat: null, lon: null}),
                oneMinute: w.shortWarning(at(0), at(1.5), 8),
                justEnough: w.shortWarning(at(0), at(8), 8),
                noMinimum: w.shortWarning(at(0), at(0.1), 0),
                oneExpected: w.shortWarning(at(0), at(0.5), 1),
            };
        }"""
    )
    assert cases == {
        "at300": None,
        "at301": "You were 301 m from the store when the visit started (more than 300 m).",
        "km": "You were 12 km from the store when the visit started (more than 300 m).",
        "noGeo": None,
        "noStore": None,
        "oneMinute": "The visit lasted 1 minute; this checklist expects at least 8 minutes.",
        "justEnough": None,
        "noMinimum": None,
        "oneExpected": (
            "The visit lasted less than a minute; this checklist expects at least 1 minute."
        ),
    }
