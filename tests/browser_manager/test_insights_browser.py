"""The manager's insight pages in a real browser: the heatmap, and the path from the ranking to
the weakest store and the question that sinks it (in at most three clicks)."""

import re
from datetime import timedelta

from playwright.sync_api import Page, expect
from sqlalchemy import func, select

from auditor.checklists.versions import DEFAULT_CHECKLIST_KEY
from auditor.core.extensions import db
from auditor.insights import breakdowns
from auditor.insights.breakdowns import FAILED_SHARE
from auditor.insights.queries import Scope
from auditor.models import Answer, Audit, Location, utcnow
from tests.api.audit_helpers import Store
from tests.api.insight_helpers import approved
from tests.browser_manager.conftest import log_in
from tests.factories import UserFactory
from tests.web.page_world import World, audit

# an old visit to the weak store: inside the default 90-day window, outside the 30-day one
OLD_VISIT = {"greeting": 20.0, "music": 30.0, "layout": 40.0, "knowledge": 10.0}


def store_of(world: World, location: Location) -> Store:
    """The world's checklist at one of its stores, for the audit helpers."""
    return Store(world.checklist_id, location.id, location.region_id, world.staff_a.id)


def fmt(value: float | None) -> str:
    """A number as the manager templates print it."""
    return "\N{EN DASH}" if value is None else f"{value:.1f}"


def heatmap_rows(world: World, days: int) -> tuple[list[str], list[list[str]], list[str]]:
    """Region A's heatmap as the page should show it: row headers, cell texts, column means."""
    sections = breakdowns.sections_of(db.session, DEFAULT_CHECKLIST_KEY)
    now = utcnow()
    scope = Scope([world.region_a.id], DEFAULT_CHECKLIST_KEY)
    cells = breakdowns.heatmap(db.session, scope, now - timedelta(days=days), now)
    stores = db.session.scalars(
        select(Location)
        .where(Location.region_id == world.region_a.id, Location.active.is_(True))
        .order_by(Location.code)
    ).all()
    texts = []
    for store in stores:
        row = [cells.get((store.id, key)) for key, _title in sections]
        texts.append([f"{fmt(c.mean)} n={c.n}" if c else fmt(None) for c in row])
    means = breakdowns.column_means(cells)
    footer = [fmt(means[key].mean) if key in means else fmt(None) for key, _title in sections]
    return [f"{s.name} {s.code}" for s in stores], texts, footer


def test_heatmap_shows_the_region_by_section_and_leads_to_a_store(browse, world):
    approved(
        store_of(world, world.weak_a),
        world.weak_a.id,
        25.0,
        60,
        auditor_id=UserFactory(role="auditor").id,
        sections=OLD_VISIT,
    )
    sections = breakdowns.sections_of(db.session, DEFAULT_CHECKLIST_KEY)
    titles = [title for _key, title in sections]
    (first_key, first_title), *_others = sections
    names, cells_90, footer_90 = heatmap_rows(world, 90)
    _names, cells_30, footer_30 = heatmap_rows(world, 30)
    assert cells_90 != cells_30  # the old visit counts in one window only
    email, secrets, other_store = world.manager_a.email, world.secrets, world.store_b.name
    weak_id, weak_name = world.weak_a.id, world.weak_a.name

    def expect_cells(page: Page, cells: list[list[str]], footer: list[str]) -> None:
        rows = page.get_by_role("table").locator("tbody tr")
        expect(rows).to_have_count(len(cells))
        for index, texts in enumerate(cells):
            expect(rows.nth(index).get_by_role("cell")).to_have_text(texts)
        expect(page.get_by_role("table").locator("tfoot td")).to_have_text(footer)

    def steps(page: Page) -> str:
        log_in(page, email)
        page.get_by_role("navigation", name="Manager pages").get_by_role(
            "link", name="Heatmap"
        ).click()
        expect(page.get_by_role("heading", level=1)).to_have_text("Heatmap: stores by section")
        table = page.get_by_role("table")
        expect(table.locator("thead").get_by_role("columnheader")).to_have_text(["Store", *titles])
        expect(table.locator("tbody").get_by_role("rowheader")).to_have_text(names)
        expect(table).not_to_contain_text(other_store)
        expect_cells(page, cells_90, footer_90)
        html = page.content()
        expect(page.get_by_label("Section")).to_have_count(0)  # sections are the columns
        page.get_by_label("Window").select_option("30")  # no button press: JS submits
        expect(page).to_have_url(re.compile(r"/manager/heatmap\?.*days=30"))
        expect_cells(page, cells_30, footer_30)
        # a section's heading opens the weakest questions of that section, same window
        page.get_by_role("columnheader").get_by_role("link", name=first_title).click()
        expect(page).to_have_url(re.compile(rf"/manager/weakest\?.*section={first_key}"))
        expect(page.get_by_label("Section")).to_have_value(first_key)
        expect(page.get_by_label("Window")).to_have_value("30")
        page.go_back()
        page.get_by_role("rowheader").get_by_role("link", name=weak_name).click()
        expect(page).to_have_url(re.compile(rf"/manager/locations/{weak_id}\?.*days=30"))
        expect(page.get_by_role("heading", level=1)).to_contain_text(weak_name)
        expect(page.get_by_label("Window")).to_have_value("30")
        return html + page.content()

    html = browse(steps)
    for secret in secrets:
        assert secret not in html


