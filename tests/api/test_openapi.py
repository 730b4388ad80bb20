"""The OpenAPI document describes every route and documents errors as problem+json."""

import json

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


def test_every_documented_error_response_carries_a_problem_body(spec):
    for path, operations in spec["paths"].items():
        for method, operation in operations.items():
            if method == "parameters":
                continue
            for status, response in operation["responses"].items():
                if status[0] in "45" and "$ref" not in response:
                    content = response.get("content", {})
                    assert set(content) == {"application/problem+json"}, (path, method, status)


def test_numbers_are_typed_with_minimum_and_maximum_not_extensions(spec):
    text = json.dumps(spec)
    assert '"x-minimum"' not in text
    assert '"x-maximum"' not in text
    weight = spec["components"]["schemas"]["Section"]["properties"]["weight"]
    assert weight["type"] == "number"
    assert weight["maximum"] == 1000


def test_raw_photo_bodies_may_be_sent_as_octet_stream(spec):
    body = spec["paths"]["/api/v1/audits/{audit_id}/photos/{photo_id}"]["put"]["requestBody"]
    assert "application/octet-stream" in body["content"]
    assert "image/jpeg" in body["content"]


def test_the_checklist_list_documents_summaries(spec):
    response = spec["paths"]["/api/v1/checklists"]["get"]["responses"]["200"]
    page = response["content"]["application/json"]["schema"]["$ref"].rsplit("/", 1)[-1]
    item = spec["components"]["schemas"][page]["properties"]["items"]["items"]["$ref"]
    fields = set(spec["components"]["schemas"][item.rsplit("/", 1)[-1]]["properties"])
    assert {"id", "key", "title", "version", "status"} <= fields
    assert "sections" not in fields
