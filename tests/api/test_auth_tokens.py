"""POST/DELETE /api/v1/auth/token: bearer tokens, their expiry, and the failed-login limit."""

from datetime import timedelta

import pytest

from auditor.core.extensions import db
from auditor.models import ApiToken, utcnow
from tests.conftest import problem_of
from tests.factories import PASSWORD, UserFactory

TOKEN = "/api/v1/auth/token"


def login(client, email, password=PASSWORD, address="10.0.0.1"):
    return client.post(
        TOKEN, json={"email": email, "password": password}, environ_base={"REMOTE_ADDR": address}
    )


def test_a_token_is_issued_for_the_right_credentials(client):
    user = UserFactory(role="manager", email="Mia@Example.com")
    response = login(client, "MIA@example.COM")
    assert response.status_code == 200
    body = response.get_json()
    assert body["user"] == {
        "id": user.id,
        "email": "mia@example.com",
        "name": user.name,
        "role": "manager",
    }
    assert len(body["token"]) >= 40
    me = client.get("/api/v1/me", headers={"Authorization": f"Bearer {body['token']}"})
    assert me.get_json()["id"] == user.id


def test_only_a_hash_of_the_token_is_stored(client):
    user = UserFactory()
    raw = login(client, user.email).get_json()["token"]
    stored = db.session.scalars(db.select(ApiToken.token_hash)).all()
    assert stored
    assert raw not in stored
    assert all(len(h) == 64 for h in stored)


@pytest.mark.parametrize("email", ["nobody@example.com", "known@example.com"])
def test_wrong_credentials_answer_401(client, email):
    UserFactory(email="known@example.com")
    response = login(client, email, "wrong-password")
    assert response.status_code == 401
    problem_of(response)
    assert "token" not in response.get_json()


def test_an_inactive_user_gets_no_token(client):
    user = UserFactory(active=False)
    assert login(client, user.email).status_code == 401


def test_revoking_a_token_makes_it_answer_401(client):
    user = UserFactory()
    token = login(client, user.email).get_json()["token"]
    headers = {"Authorization": f"Bearer {token}"}
    assert client.delete(TOKEN, headers=headers).status_code == 204
    assert client.get("/api/v1/me", headers=headers).status_code == 401


def test_revoking_needs_a_token(client):
    assert client.delete(TOKEN).status_code == 401


def test_an_expired_token_answers_401(client):
    user = UserFactory()
    token = login(client, user.email).get_json()["token"]
    db.session.execute(db.update(ApiToken).values(expires_at=utcnow() - timedelta(seconds=1)))
    db.session.commit()
    response = client.get("/api/v1/me", headers={"Authorization": f"Bearer {token}"})
    assert response.status_code == 401


def test_eleventh_failure_for_one_email_answers_429_with_retry_after(client):
    user = UserFactory()
    for attempt in range(10):
        # from different addresses, so only the per-email counter fills up
        response = login(client, user.email, "wrong", address=f"10.0.1.{attempt}")
        assert response.status_code == 401
    response = login(client, user.email, "wrong", address="10.0.2.1")
    assert response.status_code == 429
    problem_of(response)
    assert 1 <= int(response.headers["Retry-After"]) <= 60
    # locked: even the right password waits, or the lock would tell a guesser when it is right
    assert login(client, user.email, address="10.0.2.2").status_code == 429


def test_failures_from_one_address_are_limited_across_emails(client):
    for attempt in range(10):
        assert login(client, f"nobody{attempt}@example.com", "x").status_code == 401
    response = login(client, "someone-else@example.com", "x")
    assert response.status_code == 429
    assert "Retry-After" in response.headers


def test_unknown_emails_are_limited_like_known_ones(client):
    for attempt in range(10):
        login(client, "ghost@example.com", "x", address=f"10.0.3.{attempt}")
    assert login(client, "ghost@example.com", "x", address="10.0.4.1").status_code == 429


def test_successful_logins_are_never_limited(client):
    user = UserFactory()
    for _ in range(15):
        assert login(client, user.email).status_code == 200


def test_limits_can_be_switched_off(app, client):
    app.config["RATELIMIT_ENABLED"] = False
    for _ in range(12):
        assert login(client, "nobody@example.com", "x").status_code == 401


def test_a_malformed_login_is_422_and_not_counted(client):
    response = client.post(TOKEN, json={"email": "a@example.com"})
    assert response.status_code == 422
    assert problem_of(response)["errors"] == {"password": ["Missing data for required field."]}
