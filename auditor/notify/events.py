"""Domain events: `publish` inside the transaction, `subscriber`s react (usually enqueueing a job).

Domain code says what happened (`publish("audit.approved", audit_id=audit.id)`) while its
transaction is open; each subscriber registered for that type is called right there, in the same
transaction, so what it records (a webhook delivery's payload) commits or rolls back with the
change it announces, and what it enqueues (`queue.after_commit`) runs only after the commit.
"""

from collections import defaultdict
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any

# the events a webhook may subscribe to (DESIGN §10.7)
WEBHOOK_EVENTS = (
    "audit.submitted",
    "audit.approved",
    "audit.returned",
    "audit.rejected",
    "dispute.opened",
    "dispute.settled",
    "action.opened",
)
# events only email alerts listen to
INTERNAL_EVENTS = (
    "assignment.created",
    "action.due_soon",
    "action.overdue",
)
EVENT_TYPES = frozenset(WEBHOOK_EVENTS + INTERNAL_EVENTS)

Handler = Callable[[str, dict[str, Any]], None]
_subscribers: dict[str, list[Handler]] = defaultdict(list)
_muted: ContextVar[bool] = ContextVar("auditor_events_muted", default=False)


def subscriber(*event_types: str) -> Callable[[Handler], Handler]:
    """Decorator registering `handler(event_type, refs)` for the given event types."""
    unknown = set(event_types) - EVENT_TYPES
    if unknown or not event_types:
        raise ValueError(f"unknown event types: {sorted(unknown) or 'none given'}")

    def register(handler: Handler) -> Handler:
        for event_type in event_types:
            if handler not in _subscribers[event_type]:
                _subscribers[event_type].append(handler)
        return handler

    return register


@contextmanager
def muted() -> Iterator[None]:
    """Publish nothing inside: seeding the demo's made-up history mails and calls nobody."""
    token = _muted.set(True)
    try:
        yield
    finally:
        _muted.reset(token)


def publish(event_type: str, **refs: Any) -> None:
    """Announce an event inside the current transaction: every subscriber runs now."""
    if event_type not in EVENT_TYPES:
        raise ValueError(f"unknown event type {event_type!r}")
    if _muted.get():
        return
    for handler in list(_subscribers.get(event_type, ())):
        handler(event_type, refs)
