"""Security headers on every answer (issue 10, kinds 4 and 5): a Content-Security-Policy with
no inline script, a Permissions-Policy for the camera, microphone and location, HSTS in
production only, and no cache keeping private pages, API answers or errors."""

import re
from pathlib import Path

import pytest

from auditor import create_app
from auditor.core.extensions import db
from tests.api.audit_helpers import audit_body, new_uuid, published_store
from tests.api.images import jpeg
from tests.conftest import app_config
from tests.factories import UserFactory
from tests.web.test_login import log_in

TEMPLATES = Path(__file__).resolve().parents[2] / "templates"


def directives(response) -> dict[str, list[str]]:
    policy = response.headers["Content-Security-Policy"]
    return {d.split()[0]: d.split()[1:] for d in policy.split(";") if d.strip()}


@pytest.mark.parametrize("path", ["/login", "/api/v1/me", "/static/css/app.css", "/nowhere"])
def test_every_answer_carries_the_policies(client, path):
    response = client.get(path)
    response.close()  # a static file's answer holds the file open
    policy = directives(response)
    assert policy["default-src"] == ["'self'"]
    assert policy["script-src"] == ["'self'"]
    assert policy["frame-ancestors"] == ["'none'"]
    assert not any("unsafe" in source for sources in policy.values() for source in sources)
    assert response.headers["Permissions-Policy"] == (
        "camera=(self), microphone=(self), geolocation=(self)"
    )
    assert response.headers["X-Content-Type-Options"] == "nosniff"


def test_photos_previewed_from_blobs_and_the_service_worker_are_allowed(client):
    policy = directives(client.get("/login"))
    assert "blob:" in policy["img-src"]
    assert policy["worker-src"] == ["'self'"]


@pytest.mark.parametrize(
    ("overrides", "sent"),
    [
        ({"TESTING": False}, True),  # production
        ({"TESTING": False, "HSTS_MAX_AGE": 0}, False),  # development's default
        ({}, False),  # tests
    ],
)
def test_hsts_is_sent_in_production_only(data_app, database_uri, tmp_path, overrides, sent):
    one = create_app({**app_config(database_uri, str(tmp_path)), "HSTS_MAX_AGE": 31_536_000})
    one.config.update(overrides)
    header = one.test_client().get("/login").headers.get("Strict-Transport-Security")
    assert (header == "max-age=31536000; includeSubDomains") if sent else header is None
    with one.app_context():
        db.engine.dispose()


def test_development_sends_no_hsts_by_default(monkeypatch, tmp_path):
    monkeypatch.setenv("AUDITOR_ENV", "development")
    assert create_app({"SECRET_KEY": "x"}).config["HSTS_MAX_AGE"] == 0
    monkeypatch.setenv("AUDITOR_ENV", "production")
    assert create_app({"SECRET_KEY": "x"}).config["HSTS_MAX_AGE"] >= 31_536_000


@pytest.mark.parametrize(
    ("role", "path"),
    [
        ("manager", "/manager"),
        ("manager", "/manager/review"),
        ("admin", "/admin/users"),
        ("staff", "/staff"),
        ("auditor", "/app"),
        ("auditor", "/app/outbox"),
        ("auditor", "/api/v1/me"),
        ("auditor", "/api/v1/assignments"),
        ("auditor", "/nowhere"),
    ],
)
def test_private_pages_and_api_answers_are_never_stored(client, role, path):
    user = UserFactory(role=role)
    assert log_in(client, user.email).status_code == 302
    response = client.get(path)
    assert "no-store" in response.headers["Cache-Control"], (path, response.status_code)


def test_a_photo_is_kept_privately_and_briefly(login_as):
    auditor = login_as("auditor")
    store = published_store()
    audit, photo = new_uuid(), new_uuid()
    assert auditor.put(f"/api/v1/audits/{audit}", json=audit_body(store)).status_code == 201
    upload = f"/api/v1/audits/{audit}/photos/{photo}"
    assert auditor.put(upload, data=jpeg(), content_type="image/jpeg").status_code == 201
    cache = auditor.get(f"/api/v1/photos/{photo}").headers["Cache-Control"]
    assert "private" in cache
    assert 0 < int(re.search(r"max-age=(\d+)", cache)[1]) <= 3600
    assert "immutable" not in cache


@pytest.mark.parametrize("path", ["/static/css/app.css", "/sw.js", "/manifest.webmanifest"])
def test_public_files_keep_their_own_caching(client, path):
    response = client.get(path)
    response.close()
    assert response.status_code == 200
    assert "no-store" not in response.headers["Cache-Control"]


# emails (templates/email/) are never served: mail clients want their styles inline
PAGES = sorted(
    p for p in TEMPLATES.rglob("*.html") if "email" not in p.relative_to(TEMPLATES).parts
)


@pytest.mark.parametrize("template", PAGES, ids=lambda p: p.name)
def test_no_template_carries_inline_script_or_style(template):
    # the policy would refuse them in the browser: scripts and styles live in static/
    html = template.read_text()
    assert not re.search(r"<script(?![^>]*\bsrc=)[^>]*>", html)
    assert not re.search(r"\son[a-z]+\s*=", html)
    assert not re.search(r"\sstyle\s*=", html)
    assert "javascript:" not in html
