"""POST /api/v1/checklists/<id>/what-if (DESIGN §10.6) against scores and ranks by hand."""

import copy

import pytest
from sqlalchemy import event, func, select

from auditor.checklists import scoring, versions
from auditor.core.extensions import db
from auditor.models import Answer, Audit, AuditLogEntry, Checklist, ChecklistQuestion, Region
from tests.api.insight_helpers import approved
from tests.conftest import problem_of
from tests.factories import LocationFactory, RegionFactory, UserFactory

# two sections of weight 1: service (greet, smile: yes/no) and floor (tidy: scale 1-5)
MINI = {
    "key": "mini",
    "title": "Mini visit",
    "sections": [
        {
            "key": "service",
            "title": "Service",
            "questions": [
                {"key": "greet", "text": "Greeted?", "type": "yes_no"},
                {"key": "smile", "text": "Smiled?", "type": "yes_no"},
            ],
        },
        {
            "key": "floor",
            "title": "Floor",
            "questions": [{"key": "tidy", "text": "Tidy?", "type": "scale"}],
        },
    ],
}
# the audits per store (greet, smile, tidy) and their overall scores under MINI:
# A 75, 75; B 50, 50; C 75 -> m = 65, k = 3: A 69, C 67.5, B 59
VISITS = {
    "A": [(True, False, 5), (True, False, 5)],
    "B": [(True, True, 1), (False, True, 3)],
    "C": [(True, True, 3)],
}


def shrunk_ranking(means: dict[str, list[float]], k: float = 3) -> dict[str, tuple[float, int]]:
    """§4 by hand: shrink toward the mean of all audits, rank best first (no ties here)."""
    every = [score for scores in means.values() for score in scores]
    m = sum(every) / len(every)
    scores = {
        code: (len(s) * (sum(s) / len(s)) + k * m) / (len(s) + k) for code, s in means.items()
    }
    order = sorted(scores, key=lambda code: -scores[code])
    return {code: (scores[code], order.index(code) + 1) for code in scores}


@pytest.fixture
def world(app):
    definition = versions.parse_definition(MINI)
    published, _ = versions.save_definition(db.session, None, definition)
    versions.publish(db.session, None, published)
    region, elsewhere = RegionFactory(), RegionFactory()
    auditor = UserFactory(role="auditor")
    stores = {code: LocationFactory(region=region, code=code) for code in VISITS}
    stores["Z"] = LocationFactory(region=elsewhere, code="Z")
    visits = {**VISITS, "Z": [(False, False, 1)]}
    for code, answers in visits.items():
        for day, (greet, smile, tidy) in enumerate(answers, start=1):
            given = {"greet": greet, "smile": smile, "tidy": tidy}
            result = scoring.score_audit(
                definition, {k: scoring.Answer(v) for k, v in given.items()}
            )
            audit = approved(
                None,
                stores[code].id,
                result.overall,
                day,
                auditor_id=auditor.id,
                checklist_id=published.id,
            )
            audit.answers.extend(Answer(question_key=k, value=v) for k, v in given.items())
    approved(None, stores["A"].id, 0.0, 200, auditor_id=auditor.id, checklist_id=published.id)
    db.session.commit()
    return {"published": published, "region": region, "elsewhere": elsewhere, "stores": stores}


def draft_of(admin, change) -> int:
    definition = copy.deepcopy(MINI)
    change(definition)
    response = admin.post("/api/v1/checklists", json=definition)
    assert response.status_code == 201, response.get_json()
    assert response.get_json()["status"] == "draft"
    return response.get_json()["id"]


def what_if(admin, draft_id, **body):
    response = admin.post(f"/api/v1/checklists/{draft_id}/what-if", json=body)
    assert response.status_code == 200, response.get_json()
    return response.get_json()


def by_code(body) -> dict:
    return {item["location"]["code"]: item for item in body["items"]}


def smile_weighs_three(definition):
    definition["sections"][0]["questions"][1]["weight"] = 3


def test_a_heavier_question_moves_the_expected_store(admin, world):
    body = what_if(admin, draft_of(admin, smile_weighs_three), region_id=world["region"].id)
    items = by_code(body)
    assert body["audits"] == 5
    assert set(items) == {"A", "B", "C"}
    current = shrunk_ranking({"A": [75, 75], "B": [50, 50], "C": [75]})
    # under the draft, service = (greet + 3 smile) / 4: A 62.5, 62.5; B 50, 62.5; C 75
    draft = shrunk_ranking({"A": [62.5, 62.5], "B": [50, 62.5], "C": [75]})
    for code in "ABC":
        for side, expected in (("current", current), ("draft", draft)):
            score, rank = expected[code]
            assert items[code][side]["score"] == pytest.approx(score, abs=1e-9)
            assert items[code][side]["rank"] == rank
    assert (items["C"]["current"]["rank"], items["C"]["draft"]["rank"]) == (2, 1)
    assert [item["location"]["code"] for item in body["items"]] == ["C", "A", "B"]


