"""Sending webhook deliveries (DESIGN §10.7): recorded in the event's transaction, POSTed by the
queue's worker with an HMAC-SHA256 signature, retried with exponential backoff, swept from their
rows so that nothing depends on the queue alone.

A delivery is claimed before it is sent (one conditional UPDATE moves its next attempt a lease
ahead), so the scheduled retry, the sweep and a second worker never send one attempt twice; a
worker killed mid-send leaves the claim to lapse and the sweep to send again (receivers tell a
repeat by `X-Auditor-Delivery`).
"""

import hashlib
import hmac
import http.client
import logging
import threading
import urllib.error
import urllib.request
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from huey import crontab
from sqlalchemy import select, update
from sqlalchemy.orm import Session

from auditor.core.extensions import db
from auditor.models import Webhook, WebhookDelivery, utcnow
from auditor.notify import queue, webhook_payloads
from auditor.notify.events import WEBHOOK_EVENTS, subscriber
from auditor.notify.webhooks import private_allowed, private_target

log = logging.getLogger(__name__)
CLAIM_MARGIN_SECONDS = 30  # beyond the timeout: how long a claimed attempt may take
SWEEP_BATCH = 500
# the queue keeps a scheduled job's time to the second (rounded down): a retry may start that
# much before its delivery's next attempt, and counts as due
EARLY = timedelta(seconds=1)


def signature(secret: str, body: bytes) -> str:
    """The `X-Auditor-Signature` header's value: `sha256=<hex HMAC-SHA256 of the body>`."""
    return "sha256=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()


def retry_delay(attempts: int, base_seconds: float) -> timedelta:
    """The wait after the `attempts`-th failed attempt: base x 2^(attempts - 1)."""
    return timedelta(seconds=base_seconds * 2 ** (attempts - 1))


@subscriber(*WEBHOOK_EVENTS)
def record_deliveries(event_type: str, refs: dict[str, Any]) -> None:
    """In the event's transaction: store one delivery (the same body) per webhook that wants it."""
    session = db.session()
    active = session.scalars(select(Webhook).where(Webhook.active))
    hooks = [hook for hook in active if event_type in hook.events]
    if not hooks:
        return
    event_id, body = webhook_payloads.body_for(session, event_type, refs)
    add_deliveries(session, hooks, event_type, event_id, body)


def add_deliveries(
    session: Session, hooks: list[Webhook], event: str, event_id: str, body: str
) -> list[WebhookDelivery]:
    """Store deliveries due now and have the worker send them once the transaction commits."""
    now = utcnow()
    deliveries = [
        WebhookDelivery(
            webhook_id=hook.id,
            event_id=event_id,
            event=event,
            payload=body,
            attempts=0,
            created_at=now,
            next_attempt_at=now,
        )
        for hook in hooks
    ]
    session.add_all(deliveries)
    session.flush()
    for delivery in deliveries:
        queue.after_commit(deliver, delivery.id)
    return deliveries


def send_test(session: Session, webhook: Webhook) -> WebhookDelivery:
    """A "send a test event" delivery to this webhook alone."""
    event_id, body = webhook_payloads.test_body(webhook.id)
    return add_deliveries(session, [webhook], webhook_payloads.TEST_EVENT, event_id, body)[0]


@dataclass(frozen=True)
class Outcome:
    status_code: int | None
    error: str | None

    @property
    def delivered(self) -> bool:
        return self.status_code is not None and 200 <= self.status_code < 300


class _NoRedirects(urllib.request.HTTPRedirectHandler):
    # a redirect is an answer like any other non-2xx: following it could reach any address
    def redirect_request(self, *args, **kwargs):
        return None


_opener = urllib.request.build_opener(_NoRedirects)


def post(url: str, body: bytes, headers: dict[str, str], timeout: float) -> Outcome:
    """POST the body; the status code, or the reason there is none (timeout, refused…)."""
    request = urllib.request.Request(url, data=body, headers=headers, method="POST")
    try:
        with _opener.open(request, timeout=timeout) as response:
            response.read(65536)
            return Outcome(response.status, None)
    except urllib.error.HTTPError as error:
        error.close()
        return Outcome(error.code, None)
    except (urllib.error.URLError, http.client.HTTPException, OSError, ValueError) as error:
        reason = getattr(error, "reason", error)
        return Outcome(None, f"{type(reason).__name__}: {reason}"[:500])


