"""A database fault answers 503 with Retry-After and changes nothing; the retry succeeds."""

import sqlite3
from urllib.parse import urlsplit

import psycopg
import pytest

from auditor import create_app
from auditor.core.extensions import db
from auditor.models import Audit
from tests.api.audit_helpers import audit_body, new_uuid, published_store
from tests.conftest import ApiClient, app_config, problem_of, token_for
from tests.factories import UserFactory


def hold_audits_lock(database_uri: str):
    """Another connection holding a lock on the audits table, as a stuck writer would."""
    if database_uri.startswith("sqlite"):
        connection = sqlite3.connect(urlsplit(database_uri).path, isolation_level=None)
        connection.execute("BEGIN IMMEDIATE")
        return connection
    url = database_uri.replace("postgresql+psycopg://", "postgresql://")
    connection = psycopg.connect(url)
    connection.execute("LOCK TABLE audits IN ACCESS EXCLUSIVE MODE")
    return connection


@pytest.fixture
def impatient_app(database_uri, tmp_path, app):
    return create_app({**app_config(database_uri, str(tmp_path)), "DB_LOCK_TIMEOUT_MS": 200})


def test_a_lock_timeout_answers_503_and_the_retry_creates_one_audit(impatient_app, database_uri):
    store = published_store()
    user = UserFactory(role="auditor")
    client = impatient_app.test_client()
    auditor = ApiClient(client, token_for(client, user.email), user)
    audit_id, body = new_uuid(), audit_body(store)

    blocker = hold_audits_lock(database_uri)
    try:
        response = auditor.put(f"/api/v1/audits/{audit_id}", json=body)
    finally:
        blocker.rollback()
        blocker.close()
    assert response.status_code == 503
    problem_of(response)
    assert int(response.headers["Retry-After"]) >= 1

    retry = auditor.put(f"/api/v1/audits/{audit_id}", json=body)
    assert retry.status_code == 201
    db.session.commit()
    assert db.session.query(Audit).count() == 1
    with impatient_app.app_context():
        db.engine.dispose()


def test_a_dropped_connection_is_replaced_not_a_500(app, database_uri, tmp_path):
    if not database_uri.startswith("postgresql"):
        pytest.skip("SQLite has no server connection to drop")  # the PostgreSQL run covers it
    named = create_app({**app_config(f"{database_uri}&application_name=dropped", str(tmp_path))})
    user = UserFactory(role="auditor")
    client = named.test_client()
    auditor = ApiClient(client, token_for(client, user.email), user)
    assert auditor.get("/api/v1/me").status_code == 200
    url = database_uri.replace("postgresql+psycopg://", "postgresql://")
    with psycopg.connect(url, autocommit=True) as admin:
        # the app's pooled connection dies under it, as in a database restart or failover
        admin.execute(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
            "WHERE application_name = 'dropped'"
        )
    response = auditor.get("/api/v1/me")
    assert response.status_code in (200, 503)  # a fresh connection, or a clean retry hint
    if response.status_code == 503:
        assert "Retry-After" in response.headers
    assert auditor.get("/api/v1/me").status_code == 200
    with named.app_context():
        db.engine.dispose()


DEAD_DATABASE = "postgresql+psycopg://postgres@127.0.0.1:1/gone?connect_timeout=2"


@pytest.mark.parametrize("path", ["/manager", "/admin/users", "/app", "/"])
def test_a_signed_in_page_with_the_database_down_answers_503_not_a_500(app, tmp_path, path):
    from tests.web.page_world import browse_as

    user = UserFactory(role="admin")
    signed_in = browse_as(app.test_client(), user)
    # the same app (same secret key) with its database unreachable, as in an outage
    down = create_app({**app_config(DEAD_DATABASE, str(tmp_path)), "TESTING": False})
    client = down.test_client()
    client.set_cookie("session", signed_in.get_cookie("session").value)
    response = client.get(path)
    assert response.status_code == 503
    assert int(response.headers["Retry-After"]) >= 1
    assert response.mimetype == "text/html"
    assert "retry shortly" in response.get_data(as_text=True)


def test_a_missing_page_with_the_database_down_is_still_a_404_page(app, tmp_path):
    from tests.web.page_world import browse_as

    signed_in = browse_as(app.test_client(), UserFactory(role="manager"))
    down = create_app({**app_config(DEAD_DATABASE, str(tmp_path)), "TESTING": False})
    client = down.test_client()
    client.set_cookie("session", signed_in.get_cookie("session").value)
    response = client.get("/nowhere")
    assert response.status_code == 404
    assert response.mimetype == "text/html"


def test_the_api_with_the_database_down_answers_503_problems(tmp_path):
    down = create_app({**app_config(DEAD_DATABASE, str(tmp_path)), "TESTING": False})
    response = down.test_client().get("/api/v1/me", headers={"Authorization": "Bearer x" * 5})
    assert response.status_code == 503
    assert "Retry-After" in response.headers
    problem_of(response)
    assert down.test_client().get("/healthz").status_code == 503
