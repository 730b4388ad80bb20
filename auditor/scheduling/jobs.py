"""The scheduling jobs: every day, each active schedule's visits of the next four weeks are
created (idempotent: the unique key on schedule, location and occurrence and a savepoint per
visit make a second run, or a run alongside, create nothing twice, and a run that crashed
halfway leaves whole visits that the next run keeps); a new or edited schedule is planned at
once, after its request commits."""

from huey import crontab

from auditor.core.extensions import db
from auditor.models import Schedule, utcnow
from auditor.notify.queue import after_commit, periodic_task, task
from auditor.scheduling import service


def plan_ahead(schedule_ids: list[int] | None = None) -> int:
    """Create the due visits of the given (default: every active) schedule; one commit each."""
    session = db.session
    today, created = utcnow().date(), 0
    for schedule_id in schedule_ids or service.active_schedule_ids(session):
        schedule = session.get(Schedule, schedule_id)
        if schedule is not None:
            created += len(service.materialise(session, schedule, today))
        session.commit()
    return created


@periodic_task(crontab(hour="1", minute="30"))
def plan_ahead_daily() -> int:
    """Job: every day at 01:30 UTC, every active schedule four weeks ahead."""
    return plan_ahead()


@task(retries=3, retry_delay=30)
def plan_schedule(schedule_id: int) -> int:
    """Job: one schedule's visits four weeks ahead (after it was created or changed)."""
    return plan_ahead([schedule_id])


def plan_after_commit(schedule: Schedule) -> None:
    """Plan the schedule's coming visits once the request's transaction commits."""
    after_commit(plan_schedule, schedule.id)
