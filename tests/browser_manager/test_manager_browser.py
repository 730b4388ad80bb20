"""The manager pages in a real browser: dashboard filters, the review flow, a CSV download."""

import csv
import io
import re
from pathlib import Path

from playwright.sync_api import expect

from auditor.core.extensions import db
from auditor.models import Audit
from tests.api.audit_helpers import Store
from tests.browser_manager.conftest import log_in
from tests.factories import UserFactory
from tests.web.page_world import audit


def test_dashboard_filters_apply_on_change_and_stay_in_the_region(browse, world):
    email, secrets = world.manager_a.email, world.secrets  # ORM reads stay in this thread

    def steps(page):
        log_in(page, email)
        expect(page).to_have_url(re.compile(r"/manager$"))
        table = page.locator("table.ranking tbody")
        expect(table).to_contain_text("Altona Flagship")
        expect(table).to_contain_text("Wedel Corner")
        page.get_by_label("Section").select_option("greeting")  # no button press: JS submits
        expect(page).to_have_url(re.compile(r"section=greeting"))
        expect(page.get_by_label("Section")).to_have_value("greeting")
        page.get_by_label("Window").select_option("30")
        expect(page).to_have_url(re.compile(r"days=30"))
        expect(page.get_by_role("button", name="Apply")).to_be_hidden()
        page.get_by_role("link", name="Wedel Corner").click()
        expect(page.get_by_role("heading", level=1)).to_contain_text("Wedel Corner")
        return page.content()

    html = browse(steps)
    for secret in secrets:
        assert secret not in html


def test_review_flow_return_with_a_note_then_approve(browse, world):
    second = audit(
        Store(world.checklist_id, world.weak_a.id, world.region_a.id, world.staff_a.id),
        world.weak_a,
        1,
        55.0,
        UserFactory(role="auditor"),
        status="submitted",
    )
    email, first, second_id = world.manager_a.email, world.submitted_a, second.id

    def steps(page):
        log_in(page, email, "/manager/review")
        expect(page.get_by_role("heading", level=1)).to_contain_text("2 waiting")
        page.locator(f"a[href='/manager/audits/{first}']").click()
        page.get_by_role("button", name="Return with note").click()
        expect(page.locator(".flash-error")).to_contain_text("Say what to fix")
        page.get_by_label("Note to the auditor").fill("The floor photo is blurry.")
        page.get_by_role("button", name="Return with note").click()
        expect(page.locator(".flash-info")).to_contain_text("Returned to the auditor")
        expect(page.get_by_role("heading", level=1)).to_contain_text("1 waiting")
        page.locator(f"a[href='/manager/audits/{second_id}']").click()
        page.get_by_role("button", name="Approve").click()
        expect(page.locator(".flash-info")).to_contain_text("Approved: Wedel Corner")
        expect(page.get_by_text("Nothing waiting for review.")).to_be_visible()

    browse(steps)
    db.session.commit()  # end the test's read snapshot: the server wrote meanwhile
    returned = db.session.get(Audit, world.submitted_a)
    assert (returned.status, returned.review_note) == ("returned", "The floor photo is blurry.")
    assert db.session.get(Audit, second_id).status == "approved"


def test_the_ranking_csv_downloads(browse, world):
    email = world.manager_a.email

    def steps(page):
        log_in(page, email)
        with page.expect_download() as download:
            page.get_by_role("link", name="Download CSV").click()
        value = download.value
        return value.suggested_filename, Path(value.path()).read_text(encoding="utf-8")

    name, text = browse(steps)
    assert name == "ranking-store-visit-90d.csv"
    rows = list(csv.reader(io.StringIO(text)))
    assert rows[0][:3] == ["rank", "previous_rank", "location_code"]
    assert [row[2] for row in rows[1:]] == ["AAA-01", "AAA-02"]
    assert "BBB-01" not in text
