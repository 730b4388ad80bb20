"""Exactly once under concurrency and crashes, against gunicorn with several workers."""

import json
import socket
import threading
from collections import Counter

import pytest
from sqlalchemy import func, select

from auditor.core.extensions import db
from auditor.models import Audit, AuditLogEntry, Photo
from tests.api.audit_helpers import audit_body, new_uuid, published_store
from tests.api.images import jpeg
from tests.factories import PASSWORD, UserFactory
from tests.live.conftest import LiveServer, call

CLIENTS = 20


def at_once(action, count: int = CLIENTS) -> list:
    """Run `action()` in `count` threads released together; answers their results."""
    barrier, results = threading.Barrier(count), [None] * count

    def run(index: int) -> None:
        barrier.wait()
        results[index] = action()

    threads = [threading.Thread(target=run, args=(i,)) for i in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(120)
    return results


@pytest.fixture
def visit(app, live_server):
    store = published_store()
    user = UserFactory(role="auditor")
    status, body = call(
        live_server,
        "POST",
        "/api/v1/auth/token",
        json_body={"email": user.email, "password": PASSWORD},
    )
    assert status == 200
    return store, body["token"]


def count(model, **where) -> int:
    db.session.commit()  # a fresh snapshot
    stmt = select(func.count()).select_from(model).filter_by(**where)
    return db.session.scalar(stmt)


def log_count(action: str, audit_id: str) -> int:
    db.session.commit()
    stmt = select(func.count()).where(
        AuditLogEntry.action == action, AuditLogEntry.object_id == audit_id
    )
    return db.session.scalar(stmt)


def test_twenty_identical_puts_make_one_audit(live_server, visit):
    store, token = visit
    audit_id, body = new_uuid(), audit_body(store)
    results = at_once(
        lambda: call(live_server, "PUT", f"/api/v1/audits/{audit_id}", token=token, json_body=body)[
            0
        ]
    )
    statuses = Counter(results)
    assert set(statuses) <= {200, 201, 409}, statuses
    assert statuses[201] == 1
    assert count(Audit) == 1
    assert log_count("audit.create", audit_id) == 1


def test_twenty_submits_submit_once(live_server, visit):
    store, token = visit
    audit_id = new_uuid()
    assert (
        call(
            live_server,
            "PUT",
            f"/api/v1/audits/{audit_id}",
            token=token,
            json_body=audit_body(store),
        )[0]
        == 201
    )
    status, _ = call(
        live_server,
        "PUT",
        f"/api/v1/audits/{audit_id}/photos/{new_uuid()}?question=tidy",
        token=token,
        data=jpeg(),
        content_type="image/jpeg",
    )
    assert status == 201
    results = at_once(
        lambda: call(live_server, "POST", f"/api/v1/audits/{audit_id}/submit", token=token)
    )
    assert {status for status, _ in results} == {200}
    assert {body["status"] for _, body in results} == {"submitted"}
    assert log_count("audit.submit", audit_id) == 1


def test_twenty_identical_photo_uploads_store_one_photo(live_server, visit):
    store, token = visit
    audit_id, photo_id, image = new_uuid(), new_uuid(), jpeg(2400, 1800)
    call(live_server, "PUT", f"/api/v1/audits/{audit_id}", token=token, json_body=audit_body(store))
    path = f"/api/v1/audits/{audit_id}/photos/{photo_id}?question=tidy"
    results = at_once(
        lambda: call(live_server, "PUT", path, token=token, data=image, content_type="image/jpeg")[
            0
        ]
    )
    statuses = Counter(results)
    assert set(statuses) <= {200, 201, 409}, statuses
    assert statuses[201] == 1
    assert count(Photo) == 1


def send_half(
    server: LiveServer, path: str, token: str, body: bytes, content_type: str
) -> socket.socket:
    """Start a request and send only half its body, as a phone losing signal would."""
    connection = socket.create_connection(("127.0.0.1", server.port))
    head = (
        f"PUT {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer {token}\r\n"
        f"Content-Type: {content_type}\r\nContent-Length: {len(body)}\r\n\r\n"
    )
    connection.sendall(head.encode() + body[: len(body) // 2])
    return connection


def test_a_server_killed_mid_upload_leaves_nothing_half_done(app, data_app, database_uri, tmp_path):
    server = LiveServer(database_uri, str(tmp_path / "media"), workers=2).start()
    store, token = None, None
    try:
        store = published_store()
        user = UserFactory(role="auditor")
        token = call(
            server,
            "POST",
            "/api/v1/auth/token",
            json_body={"email": user.email, "password": PASSWORD},
        )[1]["token"]
        audit_id, photo_id = new_uuid(), new_uuid()
        body = json.dumps(audit_body(store)).encode()
        half_audit = send_half(
            server, f"/api/v1/audits/{audit_id}", token, body, "application/json"
        )
        image = jpeg(3000, 2000)
        server.kill()
        half_audit.close()
        assert count(Audit) == 0  # nothing of the interrupted PUT is visible

        server.start()
        assert (
            call(
                server,
                "PUT",
                f"/api/v1/audits/{audit_id}",
                token=token,
                data=body,
                content_type="application/json",
            )[0]
            == 201
        )
        photo_path = f"/api/v1/audits/{audit_id}/photos/{photo_id}?question=tidy"
        half_photo = send_half(server, photo_path, token, image, "image/jpeg")
        server.kill()
        half_photo.close()
        assert count(Photo) == 0

        server.start()
        assert (
            call(server, "PUT", photo_path, token=token, data=image, content_type="image/jpeg")[0]
            == 201
        )
        assert (
            call(server, "PUT", photo_path, token=token, data=image, content_type="image/jpeg")[0]
            == 200
        )
        assert count(Audit) == 1
        assert count(Photo) == 1
        status, served = call(server, "GET", f"/api/v1/photos/{photo_id}", token=token)
        assert status == 200
        assert served[:2] == b"\xff\xd8"
    finally:
        server.stop()
