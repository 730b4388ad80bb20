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


# bodies Python's json module reads with an error other than JSONDecodeError, or reads into
# values no database driver can store
UNREADABLE_BODIES = {
    "nested arrays": "[" * 100_000 + "]" * 100_000,
    "nested in a field": '{"name": ' + "[" * 5000 + "]" * 5000 + "}",
    "nested objects": '{"a":' * 2000 + "1" + "}" * 2000,
    "an integer past the digit limit": '{"name": "North", "n": ' + "9" * 5000 + "}",
    "a long integer": '{"name": "North", "n": -' + "9" * 40 + "}",
    "a lone surrogate": '{"name": "North \\ud800"}',
    "a lone surrogate in a key": '{"\\udfff": "North"}',
    "NaN": '{"name": NaN}',
    "infinity": '{"name": -Infinity}',
    "a float that overflows": '{"name": 1e999}',
    "bytes that are not UTF-8": b'{"name": "\xff\xfe"}',
}


@pytest.mark.parametrize("body", UNREADABLE_BODIES.values(), ids=UNREADABLE_BODIES.keys())
@pytest.mark.parametrize(
    "path", ["/api/v1/regions", "/api/v1/checklists", "/api/v1/auth/token", "/api/v1/me"]
)
def test_json_python_cannot_hold_answers_400_and_changes_nothing(admin, path, body):
    method = "GET" if path == "/api/v1/me" else "POST"
    response = admin._send(
        method, path, data=body, headers={"Content-Type": "application/json; charset=utf-8"}
    )
    assert response.status_code == 400, response.data[:300]
    assert "not JSON this API can read" in problem_of(response)["detail"]
    assert admin.get("/api/v1/regions").get_json()["total"] == 0


def test_deep_json_within_the_limit_is_read_and_judged_by_the_schema(admin):
    nested = "[" * 30 + "]" * 30
    response = admin._send(
        "POST",
        "/api/v1/regions",
        data='{"name": ' + nested + "}",
        headers={"Content-Type": "application/json"},
    )
    assert response.status_code == 422
    assert "name" in problem_of(response)["errors"]


def test_escaped_surrogate_pairs_are_text_and_stored(admin):
    response = admin._send(
        "POST",
        "/api/v1/regions",
        data='{"name": "North \\ud83d\\ude00"}',
        headers={"Content-Type": "application/json"},
    )
    assert response.status_code == 201
    assert response.get_json()["name"] == "North \U0001f600"


@pytest.fixture
def unencodable_route(app):
    """A route writing a lone surrogate, as a value reaching the driver by a way other than a
    JSON body would (none is known today): sqlite3 and psycopg raise UnicodeEncodeError."""
    from auditor.core.extensions import db as app_db
    from auditor.models import Region

    @app.get("/api/v1/test-only/unencodable")
    def unencodable():
        app_db.session.add(Region(name="Kept out"))
        app_db.session.flush()
        app_db.session.add(Region(name="South \ud800"))
        app_db.session.flush()
        return {}

    return "/api/v1/test-only/unencodable"


def test_a_value_the_database_driver_cannot_encode_answers_422_and_rolls_back(
    unencodable_route, admin
):
    response = admin.get(unencodable_route)
    assert response.status_code == 422, response.data
    assert problem_of(response)["errors"] == {
        "_schema": ["A value is out of range or cannot be stored."]
    }
    assert admin.get("/api/v1/regions").get_json()["total"] == 0
