"""What a webhook delivery says: the envelope `{"id", "type", "created_at", "data"}` with `data`
the object as its GET shows it (the API's own schemas dump it), built once, when the event
happens, so later edits never change what was announced."""

import json
import uuid
from collections.abc import Callable
from typing import Any

from sqlalchemy.orm import Session

from auditor.models import utcnow

TEST_EVENT = "webhook.test"


def _audit(session: Session, refs: dict[str, Any]) -> dict:
    from auditor.api.audits import AuditSchema  # the API document of GET /api/v1/audits/<uuid>
    from auditor.models import Audit

    return AuditSchema().dump(session.get(Audit, refs["audit_id"]))


def _dispute(session: Session, refs: dict[str, Any]) -> dict:
    from auditor.api.disputes import DisputeSchema  # GET /api/v1/disputes/<id>
    from auditor.models import Dispute

    return DisputeSchema().dump(session.get(Dispute, refs["dispute_id"]))


def _action(session: Session, refs: dict[str, Any]) -> dict:
    from auditor.api.actions import ActionDetailSchema, _detail  # GET /api/v1/actions/<id>
    from auditor.models import CorrectiveAction

    return ActionDetailSchema().dump(_detail(session.get(CorrectiveAction, refs["action_id"])))


DATA: dict[str, Callable[[Session, dict[str, Any]], dict]] = {
    "audit": _audit,
    "dispute": _dispute,
    "action": _action,
}


def envelope(event_type: str, data: dict) -> tuple[str, str]:
    """A new event id and the JSON body announcing `data` (compact, UTF-8, keys as sent)."""
    event_id = str(uuid.uuid4())
    body = {"id": event_id, "type": event_type, "created_at": utcnow().isoformat(), "data": data}
    return event_id, json.dumps(body, ensure_ascii=False, separators=(",", ":"), default=str)


def body_for(session: Session, event_type: str, refs: dict[str, Any]) -> tuple[str, str]:
    """The event id and body of `event_type` about the object `refs` names."""
    return envelope(event_type, DATA[event_type.split(".", 1)[0]](session, refs))


def test_body(webhook_id: int) -> tuple[str, str]:
    """The body of a "send a test event" delivery."""
    return envelope(TEST_EVENT, {"webhook_id": webhook_id, "message": "A test event from Auditor."})
