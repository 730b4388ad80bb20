"""Resolving a corrective action with a note and an evidence photo (DESIGN §2)."""

import uuid
from zoneinfo import ZoneInfo

from sqlalchemy.orm import Session

from auditor.audits import actions
from auditor.models import CorrectiveAction, Photo, User
from auditor.photos.pipeline import process_photo, upload_hash
from auditor.photos.storage import Storage, display_key, thumb_key


def store_evidence(
    session: Session, storage: Storage, action: CorrectiveAction, data: bytes, limits: dict
) -> Photo:
    """Sanitise and store a photo as the action's evidence, filed under its source audit."""
    processed = process_photo(
        data,
        max_bytes=limits["max_bytes"],
        max_pixels=limits["max_pixels"],
        local_tz=ZoneInfo(action.location.timezone),
    )
    storage.put(display_key(processed.content_hash), processed.display, "image/jpeg")
    storage.put(thumb_key(processed.content_hash), processed.thumbnail, "image/jpeg")
    photo = Photo(
        id=uuid.uuid4(),
        audit_id=action.audit_id,
        question_key=action.question_key,
        upload_hash=upload_hash(data),
        content_hash=processed.content_hash,
        width=processed.width,
        height=processed.height,
        bytes=len(processed.display),
        taken_at=processed.taken_at,
    )  # GPS of evidence is not kept: it proves a fix, not a visit
    session.add(photo)
    action.evidence_photo = photo
    return photo


def resolve(
    session: Session,
    storage: Storage,
    actor: User,
    action: CorrectiveAction,
    note: str,
    photo: bytes | None,
    limits: dict,
) -> CorrectiveAction:
    """Close an action with a note (required) and an optional evidence photo."""
    actions.update(session, actor, action, {"status": "done", "note": note.strip()})
    if photo:
        store_evidence(session, storage, action, photo, limits)
    return action
