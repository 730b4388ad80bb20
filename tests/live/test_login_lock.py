"""Logins hold no database lock while argon2 checks the password (issue 10, kind 3).

gunicorn with threads on the test database, passwords hashed at a real cost and a database
lock timeout far below one verification: while wrong passwords are checked in parallel, an
auditor's saves go through. With the check inside the write transaction (SQLite's write
requests begin IMMEDIATE), each login held the one write lock for a whole verification, and
the saves and the other logins answered 503 after the lock timeout.
"""

import threading
from collections import Counter

import pytest

from tests.api.audit_helpers import audit_body, new_uuid, published_store
from tests.factories import PASSWORD, UserFactory
from tests.live.conftest import LiveServer, call

LOGINS = 6


@pytest.fixture
def slow_hash_server(app, database_uri, tmp_path):
    server = LiveServer(database_uri, str(tmp_path / "media"), workers=2)
    server.env.update(
        PASSWORD_TIME_COST="4",
        PASSWORD_MEMORY_COST="32768",
        DB_LOCK_TIMEOUT_MS="50",
        GUNICORN_CMD_ARGS=f"--threads {LOGINS}",
    )
    yield server.start()
    server.stop()


def wrong_logins(server: LiveServer, results: list) -> None:
    """LOGINS wrong passwords for unknown emails at once (each burns one real verification)."""

    def attempt(index: int) -> None:
        body = {"email": f"nobody{index}@example.com", "password": "wrong password"}
        results.append(call(server, "POST", "/api/v1/auth/token", json_body=body)[0])

    threads = [threading.Thread(target=attempt, args=(i,)) for i in range(LOGINS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(120)


def test_an_auditors_saves_go_through_while_wrong_passwords_are_checked(slow_hash_server):
    store = published_store()
    auditor = UserFactory(role="auditor")
    login = {"email": auditor.email, "password": PASSWORD}
    status, body = call(slow_hash_server, "POST", "/api/v1/auth/token", json_body=login)
    assert status == 200
    logins: list[int] = []
    storm = threading.Thread(target=wrong_logins, args=(slow_hash_server, logins))
    storm.start()
    saves = []
    while storm.is_alive() or not saves:
        path = f"/api/v1/audits/{new_uuid()}"
        saves.append(
            call(slow_hash_server, "PUT", path, token=body["token"], json_body=audit_body(store))[0]
        )
    storm.join()
    assert Counter(logins) == {401: LOGINS}
    assert Counter(saves) == {201: len(saves)}
