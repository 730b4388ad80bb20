"""Email through a real worker process, on SQLite and Redis queue storage (DESIGN §10.7): an SMTP
server that refuses the first attempts (451) gets each alert exactly once after the retries, and
a worker killed while a retry waits loses nothing."""

import time

import pytest
from aiosmtpd.controller import Controller

from auditor.core.extensions import db
from auditor.models import Location, Region
from auditor.notify import queue
from tests.api.action_helpers import approved
from tests.api.audit_helpers import published_store
from tests.conftest import ApiClient, token_for
from tests.factories import UserFactory
from tests.jobs.conftest import wait_for
from tests.mail.conftest import Sink, free_port


class RefusingSink(Sink):
    """An SMTP server that answers 451 (try again later) to the first `refusals` messages."""

    def __init__(self, refusals: int):
        super().__init__()
        self.refusals, self.refused = refusals, 0

    async def handle_DATA(self, server, session, envelope):
        with self.lock:
            if self.refused < self.refusals:
                self.refused += 1
                return "451 4.3.0 Try again later"
        return await super().handle_DATA(server, session, envelope)


@pytest.fixture
def refusing_smtp():
    sink = RefusingSink(refusals=2)
    port = free_port()
    controller = Controller(sink, hostname="127.0.0.1", port=port)
    controller.start()
    yield sink, f"smtp://127.0.0.1:{port}"
    controller.stop()


def client_for(app, user) -> ApiClient:
    client = app.test_client()
    return ApiClient(client, token_for(client, user.email), user)


def test_alerts_arrive_once_after_refusals_and_a_killed_worker(jobs, refusing_smtp):
    sink, mail_url = refusing_smtp
    store = published_store()
    manager = UserFactory(role="manager", regions=[db.session.get(Region, store.region_id)])
    auditor = UserFactory(role="auditor")
    approved(client_for(jobs.app, auditor), client_for(jobs.app, manager), store)
    # the approval's alert and its two actions' mails wait for a worker
    assert queue.huey.pending_count() == 3
    env = {"MAIL_URL": mail_url, "MAIL_RETRY_BASE_SECONDS": "2"}
    first = jobs.worker(**env)
    # both refusals happened, their retries wait in the queue's storage, the third mail went,
    # and no job is running (a mail sent by a job killed before it ended would go again)
    wait_for(
        lambda: (
            sink.refused == 2
            and queue.huey.scheduled_count() == 2
            and len(sink.received) == 1
            and not running()
        ),
        30,
        jobs.log,
    )
    first.kill()
    jobs.worker(**env)
    wait_for(lambda: len(sink.received) == 3, 40, jobs.log)
    time.sleep(3)  # longer than a retry's wait: nothing more arrives
    assert sorted(r.subject.split(":")[0] for r in sink.received) == [
        "New corrective action",
        "New corrective action",
        f"{store_name(store)}",
    ]
    assert {tuple(r.rcpt_tos) for r in sink.received} == {(manager.email,)}
    assert queue.huey.scheduled_count() == 0
    assert queue.huey.pending_count() == 0


def running() -> list[str]:
    """The jobs a worker has started and not finished (the queue's in-flight records)."""
    return [key for key in queue.huey.storage.result_items() if key.startswith("inflight:")]


def store_name(store) -> str:
    return db.session.get(Location, store.location_id).name
