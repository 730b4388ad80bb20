"""Tokens and page sessions: logging out of the pages ends the tokens that session minted, a
user keeps at most API_TOKEN_CAP live tokens, and private answers are never stored by caches."""

import pytest
from flask.testing import FlaskClient

from auditor import create_app
from auditor.core.extensions import db
from auditor.models import ApiToken
from tests.conftest import app_config, token_for
from tests.factories import UserFactory
from tests.web.test_login import fields_of, log_in, log_out

SESSION_TOKEN = "/api/v1/auth/session-token"


@pytest.fixture
def auditor(app):
    return UserFactory(role="auditor")


def session_token(browser: FlaskClient) -> str:
    """What the phone app does after the page login: mint a bearer token from the session."""
    csrf = fields_of(browser.get("/app")).meta_csrf
    response = browser.post(SESSION_TOKEN, headers={"X-CSRF-Token": csrf})
    assert response.status_code == 200, response.get_json()
    return response.get_json()["token"]


def me(client: FlaskClient, token: str) -> int:
    return client.get("/api/v1/me", headers={"Authorization": f"Bearer {token}"}).status_code


def test_logging_out_of_the_pages_revokes_the_tokens_that_session_minted(app, client, auditor):
    assert log_in(client, auditor.email).status_code == 302
    minted = session_token(client)
    other = app.test_client()
    assert me(other, minted) == 200
    assert log_out(client).status_code == 302
    assert me(other, minted) == 401
    assert db.session.scalar(db.select(db.func.count()).select_from(ApiToken)) == 0


def test_a_token_from_a_password_login_outlives_a_page_logout(app, client, auditor):
    phone = app.test_client()
    own = token_for(phone, auditor.email)
    assert log_in(client, auditor.email).status_code == 302
    minted = session_token(client)
    log_out(client)
    assert me(phone, own) == 200
    assert me(phone, minted) == 401


def test_a_session_token_ends_with_its_session_even_if_its_row_survives(app, client, auditor):
    # a logout in another browser ends every page session of the user (session version)
    assert log_in(client, auditor.email).status_code == 302
    minted = session_token(client)
    second = app.test_client()
    assert log_in(second, auditor.email).status_code == 302
    db.session.execute(db.update(type(auditor)).values(session_version=auditor.session_version + 1))
    db.session.commit()
    assert me(app.test_client(), minted) == 401


@pytest.fixture
def capped_app(data_app, database_uri, tmp_path):
    capped = create_app({**app_config(database_uri, str(tmp_path)), "API_TOKEN_CAP": 3})
    yield capped
    with capped.app_context():
        db.engine.dispose()


def test_beyond_the_cap_a_new_token_revokes_the_oldest(app, capped_app, auditor):
    phone = capped_app.test_client()
    issued = [token_for(phone, auditor.email) for _ in range(5)]
    assert [me(phone, token) for token in issued] == [401, 401, 200, 200, 200]
    db.session.commit()
    assert db.session.scalar(db.select(db.func.count()).select_from(ApiToken)) == 3


def test_the_cap_counts_session_tokens_too(app, capped_app, auditor):
    browser = capped_app.test_client()
    assert log_in(browser, auditor.email).status_code == 302
    minted = [session_token(browser) for _ in range(4)]
    assert [me(browser, token) for token in minted] == [401, 200, 200, 200]
