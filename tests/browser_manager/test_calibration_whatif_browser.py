"""Calibration and what-if in a real browser, under the Content-Security-Policy: a manager
reaches calibration from the nav and reads the flags and charts; an admin opens a draft's
what-if from the checklist list, reads the movers and publishes from there."""

import copy
import re

from playwright.sync_api import Page, expect

from auditor.core.extensions import db
from auditor.models import Checklist
from tests.api.test_what_if import MINI
from tests.api.test_what_if import world as what_if_world  # noqa: F401  (a fixture)
from tests.browser_manager.conftest import log_in
from tests.factories import UserFactory
from tests.web.test_calibration_page import calibrated  # noqa: F401  (a fixture)


def test_a_manager_reads_calibration_from_the_nav(browse, calibrated):  # noqa: F811
    email = calibrated["manager"].email

    def steps(page: Page):
        log_in(page, email, "/manager")
        page.get_by_role("link", name="Calibration").click()
        expect(page).to_have_url(re.compile(r"/manager/calibration"))
        rows = page.locator("table.calibration tbody tr")
        expect(rows).to_have_count(3)
        first_two = {rows.nth(i).locator("th").inner_text() for i in range(2)}
        charts = page.get_by_role("img", name=re.compile("Scores of Hugo against their peers"))
        expect(charts).to_have_count(1)
        page.screenshot(path="/tmp/calibration-page.png", full_page=True)
        return first_two, rows.nth(2).locator("td").first.inner_text()

    first_two, fay_flag = browse(steps)
    assert first_two == {"Hugo", "Lena"}
    assert fay_flag == "\N{EN DASH}"  # no flag


def test_an_admin_sees_the_what_if_before_publishing(browse, admin, what_if_world):  # noqa: F811
    definition = copy.deepcopy(MINI)
    definition["sections"][0]["questions"][1]["weight"] = 3
    draft_id = admin.post("/api/v1/checklists", json=definition).get_json()["id"]
    email = UserFactory(role="admin").email
    region = what_if_world["region"].name

    def steps(page: Page):
        log_in(page, email, "/admin/checklists")
        page.get_by_role("link", name="What if… then publish").click()
        page.get_by_label("Region").select_option(label=region)  # applies itself (pages.js)
        expect(page).to_have_url(re.compile(r"region_id=\d+"))
        page.wait_for_load_state()
        expect(page.locator(".summary strong").first).to_have_text("5")
        movers = page.locator("ul.movers li").all_inner_texts()
        page.screenshot(path="/tmp/whatif-page.png", full_page=True)
        page.get_by_role("button", name="Publish mini v2").click()
        expect(page).to_have_url(re.compile(r"/admin/checklists$"))
        expect(page.get_by_text("Published mini v2.")).to_be_visible()
        return movers

    movers = browse(steps)
    assert any("rank 2 → 1 (up 1)" in mover for mover in movers)
    db.session.commit()
    assert db.session.get(Checklist, draft_id).status == "published"
