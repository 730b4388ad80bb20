"""A Python client generated from our OpenAPI document (openapi-python-client) lists users
and audits of the running test app and parses every answer into its models."""

import importlib
import json
import shutil
import subprocess
import sys
from pathlib import Path

import httpx
import pytest

from auditor import create_app
from auditor.core.extensions import db
from tests.api.audit_helpers import audit_body, new_uuid, published_store

PACKAGE = "auditor_api_client"


def _document() -> dict:
    app = create_app(
        {"SQLALCHEMY_DATABASE_URI": "sqlite://", "SECRET_KEY": "spec", "MEDIA_DIR": "/nonexistent"}
    )
    return app.test_client().get("/api/v1/openapi.json").get_json()


@pytest.fixture(scope="module")
def generated(tmp_path_factory):
    """The generated package, imported from a throwaway directory."""
    tool = shutil.which("openapi-python-client") or str(
        Path(sys.executable).with_name("openapi-python-client")
    )
    root = tmp_path_factory.mktemp("client")
    spec = root / "openapi.json"
    spec.write_text(json.dumps(_document()))
    done = subprocess.run(
        [
            tool,
            "generate",
            "--path",
            str(spec),
            "--meta",
            "none",
            "--output-path",
            str(root / PACKAGE),
        ],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    sys.path.insert(0, str(root))
    try:
        yield importlib.import_module(PACKAGE)
    finally:
        sys.path.remove(str(root))
        for name in [n for n in sys.modules if n.split(".")[0] == PACKAGE]:
            del sys.modules[name]


def client_for(generated, app, token: str):
    """The generated client, talking to the app in-process over WSGI."""
    transport = httpx.WSGITransport(app=app)
    return generated.AuthenticatedClient(
        base_url="http://testserver", token=token, httpx_args={"transport": transport}
    )


def test_the_generated_client_lists_users(app, generated, admin, login_as):
    from auditor_api_client.api.users import get_api_v1_users
    from auditor_api_client.models import UserPage

    login_as("auditor")
    db.session.commit()
    answer = get_api_v1_users.sync_detailed(client=client_for(generated, app, admin.token))
    assert answer.status_code == 200
    assert isinstance(answer.parsed, UserPage)
    assert answer.parsed.total == 2
    assert {user.role for user in answer.parsed.items} == {"admin", "auditor"}


def test_the_generated_client_lists_and_reads_audits(app, generated, admin, login_as):
    from auditor_api_client.api.audits import get_api_v1_audits, get_api_v1_audits_audit_id
    from auditor_api_client.models import Audit, AuditPage

    store = published_store()
    auditor = login_as("auditor")
    audit_id = new_uuid()
    assert auditor.put(f"/api/v1/audits/{audit_id}", json=audit_body(store)).status_code == 201
    client = client_for(generated, app, admin.token)
    page = get_api_v1_audits.sync_detailed(client=client)
    assert page.status_code == 200
    assert isinstance(page.parsed, AuditPage)
    assert [str(audit.uuid) for audit in page.parsed.items] == [audit_id]
    one = get_api_v1_audits_audit_id.sync_detailed(audit_id, client=client)
    assert isinstance(one.parsed, Audit)
    assert len(one.parsed.answers) == len(audit_body(store)["answers"])


def test_the_generated_client_parses_problems(app, generated, login_as):
    from auditor_api_client.api.users import get_api_v1_users
    from auditor_api_client.models import Problem

    staff = login_as("staff")
    answer = get_api_v1_users.sync_detailed(client=client_for(generated, app, staff.token))
    assert answer.status_code == 403
    assert isinstance(answer.parsed, Problem)
    assert answer.parsed.status == 403
