"""Failed-login counters shared by every worker through Redis (DESIGN §5)."""

import secrets
import shutil
import subprocess
import threading
import time
from collections import Counter

import pytest
import redis

from auditor import create_app
from auditor.core.extensions import db
from tests.conftest import app_config
from tests.factories import UserFactory
from tests.live.conftest import LiveServer, call, free_port

PARALLEL = 100


@pytest.fixture(scope="module")
def redis_url():
    """The machine's Redis, or a private redis-server when none answers on 6379."""
    url = "redis://127.0.0.1:6379"
    try:
        redis.Redis.from_url(url, socket_connect_timeout=1).ping()
        yield url
        return
    except redis.ConnectionError:
        pass
    binary = shutil.which("redis-server")
    assert binary, "Redis is needed: install the redis-server package (Debian: redis-server)"
    port = free_port()
    server = subprocess.Popen(
        [binary, "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"],
        stdout=subprocess.DEVNULL,
    )
    url = f"redis://127.0.0.1:{port}"
    for _ in range(50):
        try:
            redis.Redis.from_url(url).ping()
            break
        except redis.ConnectionError:
            time.sleep(0.1)
    yield url
    server.terminate()
    server.wait(10)


@pytest.fixture
def workers(database_uri, tmp_path, app, redis_url):
    """Two app instances, as two gunicorn workers would be, on one Redis."""
    config = {
        **app_config(database_uri, str(tmp_path)),
        "RATELIMIT_STORAGE_URI": redis_url,
        "RATELIMIT_KEY_PREFIX": f"test-{secrets.token_hex(4)}",  # runs do not share counters
    }
    apps = create_app(config), create_app(config)
    yield tuple(one.test_client() for one in apps)
    for one in apps:
        with one.app_context():
            db.engine.dispose()


def test_failures_on_one_worker_count_on_the_other(workers):
    first, second = workers
    body = {"email": "shared@example.com", "password": "wrong"}
    for attempt in range(10):
        client = first if attempt % 2 else second
        assert client.post("/api/v1/auth/token", json=body).status_code == 401
    response = first.post("/api/v1/auth/token", json=body)
    assert response.status_code == 429
    assert int(response.headers["Retry-After"]) >= 1
    assert second.post("/api/v1/auth/token", json=body).status_code == 429


@pytest.fixture
def limited_server(app, database_uri, tmp_path, redis_url):
    """gunicorn, two workers of eight threads, counting failed logins in Redis."""
    server = LiveServer(database_uri, str(tmp_path / "media"), workers=2)
    server.env.update(
        RATELIMIT_ENABLED="1",
        RATELIMIT_STORAGE_URI=redis_url,
        RATELIMIT_KEY_PREFIX=f"test-{secrets.token_hex(4)}",
        LOGIN_FAILURE_LIMIT="10/minute",
        GUNICORN_CMD_ARGS="--threads 8",
    )
    yield server.start()
    server.stop()


def test_of_a_hundred_parallel_failures_exactly_ten_answer_401(limited_server):
    # counting first and deciding on the count (hit, then check) is exact; testing the
    # counter before the slow password check and counting after it let 12-13 through
    body = {"email": UserFactory().email, "password": "wrong password"}
    barrier, statuses = threading.Barrier(PARALLEL), []

    def attempt() -> None:
        barrier.wait()
        statuses.append(call(limited_server, "POST", "/api/v1/auth/token", json_body=body)[0])

    threads = [threading.Thread(target=attempt) for _ in range(PARALLEL)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(120)
    assert Counter(statuses) == {401: 10, 429: PARALLEL - 10}
