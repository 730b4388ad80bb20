"""The job queue with a real worker process, on SQLite storage and on Redis (DESIGN §10.7)."""

import time
from pathlib import Path

from sqlalchemy import select

from auditor.core.errors import Invalid
from auditor.core.extensions import csrf, db
from auditor.models import Region
from auditor.notify import queue
from tests.factories import UserFactory
from tests.jobs import sample_tasks
from tests.jobs.conftest import wait_for


def lines(path: Path) -> list[str]:
    return path.read_text().splitlines() if path.exists() else []


def words(path: Path, word: str) -> list[str]:
    return [line for line in lines(path) if line.split()[0] == word]


def test_a_job_runs_in_the_worker_once_the_transaction_commits(jobs, tmp_path):
    out = tmp_path / "out.txt"
    UserFactory()
    queue.after_commit(sample_tasks.record, str(out), "hello")
    assert queue.huey.pending_count() == 0  # nothing is enqueued inside the transaction
    db.session.commit()
    assert queue.huey.pending_count() == 1
    jobs.worker()
    wait_for(lambda: words(out, "hello"), 20, jobs.log)
    # the job read the test database in an app context of the worker's own
    assert words(out, "hello")[0].startswith("hello users=1 ")
    assert [job for job in queue.huey.pending() if job.name == "record"] == []


def test_a_rolled_back_request_enqueues_nothing(jobs, tmp_path):
    out = str(tmp_path / "out.txt")

    def failing():
        db.session.add(Region(name="Rolled back"))
        db.session.flush()
        queue.after_commit(sample_tasks.record, out, "never")
        raise Invalid({"name": ["refused on purpose"]})

    def committing():
        queue.after_commit(sample_tasks.record, out, "once")
        db.session.commit()
        return {"ok": True}

    for view in (failing, committing):
        csrf.exempt(view)
        jobs.app.add_url_rule(f"/test-jobs/{view.__name__}", view.__name__, view, methods=["POST"])
    client = jobs.app.test_client()
    refused = client.post("/test-jobs/failing")
    assert refused.status_code == 302  # a page's domain error: flashed, rolled back
    assert queue.huey.pending_count() == 0
    assert db.session.scalar(select(Region).where(Region.name == "Rolled back")) is None
    assert client.post("/test-jobs/committing").status_code == 200
    pending = queue.huey.pending()
    assert [(job.name, job.args) for job in pending] == [("record", (out, "once"))]


def test_a_rolled_back_savepoint_drops_only_its_own_jobs(jobs, tmp_path):
    out = str(tmp_path / "out.txt")
    queue.after_commit(sample_tasks.record, out, "outer")
    savepoint = db.session.begin_nested()
    queue.after_commit(sample_tasks.record, out, "inner")
    savepoint.rollback()
    db.session.commit()
    assert [job.args[1] for job in queue.huey.pending()] == ["outer"]


def test_a_worker_killed_mid_job_leaves_it_to_the_next_which_runs_it_once(jobs, tmp_path):
    out = tmp_path / "out.txt"
    queue.after_commit(sample_tasks.slow_record, str(out), "done", 1.0)
    db.session.commit()
    first = jobs.worker()
    wait_for(lambda: words(out, "start"), 20, jobs.log)
    first.kill()  # kill -9 while the job sleeps: it never finishes there
    assert words(out, "done") == []
    jobs.worker()
    wait_for(lambda: words(out, "done"), 30, jobs.log)
    assert len(words(out, "start")) == 2
    # the lease passes again with nothing in flight: no third run
    wait_for(lambda: "interrupted" in jobs.log.read_text(), 5, jobs.log)
    time.sleep(4)
    assert len(words(out, "done")) == 1
    assert len(words(out, "start")) == 2


def test_a_failed_job_waiting_for_its_retry_survives_a_killed_worker(jobs, tmp_path):
    out = tmp_path / "out.txt"
    queue.after_commit(sample_tasks.flaky_record, str(out), "done", 2)
    db.session.commit()
    first = jobs.worker()
    # the retry waits in the queue's schedule (its storage, not the worker's memory)
    wait_for(lambda: words(out, "failed") and queue.huey.scheduled_count() == 1, 20, jobs.log)
    first.kill()
    jobs.worker()
    wait_for(lambda: words(out, "done"), 30, jobs.log)
    assert len(words(out, "failed")) == 2
    assert len(words(out, "done")) == 1
    assert queue.huey.scheduled_count() == 0
    assert [job for job in queue.huey.pending() if job.name == "flaky_record"] == []


def test_ctrl_c_lets_the_running_job_finish_and_stops_the_worker(jobs, tmp_path):
    out = tmp_path / "out.txt"
    queue.after_commit(sample_tasks.slow_record, str(out), "done", 1.0)
    db.session.commit()
    worker = jobs.worker()
    wait_for(lambda: words(out, "start"), 20, jobs.log)
    assert worker.stop() == 0
    assert len(words(out, "done")) == 1


def test_the_worker_refuses_to_start_when_jobs_run_immediately(runner):
    result = runner.invoke(args=["worker"])
    assert result.exit_code == 1
    assert "JOBS_IMMEDIATE is on" in result.output


def test_the_webhook_sweep_is_a_periodic_job_of_every_minute(app):
    from datetime import UTC, datetime

    minute = datetime(2027, 1, 4, 13, 37, tzinfo=UTC).replace(tzinfo=None)  # huey's naive UTC
    due = {job.name for job in queue.huey.read_periodic(minute)}
    assert "sweep_deliveries" in due
