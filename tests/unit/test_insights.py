"""Heatmap, weakest questions and trends aggregated in SQL (runs on the test database)."""

from datetime import timedelta

import pytest
from sqlalchemy import select

from auditor.checklists import versions
from auditor.core.extensions import db
from auditor.insights import breakdowns
from auditor.insights.queries import Scope, scope_filters
from auditor.models import Answer, Audit, Location, Region, utcnow
from tests.api.audit_helpers import published_store
from tests.api.insight_helpers import approved
from tests.factories import LocationFactory, UserFactory


@pytest.fixture
def world(app):
    store = published_store()
    auditor = UserFactory(role="auditor")
    other = LocationFactory(region=db.session.get(Region, store.region_id))
    return store, auditor, other


def audit_with(store, location_id, auditor, days_ago, answers, score=70.0, sections=None):
    audit = approved(
        store, location_id, score, days_ago, auditor_id=auditor.id, sections=sections or {}
    )
    for key, earned, possible, na in answers:
        audit.answers.append(
            Answer(question_key=key, value=None, na=na, earned=earned, possible=possible)
        )
    db.session.commit()
    return audit


def window():
    now = utcnow()
    return now - timedelta(days=90), now


def test_heatmap_means_per_location_and_section(world):
    store, auditor, other = world
    audit_with(store, store.location_id, auditor, 5, [], sections={"greeting": 80, "music": 40})
    audit_with(store, store.location_id, auditor, 6, [], sections={"greeting": 60, "music": None})
    audit_with(store, other.id, auditor, 7, [], sections={"greeting": 100})
    audit_with(store, other.id, auditor, 200, [], sections={"greeting": 0})  # outside
    cells = breakdowns.heatmap(db.session, Scope([store.region_id], "store-visit"), *window())
    assert cells[(store.location_id, "greeting")] == breakdowns.Cell(2, 70.0)
    assert cells[(store.location_id, "music")] == breakdowns.Cell(1, 40.0)
    assert cells[(other.id, "greeting")] == breakdowns.Cell(1, 100.0)
    means = breakdowns.column_means(cells)
    assert means["greeting"].n == 3
    assert means["greeting"].mean == pytest.approx(80.0)


def test_weakest_questions_by_failure_rate_skip_na_and_unscored(world):
    store, auditor, other = world
    audit_with(
        store, store.location_id, auditor, 1, [("welcome", 0, 1, False), ("tidy", 1, 2, False)]
    )
    audit_with(
        store, store.location_id, auditor, 2, [("welcome", 1, 1, False), ("tidy", 0.5, 2, False)]
    )
    audit_with(store, other.id, auditor, 3, [("welcome", 0, 1, False), ("tidy", None, None, True)])
    scope = Scope([store.region_id], "store-visit")
    rows = breakdowns.weakest_questions(db.session, scope, *window())
    assert [(r["key"], r["n"], r["failed"]) for r in rows] == [("welcome", 3, 2), ("tidy", 2, 1)]
    assert rows[0]["rate"] == pytest.approx(2 / 3)
    assert rows[0]["section"] == "greeting"
    assert rows[0]["text"]
    mine = breakdowns.weakest_questions(db.session, scope, *window(), location_id=other.id)
    assert [(r["key"], r["failed"]) for r in mine] == [("welcome", 1)]
    music = breakdowns.weakest_questions(db.session, Scope(None, "store-visit", "music"), *window())
    assert music == []


def test_failed_answers_name_the_audits(world):
    store, auditor, other = world
    bad = audit_with(store, other.id, auditor, 1, [("welcome", 0, 1, False)])
    audit_with(store, other.id, auditor, 2, [("welcome", 1, 1, False)])
    found = breakdowns.failed_answers(
        db.session, Scope([store.region_id], "store-visit"), *window(), "welcome"
    )
    assert [audit.id for audit, _answer in found] == [bad.id]


def test_monthly_trends_in_one_grouped_query(world):
    store, auditor, other = world
    for days_ago, score in ((1, 60), (2, 80), (40, 50), (100, 90)):
        audit_with(store, store.location_id, auditor, days_ago, [], score=score)
    trends = breakdowns.monthly_trends(db.session, Scope(None, "store-visit"), utcnow())
    series = trends[store.location_id]
    assert sum(1 for _ in series) >= 2
    assert all(len(label) == 7 for label, _ in series)
    assert other.id not in trends


def test_sections_and_question_text_come_from_the_newest_version(world):
    keys = [key for key, _title in breakdowns.sections_of(db.session, "store-visit")]
    assert keys[:2] == ["greeting", "music"]
    assert breakdowns.question_text(db.session, "store-visit", "nope") is None
    assert breakdowns.question_text(db.session, "store-visit", "welcome")["section"] == "greeting"


def test_a_scope_takes_every_version_of_its_checklist_and_no_other_checklist(world):
    store, auditor, _other = world
    definition = versions.parse_definition(versions.default_definition())
    second, _ = versions.save_definition(db.session, None, definition)  # store-visit v2
    kiosk, _ = versions.save_definition(db.session, None, {**definition, "key": "kiosk"})
    db.session.commit()
    for checklist_id, score in ((store.checklist_id, 10.0), (second.id, 20.0), (kiosk.id, 30.0)):
        approved(
            store, store.location_id, score, 1, auditor_id=auditor.id, checklist_id=checklist_id
        )
    elsewhere = LocationFactory()  # another region
    approved(store, elsewhere.id, 40.0, 1, auditor_id=auditor.id)
    scores = select(Audit.score_overall).order_by(Audit.score_overall)
    in_region = scope_filters(Scope([store.region_id], "store-visit"))
    assert db.session.scalars(scores.where(*in_region)).all() == [10.0, 20.0]
    everywhere = scope_filters(Scope(None, "store-visit"))
    assert db.session.scalars(scores.where(*everywhere)).all() == [10.0, 20.0, 40.0]


def test_a_store_against_its_region(world):
    store, auditor, other = world
    audit_with(store, store.location_id, auditor, 5, [], sections={"greeting": 80})
    audit_with(store, other.id, auditor, 6, [], sections={"greeting": 40, "music": 50})
    place = db.session.get(Location, store.location_id)
    own, region = breakdowns.store_against_region(db.session, place, "store-visit", *window())
    assert own == {"greeting": breakdowns.Cell(1, 80.0)}
    assert region == {"greeting": breakdowns.Cell(2, 60.0), "music": breakdowns.Cell(1, 50.0)}


def test_the_heatmap_rows_leave_out_closed_stores_without_audits(world):
    store, auditor, other = world
    closed_audited = LocationFactory(region=other.region, code="ZZZ-1", active=False)
    LocationFactory(region=other.region, code="ZZZ-2", active=False)
    audit_with(store, closed_audited.id, auditor, 5, [], sections={"greeting": 80})
    scope = Scope([store.region_id], "store-visit")
    table = breakdowns.heatmap_table(db.session, scope, *window())
    codes = [location.code for location in table["locations"]]
    assert codes == sorted([other.code, db.session.get(Location, store.location_id).code, "ZZZ-1"])
    assert table["means"]["greeting"] == breakdowns.Cell(1, 80.0)
