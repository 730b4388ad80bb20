"""Every refusal is RFC 9457 problem+json with the documented status."""

import pytest

from tests.conftest import problem_of


def test_malformed_json_answers_400(admin):
    response = admin.post(
        "/api/v1/regions", data="{not json", headers={"Content-Type": "application/json"}
    )
    body = problem_of(response)
    assert response.status_code == 400
    assert "JSON" in body["detail"]


@pytest.mark.parametrize("path", ["/api/v1/nothing-here", "/api/v1/regions/999999", "/api/"])
def test_unknown_api_paths_answer_404_problems(admin, path):
    response = admin.get(path)
    assert response.status_code == 404
    problem_of(response)


def test_method_not_allowed_answers_405_with_allow(admin):
    response = admin.delete("/api/v1/regions")
    assert response.status_code == 405
    problem_of(response)
    assert set(response.headers["Allow"].replace(" ", "").split(",")) >= {"GET", "POST"}


def test_body_over_the_limit_answers_413(app, admin):
    app.config["MAX_CONTENT_LENGTH"] = 1024
    response = admin.post("/api/v1/regions", json={"name": "x" * 4096})
    assert response.status_code == 413
    problem_of(response)


@pytest.mark.parametrize(
    "body",
    [
        {"name": "North", "id": 7},
        {"name": "North", "status": "approved"},
        {"name": "North", "score": 100},
    ],
)
def test_unknown_fields_answer_422_and_assign_nothing(admin, body):
    response = admin.post("/api/v1/regions", json=body)
    problem = problem_of(response)
    assert response.status_code == 422
    extra = (set(body) - {"name"}).pop()
    assert extra in problem["errors"]
    assert admin.get("/api/v1/regions").get_json()["total"] == 0


def test_validation_errors_are_keyed_by_field(admin):
    response = admin.post("/api/v1/regions", json={})
    assert response.status_code == 422
    assert problem_of(response)["errors"] == {"name": ["Missing data for required field."]}


@pytest.mark.parametrize("body", ["[]", '"text"', "42", "null"])
def test_a_body_that_is_not_an_object_answers_4xx(admin, body):
    response = admin.post(
        "/api/v1/regions", data=body, headers={"Content-Type": "application/json"}
    )
    assert response.status_code in (400, 422)
    problem_of(response)


def test_requests_without_credentials_answer_401_not_a_redirect(client):
    response = client.get("/api/v1/regions", headers={"Accept": "text/html"})
    assert response.status_code == 401
    problem_of(response)


def test_a_bad_bearer_token_answers_401(client):
    response = client.get("/api/v1/me", headers={"Authorization": "Bearer nope"})
    assert response.status_code == 401
    problem_of(response)


def test_role_wide_denials_answer_403(login_as):
    staff = login_as("staff")
    for path in ("/api/v1/regions", "/api/v1/locations", "/api/v1/users"):
        response = staff.get(path)
        assert response.status_code == 403, path
        problem_of(response)


@pytest.mark.parametrize("query", ["page=0", "per_page=0", "per_page=100000", "page=x"])
def test_bad_pagination_answers_422(admin, query):
    response = admin.get(f"/api/v1/regions?{query}")
    assert response.status_code == 422
    problem_of(response)


def test_unknown_query_parameters_are_ignored(admin):
    assert admin.get("/api/v1/regions?_=12345").status_code == 200


@pytest.mark.parametrize(
    ("method", "path", "body", "status"),
    [
        ("GET", "/api/v1/regions/99999999999999999999", None, 404),
        ("GET", "/api/v1/regions/0", None, 404),
        ("GET", "/api/v1/regions?page=99999999999", None, 422),
        ("GET", "/api/v1/locations?region_id=99999999999", None, 422),
        ("POST", "/api/v1/locations", {"code": "A", "name": "A", "region_id": 2**40}, 422),
        ("POST", "/api/v1/regions", {"name": "nul \u0000 byte"}, None),
    ],
)
def test_out_of_range_values_never_reach_the_database(admin, method, path, body, status):
    response = admin.client.open(
        path, method=method, json=body, headers={"Authorization": f"Bearer {admin.token}"}
    )
    if status is None:  # accepted or refused, but never a server error
        assert response.status_code in (201, 422)
    else:
        assert response.status_code == status
        problem_of(response)


@pytest.mark.parametrize("name", ["\u001f", "   ", "\t\n"])
def test_blank_names_are_refused_not_stored_empty(admin, name):
    response = admin.post("/api/v1/regions", json={"name": name})
    assert response.status_code == 422
    assert "name" in problem_of(response)["errors"]
