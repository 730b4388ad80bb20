"""Telling people and systems what happened (DESIGN §10.7): the job queue (`queue`: one huey
instance, SQLite storage embedded by default and Redis in production, tasks run in an app
context and enqueued only after the request's commit), domain events (`events`: `publish` inside
the transaction, subscribers that enqueue jobs), the worker (`worker`), signed webhooks with their
durable delivery log (`webhooks*`), and email alerts (`email*`, `alerts*`).

Imports `core`, `models`, `access` and the API schemas that define what an object "as its GET
shows it" is (webhook payloads); domain packages call only `events.publish` and never import a
face (`web`) or the request.
"""

from flask import Flask


def init_app(app: Flask) -> None:
    """Point the queue at the app's storage and register the event subscribers."""
    from auditor.notify import queue

    queue.init_app(app)
    for module in SUBSCRIBER_MODULES:
        __import__(module)


# modules whose import registers `@subscriber` handlers and `@task`s (the worker needs them too)
SUBSCRIBER_MODULES: list[str] = [
    "auditor.notify.webhook_delivery",
    "auditor.notify.alerts",
    "auditor.notify.digest",
    "auditor.notify.dispute_alerts",
    "auditor.scheduling.jobs",  # the daily planning job (DESIGN §10.8)
    "auditor.notify.reminders",  # the day-before reminder of a visit
]
