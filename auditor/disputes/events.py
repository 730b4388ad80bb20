"""Where disputes announce what happened (DESIGN §10.7: `dispute.opened`, `dispute.settled`),
inside the transaction, through `auditor.notify.events.publish`."""

from typing import Any


def announce(event_type: str, **refs: Any) -> None:
    """Publish a dispute event (subscribers run now, in the same transaction)."""
    from auditor.notify.events import publish  # notify imports the API schemas: load it late

    publish(event_type, **refs)
