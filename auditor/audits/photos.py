"""Photos of an audit: idempotent uploads, deletion from drafts, and who may fetch them.

Files are written (atomically, content-addressed) before the row is inserted, and the row is
committed last: a server killed mid-upload leaves at most an unreferenced file, never a row
pointing at nothing. A resent photo is recognised by the hash of its bytes and never decoded.
"""

import uuid
from zoneinfo import ZoneInfo

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from auditor import access
from auditor.audits.lifecycle import EDITABLE, definition_for, lock_own
from auditor.core import audit_log
from auditor.core.errors import Conflict, Invalid, NotFound
from auditor.models import Photo, User
from auditor.photos.pipeline import process_photo, upload_hash
from auditor.photos.storage import Storage, display_key, thumb_key


def _check_question(definition: dict, question: str | None) -> None:
    if question is None:
        return
    for section in definition["sections"]:
        for candidate in section["questions"]:
            if candidate["key"] == question:
                if candidate["photo"] == "none":
                    raise Invalid({"question": [f"Question {question} takes no photo."]})
                return
    raise Invalid({"question": [f"No question {question} in this checklist."]})


def add_photo(
    session: Session,
    storage: Storage,
    auditor: User,
    audit_id: uuid.UUID,
    photo_id: uuid.UUID,
    data: bytes,
    question: str | None,
    *,
    max_bytes: int,
    max_pixels: int,
) -> tuple[Photo, bool]:
    """Store a photo under its client UUID; answers it and whether it is new."""
    audit = lock_own(session, auditor, audit_id)
    digest = upload_hash(data)
    existing = session.get(Photo, photo_id)
    if existing is not None:
        if (existing.audit_id, existing.upload_hash, existing.question_key) == (
            audit.id,
            digest,
            question,
        ):
            return existing, False
        raise Conflict(f"Photo {photo_id} was stored already with other content.")
    if audit.status not in EDITABLE:
        raise Conflict(f"The audit is {audit.status}; photos change only on drafts.")
    _check_question(definition_for(session, audit.checklist_id), question)
    processed = process_photo(
        data,
        max_bytes=max_bytes,
        max_pixels=max_pixels,
        local_tz=ZoneInfo(audit.location.timezone),
    )
    storage.put(display_key(processed.content_hash), processed.display, "image/jpeg")
    storage.put(thumb_key(processed.content_hash), processed.thumbnail, "image/jpeg")
    lat, lon = processed.gps or (None, None)
    photo = Photo(
        id=photo_id,
        audit=audit,
        question_key=question,
        upload_hash=digest,
        content_hash=processed.content_hash,
        width=processed.width,
        height=processed.height,
        bytes=len(processed.display),
        taken_at=processed.taken_at,
        gps_lat=lat,
        gps_lon=lon,
    )
    session.add(photo)
    session.flush()
    audit_log.record(
        session, auditor, "photo.add", "audit", audit.id, photo=str(photo_id), question=question
    )
    return photo, True


def delete_photo(session: Session, auditor: User, audit_id: uuid.UUID, photo_id: uuid.UUID) -> str:
    """Remove a photo from a draft or returned audit; answers its content hash."""
    audit = lock_own(session, auditor, audit_id)
    photo = session.get(Photo, photo_id)
    if photo is None or photo.audit_id != audit.id:
        raise NotFound(f"Photo {photo_id} not found.")
    if audit.status not in EDITABLE:
        raise Conflict(f"The audit is {audit.status}; photos change only on drafts.")
    audit.photos.remove(photo)
    session.flush()
    audit_log.record(session, auditor, "photo.delete", "audit", audit.id, photo=str(photo_id))
    return photo.content_hash


def forget_unused(session: Session, storage: Storage, content_hash: str) -> None:
    """Delete a content's files once no photo refers to it (after the commit)."""
    users = session.scalar(select(func.count()).where(Photo.content_hash == content_hash))
    if not users:
        storage.delete(display_key(content_hash))
        storage.delete(thumb_key(content_hash))


def photo_for(session: Session, user: User, photo_id: uuid.UUID) -> Photo:
    """A photo whose audit the user may see, or 404."""
    photo = session.get(Photo, photo_id)
    if photo is None:
        access.require_role(user, "admin", "manager", "auditor")
        raise NotFound(f"Photo {photo_id} not found.")
    access.get_audit_for(session, user, photo.audit_id)
    return photo
