"""The OpenAPI document describes every route and documents errors as problem+json."""

import pytest

EXPECTED = {
    "/api/v1/me": {"get"},
    "/api/v1/auth/token": {"post", "delete"},
    "/api/v1/regions": {"get", "post"},
    "/api/v1/locations": {"get", "post"},
    "/api/v1/locations/{location_id}": {"get", "patch"},
    "/api/v1/users": {"get", "post"},
    "/api/v1/users/{user_id}": {"patch"},
    "/api/v1/checklists": {"get", "post"},
    "/api/v1/checklists/{checklist_id}": {"get"},
    "/api/v1/checklists/{checklist_id}/publish": {"post"},
}


@pytest.fixture
def spec(client):
    response = client.get("/api/v1/openapi.json")
    assert response.status_code == 200
    return response.get_json()


def test_the_document_needs_no_login_and_is_openapi_3(spec):
    assert spec["openapi"].startswith("3.")
    assert spec["info"]["title"] == "Auditor API"


def test_every_route_of_the_contract_is_described_with_full_paths(spec):
    for path, methods in EXPECTED.items():
        assert path in spec["paths"], path
        assert methods <= set(spec["paths"][path]), path


def test_errors_are_documented_as_problem_json(spec):
    responses = spec["components"]["responses"]
    assert responses
    for name, response in responses.items():
        if "content" in response:
            assert set(response["content"]) == {"application/problem+json"}, name


def test_bearer_authentication_is_declared(spec):
    assert spec["components"]["securitySchemes"]["bearer"]["scheme"] == "bearer"