def test_current_is_what_the_rankings_endpoint_answers(admin, world):
    draft_id = draft_of(admin, smile_weighs_three)
    for region in (None, world["region"].id):
        body = what_if(admin, draft_id, days=90, region_id=region)
        query = "?checklist=mini&days=90" + (f"&region_id={region}" if region else "")
        ranking = admin.get(f"/api/v1/rankings{query}").get_json()
        expected = {
            item["location"]["code"]: {"score": item["score"], "rank": item["rank"]}
            for item in ranking["items"]
        }
        assert {code: item["current"] for code, item in by_code(body).items()} == expected
    assert "Z" in by_code(what_if(admin, draft_id))  # all regions by default


def test_missing_removed_and_misfit_answers(admin, world):
    def change(definition):
        service, floor = definition["sections"]
        service["questions"][1] = {"key": "music", "text": "Music ok?", "type": "yes_no"}
        floor["questions"][0]["max"] = 3  # a tidy of 5 no longer fits: it counts as N/A

    items = by_code(what_if(admin, draft_of(admin, change), region_id=world["region"].id))
    # smile is dropped, music is missing everywhere (N/A): service = greet;
    # floor = (tidy - 1) / 2 for tidy <= 3, N/A for A's fives: A 100 (service only), 100;
    # B 100 and 0 -> 50, 0 and 100 -> 50; C 100 and 100 -> 100
    draft = shrunk_ranking({"A": [100, 100], "B": [50, 50], "C": [100]})
    for code in "ABC":
        assert items[code]["draft"]["score"] == pytest.approx(draft[code][0], abs=1e-9)
        assert items[code]["draft"]["rank"] == draft[code][1]


def test_an_unchanged_draft_changes_nothing(admin, world):
    draft_id = draft_of(admin, lambda definition: None)
    for item in what_if(admin, draft_id)["items"]:
        assert item["draft"]["rank"] == item["current"]["rank"]
        assert item["draft"]["score"] == pytest.approx(item["current"]["score"], abs=1e-9)


def test_a_critical_failure_under_the_draft_scores_zero(admin, world):
    def change(definition):
        definition["sections"][0]["questions"][0]["critical"] = True

    items = by_code(what_if(admin, draft_of(admin, change), region_id=world["region"].id))
    draft = shrunk_ranking({"A": [75, 75], "B": [50, 0], "C": [75]})  # B's second: no greeting
    assert items["B"]["draft"]["score"] == pytest.approx(draft["B"][0], abs=1e-9)


def counts() -> dict:
    session = db.session
    return {
        model.__name__: session.scalar(select(func.count()).select_from(model))
        for model in (Audit, Answer, AuditLogEntry, Checklist, ChecklistQuestion)
    } | {"scores": sorted(session.scalars(select(Audit.score_overall)))}


def test_nothing_is_stored(admin, world):
    draft_id = draft_of(admin, smile_weighs_three)
    before = counts()
    what_if(admin, draft_id, days=30)
    db.session.commit()
    assert counts() == before
    assert db.session.get(Checklist, draft_id).status == "draft"


def test_refusals(admin, login_as, world):
    draft_id = draft_of(admin, smile_weighs_three)
    manager = login_as("manager", regions=[world["region"]])
    cases = [
        (manager, draft_id, {}, 403),
        (login_as("auditor"), draft_id, {}, 403),
        (admin, 999_999, {}, 404),
        (admin, world["published"].id, {}, 409),
        (admin, draft_id, {"region_id": 999_999}, 404),
        (admin, draft_id, {"days": 0}, 422),
        (admin, draft_id, {"days": "many"}, 422),
        (admin, draft_id, {"section": "service"}, 422),
    ]
    for client, checklist_id, body, status in cases:
        response = client.post(f"/api/v1/checklists/{checklist_id}/what-if", json=body)
        assert response.status_code == status, (body, response.get_json())
        problem_of(response)


def test_an_empty_window_answers_no_items(admin, world):
    region = db.session.get(Region, RegionFactory().id)
    body = what_if(admin, draft_of(admin, smile_weighs_three), region_id=region.id)
    assert (body["audits"], body["items"]) == (0, [])


def test_the_statements_do_not_grow_with_the_audits(app, admin, world):
    draft_id = draft_of(admin, smile_weighs_three)

    def count():
        seen = []
        with app.app_context():
            engine = db.engine
        listener = lambda *args: seen.append(1)  # noqa: E731
        event.listen(engine, "before_cursor_execute", listener)
        try:
            what_if(admin, draft_id)
        finally:
            event.remove(engine, "before_cursor_execute", listener)
        return len(seen)

    before = count()
    auditor = UserFactory(role="auditor")
    for store in world["stores"].values():
        for day in range(3):
            audit = approved(
                None,
                store.id,
                60.0,
                day + 1,
                auditor_id=auditor.id,
                checklist_id=world["published"].id,
            )
            audit.answers.append(Answer(question_key="greet", value=True))
    db.session.commit()
    assert count() == before
