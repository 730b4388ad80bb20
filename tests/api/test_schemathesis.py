"""Property-based requests from our own OpenAPI document: no 5xx, responses as documented.

The document is read once from a throwaway app (it does not depend on data); each case is
then sent to the test's own app with a real token.
"""

import pytest
import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
)

from auditor import create_app
from tests.api.audit_helpers import published_store

EXAMPLES_PER_OPERATION = 20


def _document() -> dict:
    app = create_app(
        {"SQLALCHEMY_DATABASE_URI": "sqlite://", "SECRET_KEY": "spec", "MEDIA_DIR": "/nonexistent"}
    )
    return app.test_client().get("/api/v1/openapi.json").get_json()


schema = schemathesis.openapi.from_dict(_document())
# HEIC bodies are bytes like any image: reuse the built-in binary serializer
schemathesis.serializer.alias(["image/heic", "image/heif"], "image/jpeg")
BOUNDED = settings(
    max_examples=EXAMPLES_PER_OPERATION, deadline=None, suppress_health_check=list(HealthCheck)
)
CHECKS = [not_a_server_error, response_schema_conformance, content_type_conformance]


def check(app, case, token: str) -> None:
    case.call_and_validate(app=app, headers={"Authorization": f"Bearer {token}"}, checks=CHECKS)


@pytest.fixture
def store(app):
    """A published checklist and a store, so generated ids sometimes hit real objects."""
    return published_store()


@pytest.fixture
def auditor(login_as):
    return login_as("auditor")


# fixtures run once per operation; the test body runs once per generated example
@schema.parametrize()
@BOUNDED
def test_as_an_admin_no_request_gets_a_5xx_or_an_undocumented_body(case, app, store, admin):
    check(app, case, admin.token)


@schema.parametrize()
@BOUNDED
def test_as_an_auditor_no_request_gets_a_5xx_or_an_undocumented_body(case, app, store, auditor):
    check(app, case, auditor.token)