def _claim(session: Session, delivery_id: int, now: datetime, lease: timedelta) -> bool:
    claimed = session.execute(
        update(WebhookDelivery)
        .where(
            WebhookDelivery.id == delivery_id,
            WebhookDelivery.delivered_at.is_(None),
            WebhookDelivery.next_attempt_at <= now + EARLY,
        )
        .values(next_attempt_at=now + lease, attempts=WebhookDelivery.attempts + 1)
    )
    return claimed.rowcount == 1


def _attempt(delivery: WebhookDelivery, webhook: Webhook, config) -> Outcome:
    if not webhook.active:
        return Outcome(None, "The webhook is inactive.")
    # checked again at each send: a name may resolve elsewhere since it was registered
    if not private_allowed(config) and (refused := private_target(webhook.url)):
        return Outcome(None, f"The host resolves to {refused}: refused.")
    body = delivery.payload.encode()
    headers = {
        "Content-Type": "application/json",
        "User-Agent": "Auditor-Webhooks/1",
        "X-Auditor-Event": delivery.event,
        "X-Auditor-Delivery": str(delivery.id),
        "X-Auditor-Signature": signature(webhook.secret, body),
    }
    return post(webhook.url, body, headers, float(config["WEBHOOK_TIMEOUT_SECONDS"]))


def _record(delivery: WebhookDelivery, outcome: Outcome, config) -> datetime | None:
    now = utcnow()
    delivery.status_code, delivery.last_error = outcome.status_code, outcome.error
    if outcome.delivered:
        delivery.delivered_at, delivery.next_attempt_at = now, None
    elif delivery.attempts >= int(config["WEBHOOK_ATTEMPTS"]):
        delivery.next_attempt_at = None  # failed: attempts used up
    else:
        base = float(config["WEBHOOK_RETRY_BASE_SECONDS"])
        delivery.next_attempt_at = now + retry_delay(delivery.attempts, base)
    return delivery.next_attempt_at


@queue.task()
def deliver(delivery_id: int) -> None:
    """Make the next attempt of a delivery if it is due and nobody else is making it."""
    config, session = queue.app_config(), db.session
    lease = timedelta(seconds=float(config["WEBHOOK_TIMEOUT_SECONDS"]) + CLAIM_MARGIN_SECONDS)
    if not _claim(session, delivery_id, utcnow(), lease):
        session.rollback()
        return
    delivery = session.get(WebhookDelivery, delivery_id)
    webhook = session.get(Webhook, delivery.webhook_id)
    session.commit()  # the claim holds no lock while the receiver answers
    outcome = _attempt(delivery, webhook, config)
    delivery = session.get(WebhookDelivery, delivery_id, populate_existing=True)
    if delivery is None:  # the webhook was deleted meanwhile
        return
    next_attempt = _record(delivery, outcome, config)
    if next_attempt is not None:
        queue.after_commit_at(next_attempt, deliver, delivery_id)
    session.commit()
    log.info(
        "webhook delivery %s %s: attempt %s, %s",
        delivery_id,
        delivery.status,
        delivery.attempts,
        outcome.status_code or outcome.error,
    )


@queue.periodic_task(crontab(minute="*"))
def sweep_deliveries() -> int:
    """Enqueue every delivery whose next attempt is due (what a lost queue message left)."""
    due = db.session.scalars(
        select(WebhookDelivery.id)
        .where(
            WebhookDelivery.delivered_at.is_(None),
            WebhookDelivery.next_attempt_at.is_not(None),
            WebhookDelivery.next_attempt_at <= utcnow(),
        )
        .order_by(WebhookDelivery.next_attempt_at)
        .limit(SWEEP_BATCH)
    ).all()
    db.session.rollback()
    for delivery_id in due:
        deliver(delivery_id)
    return len(due)


_started = threading.Lock()


@queue.huey.on_startup("webhook_sweep")
def _sweep_at_start() -> None:
    # a restarted worker looks at once rather than at the next minute (one of its threads)
    if not queue.huey.immediate and _started.acquire(blocking=False):
        sweep_deliveries.call_local()