def ranked_stores_of_region(world: World) -> list[int]:
    """Region A's stores with approved audits in the last 90 days, lowest mean score last."""
    means = db.session.execute(
        select(Audit.location_id, func.avg(Audit.score_overall))
        .join(Location, Location.id == Audit.location_id)
        .where(
            Location.region_id == world.region_a.id,
            Audit.status == "approved",
            Audit.finished_at >= utcnow() - timedelta(days=90),
        )
        .group_by(Audit.location_id)
    ).all()
    return [location_id for location_id, _mean in sorted(means, key=lambda row: -row[1])]


def approved_answers(location: Location):
    """A query for the answers of the store's approved audits of the last 90 days."""
    return (
        select(Answer)
        .join(Audit, Audit.id == Answer.audit_id)
        .where(
            Audit.location_id == location.id,
            Audit.status == "approved",
            Audit.finished_at >= utcnow() - timedelta(days=90),
        )
    )


def failure_rates(location: Location) -> dict[str, tuple[int, int]]:
    """Per question key, (failed, answered) over the store's approved audits."""
    answers = db.session.scalars(approved_answers(location)).all()
    rates: dict[str, tuple[int, int]] = {}
    for answer in answers:
        failed, n = rates.get(answer.question_key, (0, 0))
        rates[answer.question_key] = (
            failed + (answer.earned < FAILED_SHARE * answer.possible),
            n + 1,
        )
    return rates


def test_the_weakest_store_and_the_question_that_sinks_it_in_three_clicks(browse, world):
    # one more visit failing "welcome" alone: it becomes the store's worst question outright
    auditor = UserFactory(role="auditor")
    made = audit(store_of(world, world.weak_a), world.weak_a, 5, 45.0, auditor, failed=("welcome",))
    welcome = next(answer for answer in made.answers if answer.question_key == "welcome")
    welcome.comment = "Walked past me without a word"
    db.session.commit()
    ranked = ranked_stores_of_region(world)
    weakest = db.session.get(Location, ranked[-1])
    assert weakest.id == world.weak_a.id
    rates = failure_rates(weakest)
    worst = max(rates, key=lambda key: rates[key][0] / rates[key][1])
    ordered = sorted((failed / n for failed, n in rates.values()), reverse=True)
    assert ordered[0] > ordered[1]  # one worst question, not a tie broken by its key
    question = breakdowns.question_text(db.session, DEFAULT_CHECKLIST_KEY, worst)["text"]
    failed_here = approved_answers(weakest).where(
        Answer.question_key == worst, Answer.earned < FAILED_SHARE * Answer.possible
    )
    comments = sorted(answer.comment for answer in db.session.scalars(failed_here))
    email, secrets, store_name = world.manager_a.email, world.secrets, weakest.name
    failed, answered = rates[worst]
    stores = len(ranked)

    def steps(page: Page) -> tuple[list[str], str]:
        clicks = []

        def click(locator) -> None:
            clicks.append(locator)
            locator.click()

        log_in(page, email)
        expect(page).to_have_url(re.compile(r"/manager$"))
        rows = page.get_by_role("table").locator("tbody").get_by_role("row")
        expect(rows).to_have_count(stores)
        expect(rows.last).to_contain_text(store_name)  # the last row: the lowest rank
        ranks = [int(r.get_by_role("cell").first.inner_text()) for r in rows.all()]
        assert ranks[-1] == max(ranks) > ranks[0]
        click(rows.last.get_by_role("link", name=store_name))
        expect(page.get_by_role("heading", level=1)).to_contain_text(store_name)
        html = page.content()
        weakest_here = page.get_by_role("table").filter(
            has=page.get_by_role("columnheader", name="Failed here")
        )
        first = weakest_here.locator("tbody").get_by_role("row").first
        expect(first.get_by_role("link")).to_have_text(question)
        expect(first.get_by_role("cell").nth(2)).to_have_text(
            f"{100 * failed / answered:.0f} % ({failed}/{answered})"
        )
        click(first.get_by_role("link", name=question))
        expect(page.get_by_role("heading", level=1)).to_have_text(question)
        expect(page.locator(".crumbs").get_by_role("link", name=store_name)).to_be_visible()
        failures = page.get_by_role("table").locator("tbody").get_by_role("row")
        expect(failures).to_have_count(failed)
        for row in failures.all():
            expect(row).to_contain_text(store_name)
        assert len(clicks) <= 3
        return failures.locator("td:nth-child(4)").all_inner_texts(), html + page.content()

    shown, html = browse(steps)
    assert sorted(shown) == comments
    assert all(comments)
    for secret in secrets:
        assert secret not in html
