"""Resolving a corrective action with a note and an evidence photo (DESIGN §2)."""

import uuid

from sqlalchemy.orm import Session

from auditor.audits import actions
from auditor.audits.photos import PhotoLimits, store_photo
from auditor.models import CorrectiveAction, Photo, User
from auditor.photos.storage import Storage


def store_evidence(
    session: Session, storage: Storage, action: CorrectiveAction, data: bytes, limits: PhotoLimits
) -> Photo:
    """Sanitise and store a photo as the action's evidence, filed under its source audit."""
    photo = store_photo(
        session,
        storage,
        data,
        limits,
        action.location.timezone,
        keep_gps=False,
        id=uuid.uuid4(),
        audit_id=action.audit_id,
        question_key=action.question_key,
    )
    action.evidence_photo = photo
    return photo


def resolve(
    session: Session,
    storage: Storage,
    actor: User,
    action: CorrectiveAction,
    note: str,
    photo: bytes | None,
    limits: PhotoLimits,
) -> CorrectiveAction:
    """Close an action with a note (required) and an optional evidence photo."""
    actions.update(session, actor, action, {"status": "done", "note": note.strip()})
    if photo:
        store_evidence(session, storage, action, photo, limits)
    return action
