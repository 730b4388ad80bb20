"""Checklist versions through the API: drafts, publishing, versioning, readers."""

import copy

import pytest

from auditor.checklists.versions import default_definition
from tests.conftest import problem_of

SMALL = {
    "key": "quick-check",
    "title": "Quick check",
    "sections": [
        {
            "key": "front",
            "title": "Front",
            "questions": [{"key": "clean", "text": "Entrance clean", "type": "yes_no"}],
        }
    ],
}


def post(admin, definition):
    return admin.post("/api/v1/checklists", json=definition)


def test_posting_a_definition_makes_a_draft_version_1(admin):
    response = post(admin, SMALL)
    assert response.status_code == 201
    body = response.get_json()
    assert (body["key"], body["version"], body["status"]) == ("quick-check", 1, "draft")
    question = body["sections"][0]["questions"][0]
    # defaults are filled in
    assert question["weight"] == 1
    assert question["pass_on"] is True
    assert question["photo"] == "none"
    assert body["sections"][0]["phase"] == "visit"
    assert body["follow_up_days"] == 14
    assert body["action_threshold"] == 60


def test_the_default_checklist_round_trips(admin):
    definition = default_definition()
    body = post(admin, definition).get_json()
    read = admin.get(f"/api/v1/checklists/{body['id']}").get_json()
    for extra in ("id", "version", "status", "created_at", "published_at"):
        read.pop(extra)
    assert read == definition


def test_posting_again_replaces_the_draft(admin):
    first = post(admin, SMALL).get_json()
    changed = copy.deepcopy(SMALL)
    changed["title"] = "Quicker check"
    response = post(admin, changed)
    assert response.status_code == 200
    body = response.get_json()
    assert (body["id"], body["version"], body["title"]) == (first["id"], 1, "Quicker check")


def test_after_publishing_a_post_makes_the_next_version(admin):
    first = post(admin, SMALL).get_json()
    published = admin.post(f"/api/v1/checklists/{first['id']}/publish")
    assert published.status_code == 200
    assert published.get_json()["status"] == "published"
    assert published.get_json()["published_at"]
    changed = copy.deepcopy(SMALL)
    changed["title"] = "Second"
    second = post(admin, changed)
    assert second.status_code == 201
    assert second.get_json()["version"] == 2
    # the published version never changes
    assert admin.get(f"/api/v1/checklists/{first['id']}").get_json()["title"] == "Quick check"


def test_publishing_twice_changes_nothing(admin):
    first = post(admin, SMALL).get_json()
    once = admin.post(f"/api/v1/checklists/{first['id']}/publish").get_json()
    twice = admin.post(f"/api/v1/checklists/{first['id']}/publish")
    assert twice.status_code == 200
    assert twice.get_json() == once


def test_non_admins_read_published_versions_only(admin, login_as):
    draft = post(admin, SMALL).get_json()
    auditor = login_as("auditor")
    assert auditor.get(f"/api/v1/checklists/{draft['id']}").status_code == 404
    assert auditor.get("/api/v1/checklists").get_json()["total"] == 0
    admin.post(f"/api/v1/checklists/{draft['id']}/publish")
    listing = auditor.get("/api/v1/checklists").get_json()
    assert [c["id"] for c in listing["items"]] == [draft["id"]]
    assert auditor.get(f"/api/v1/checklists/{draft['id']}").status_code == 200


@pytest.mark.parametrize("role", ["manager", "auditor", "staff"])
def test_only_admins_write_checklists(admin, login_as, role):
    draft = post(admin, SMALL).get_json()
    user = login_as(role)
    assert user.post("/api/v1/checklists", json=SMALL).status_code == 403
    # a draft is out of their sight altogether
    assert user.post(f"/api/v1/checklists/{draft['id']}/publish").status_code == 403


def test_filters_by_key_and_status(admin):
    post(admin, SMALL)
    post(admin, default_definition())
    listing = admin.get("/api/v1/checklists?key=store-visit").get_json()
    assert [c["key"] for c in listing["items"]] == ["store-visit"]
    assert admin.get("/api/v1/checklists?status=published").get_json()["total"] == 0


def _with(path_value):
    definition = copy.deepcopy(SMALL)
    path, value = path_value
    target = definition
    *parents, last = path
    for part in parents:
        target = target[part]
    target[last] = value
    return definition


@pytest.mark.parametrize(
    ("change", "error_path"),
    [
        ((("sections", 0, "questions", 0, "type"), "essay"), "sections.0.questions.0.type"),
        ((("sections", 0, "questions", 0, "weight"), -1), "sections.0.questions.0.weight"),
        ((("sections", 0, "weight"), 0), "sections.0.weight"),
        (
            (("sections", 0, "questions", 0, "show_if"), {"question": "nope", "equals": True}),
            "sections.0.questions.0.show_if",
        ),
        ((("sections",), []), "sections"),
        ((("key",), "Not A Slug"), "key"),
        ((("sections", 0, "questions", 0, "min"), 1), "sections.0.questions.0.min"),
        ((("status",), "published"), "status"),
    ],
)
def test_invalid_definitions_answer_422_with_paths(admin, change, error_path):
    response = post(admin, _with(change))
    assert response.status_code == 422
    errors = problem_of(response)["errors"]
    assert error_path in errors, errors
    assert admin.get("/api/v1/checklists").get_json()["total"] == 0


def test_duplicate_question_keys_are_refused(admin):
    definition = copy.deepcopy(SMALL)
    definition["sections"].append(copy.deepcopy(definition["sections"][0]))
    definition["sections"][1]["key"] = "back"
    response = post(admin, definition)
    assert response.status_code == 422
    assert "sections.1.questions.0.key" in problem_of(response)["errors"]


def test_unsorted_bands_are_refused(admin):
    definition = copy.deepcopy(SMALL)
    definition["sections"][0]["questions"][0] = {
        "key": "wait",
        "text": "Wait",
        "type": "numeric",
        "bands": [{"max": 60, "score": 0.5}, {"max": 30, "score": 1}, {"max": None, "score": 0}],
    }
    response = post(admin, definition)
    assert response.status_code == 422
    assert "sections.0.questions.0.bands" in problem_of(response)["errors"]


def test_a_missing_checklist_answers_404(admin):
    assert admin.get("/api/v1/checklists/424242").status_code == 404
    assert admin.post("/api/v1/checklists/424242/publish").status_code == 404
