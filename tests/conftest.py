"""Shared fixtures: one schema per run (built by the migrations), emptied after every test.

TEST_DATABASE_URL picks the database (PostgreSQL in CI's second run); the default is a SQLite
file, so that servers started by tests in other processes see the same data.
"""

import os
import secrets
from collections.abc import Iterator

import boto3
import pytest
from flask import Flask
from flask.testing import FlaskClient
from flask_migrate import upgrade
from moto.server import ThreadedMotoServer
from sqlalchemy import create_engine, text

from auditor import create_app
from auditor.core.config import database_url
from auditor.core.extensions import db
from auditor.models import Base
from tests.factories import PASSWORD, LocationFactory, RegionFactory, UserFactory


@pytest.fixture(scope="session")
def database_uri(tmp_path_factory) -> Iterator[str]:
    """The test database: a SQLite file, or a schema of its own on TEST_DATABASE_URL.

    A schema per run keeps concurrent runs on one PostgreSQL database (a developer's and
    CI's) from emptying each other's tables; servers started by tests get the same URL.
    """
    url = os.environ.get("TEST_DATABASE_URL")
    if not url:
        yield f"sqlite:///{tmp_path_factory.mktemp('db') / 'test.db'}"
        return
    url = database_url(url)
    schema = f"test_{os.getpid()}_{secrets.token_hex(3)}"
    engine = create_engine(url)
    with engine.begin() as connection:
        connection.execute(text(f"CREATE SCHEMA {schema}"))
    separator = "&" if "?" in url else "?"
    yield f"{url}{separator}options=-csearch_path%3D{schema}"
    with engine.begin() as connection:
        connection.execute(text(f"DROP SCHEMA {schema} CASCADE"))
    engine.dispose()


def app_config(database_uri: str, media_dir: str) -> dict:
    """Settings for a test app: the test database, cheap hashing, no secure cookies."""
    return {
        "TESTING": True,
        "SECRET_KEY": "test-secret",
        "SQLALCHEMY_DATABASE_URI": database_uri,
        "MEDIA_DIR": media_dir,
        "PASSWORD_TIME_COST": 1,
        "PASSWORD_MEMORY_COST": 8,
        "SESSION_COOKIE_SECURE": False,
        "RATELIMIT_STORAGE_URI": "memory://",
        "DEMO_AUDITS": 8,  # seed-demo in tests: a handful of audits, not six months
        "JOBS_IMMEDIATE": True,  # jobs run where enqueued; tests of the worker run a real one
    }


@pytest.fixture(scope="session")
def data_app(database_uri, tmp_path_factory) -> Iterator[Flask]:
    """The tests' own side of the database, built by the migrations once per run.

    Factories and assertions run in this app's context. The app under test is another Flask
    object, so each of its requests gets a fresh app context (fresh `g`, fresh session) as in
    production; Flask would otherwise reuse a context the test had pushed for the same app.
    """
    app = create_app(app_config(database_uri, str(tmp_path_factory.mktemp("media"))))
    with app.app_context():
        upgrade()
    yield app
    with app.app_context():
        db.engine.dispose()


def empty_all_tables() -> None:
    """Delete every row (TRUNCATE on PostgreSQL), children first."""
    tables = list(reversed(Base.metadata.sorted_tables))
    if db.engine.dialect.name == "postgresql":
        names = ", ".join(table.name for table in tables)
        db.session.execute(text(f"TRUNCATE {names} RESTART IDENTITY CASCADE"))
    else:
        for table in tables:
            db.session.execute(table.delete())
    db.session.commit()


class SyncedClient(FlaskClient):
    """Ends the test side's transaction around each request: the request sees what the test
    wrote, and the test then sees what the request wrote (SQLite readers keep a snapshot)."""

    def open(self, *args, **kwargs):
        db.session.commit()
        response = super().open(*args, **kwargs)
        db.session.commit()
        return response


