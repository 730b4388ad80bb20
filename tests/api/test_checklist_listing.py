"""`GET /api/v1/checklists` lists paged summaries, cheaply; an audit can answer every question
of the largest checklist a definition may have."""

from auditor.checklists import versions
from auditor.checklists.definition import MAX_QUESTIONS
from auditor.core.extensions import db
from tests.api.audit_helpers import audit_body, new_uuid, published_store
from tests.api.test_query_counts import statements_of
from tests.conftest import problem_of


def post_versions(admin, count: int, first: int = 0) -> None:
    definition = versions.default_definition()
    for number in range(first, first + count):
        body = {**definition, "key": f"visit-{number}", "title": f"Visit {number}"}
        assert admin.post("/api/v1/checklists", json=body).status_code == 201


def test_the_list_carries_summaries_without_sections(admin):
    post_versions(admin, 3)
    page = admin.get("/api/v1/checklists?per_page=2").get_json()
    assert page["total"] == 3
    assert page["per_page"] == 2
    assert len(page["items"]) == 2
    first = page["items"][0]
    assert {"id", "key", "title", "version", "status"} <= set(first)
    assert "sections" not in first
    one = admin.get(f"/api/v1/checklists/{first['id']}").get_json()
    assert one["sections"]


def test_the_list_costs_the_same_for_one_version_or_many(app, admin):
    post_versions(admin, 1)
    few = statements_of(app, lambda: admin.get("/api/v1/checklists"))
    post_versions(admin, 6, first=1)
    many = statements_of(app, lambda: admin.get("/api/v1/checklists"))
    assert len(many) == len(few)
    assert not any("checklist_questions" in sql for sql in many)


def test_answers_are_capped_by_the_largest_checklist_not_below_it(app, login_as):
    store = published_store()
    auditor = login_as("auditor")
    answers = [{"question": f"q{n}", "value": True} for n in range(600)]
    response = auditor.put(f"/api/v1/audits/{new_uuid()}", json=audit_body(store, answers=answers))
    # unknown questions are refused by the checklist, never by the count of answers
    assert "answers" not in problem_of(response).get("errors", {})
    too_many = [{"question": "q", "value": True}] * (MAX_QUESTIONS + 1)
    response = auditor.put(f"/api/v1/audits/{new_uuid()}", json=audit_body(store, answers=too_many))
    assert response.status_code == 422
    assert "answers" in problem_of(response)["errors"]
    db.session.rollback()