@pytest.fixture
def app(data_app, database_uri, tmp_path) -> Iterator[Flask]:
    """A fresh app on the test database; the test runs in `data_app`'s context."""
    app = create_app(app_config(database_uri, str(tmp_path / "media")))
    app.test_client_class = SyncedClient
    with data_app.app_context():
        # the app keeps objects after a commit (a request answers with what it holds); the test
        # side expires them instead, so every commit of the test reads what servers wrote since
        db.session().expire_on_commit = True
        yield app
        db.session.rollback()
        empty_all_tables()
    with app.app_context():
        db.engine.dispose()


@pytest.fixture
def client(app) -> FlaskClient:
    return app.test_client()


@pytest.fixture
def runner(app):
    return app.test_cli_runner()


class ApiClient:
    """A test client that sends one user's bearer token with every request."""

    def __init__(self, client: FlaskClient, token: str, user):
        self.client, self.token, self.user = client, token, user

    def _send(self, method: str, path: str, **kwargs):
        headers = {"Authorization": f"Bearer {self.token}", **kwargs.pop("headers", {})}
        return self.client.open(path, method=method, headers=headers, **kwargs)

    def get(self, path, **kwargs):
        return self._send("GET", path, **kwargs)

    def post(self, path, **kwargs):
        return self._send("POST", path, **kwargs)

    def put(self, path, **kwargs):
        return self._send("PUT", path, **kwargs)

    def patch(self, path, **kwargs):
        return self._send("PATCH", path, **kwargs)

    def delete(self, path, **kwargs):
        return self._send("DELETE", path, **kwargs)


def token_for(client: FlaskClient, email: str, password: str = PASSWORD) -> str:
    """Log in through the API and answer the bearer token."""
    response = client.post("/api/v1/auth/token", json={"email": email, "password": password})
    assert response.status_code == 200, response.get_json()
    return response.get_json()["token"]


@pytest.fixture
def login_as(app, client):
    """`login_as("manager", regions=[...])`: a new user of that role, logged in via the API."""

    def login(role: str, **fields) -> ApiClient:
        user = UserFactory(role=role, **fields)
        return ApiClient(client, token_for(client, user.email), user)

    return login


@pytest.fixture
def admin(login_as) -> ApiClient:
    return login_as("admin")


@pytest.fixture
def region(app):
    return RegionFactory()


@pytest.fixture
def location(region):
    return LocationFactory(region=region)


def problem_of(response) -> dict:
    """The problem+json body of an error response, checked for RFC 9457 shape."""
    assert response.mimetype == "application/problem+json", response.data[:200]
    body = response.get_json()
    assert body["status"] == response.status_code
    assert {"type", "title", "status", "detail"} <= set(body)
    return body


S3_BUCKET = "auditor-test"


@pytest.fixture(scope="session")
def s3_endpoint() -> Iterator[str]:
    """A moto S3 server on a free port, with dummy credentials, and our bucket."""
    with pytest.MonkeyPatch.context() as env:
        for name, value in {
            "AWS_ACCESS_KEY_ID": "testing",
            "AWS_SECRET_ACCESS_KEY": "testing",
            "AWS_SESSION_TOKEN": "testing",
            "AWS_DEFAULT_REGION": "us-east-1",
            # never read a developer's real profile or credentials
            "AWS_CONFIG_FILE": "/nonexistent",
            "AWS_SHARED_CREDENTIALS_FILE": "/nonexistent",
        }.items():
            env.setenv(name, value)
        env.delenv("AWS_PROFILE", raising=False)
        server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
        server.start()
        host, port = server.get_host_and_port()
        endpoint = f"http://{host}:{port}"
        boto3.client("s3", endpoint_url=endpoint).create_bucket(Bucket=S3_BUCKET)
        try:
            yield endpoint
        finally:
            server.stop()
            server._server.server_close()  # stop() leaves the listening socket open
