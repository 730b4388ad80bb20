"""Photos of an audit: idempotent uploads, deletion from drafts, and who may fetch them.

Files are written (atomically, content-addressed) before the row is inserted, and the row is
committed last: a server killed mid-upload leaves at most an unreferenced file, never a row
pointing at nothing. A resent photo is recognised by the hash of its bytes and never decoded.
"""

import uuid
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from auditor import access
from auditor.audits import signals
from auditor.audits.lifecycle import EDITABLE, definition_for
from auditor.core import audit_log
from auditor.core.errors import Conflict, Invalid, NotFound
from auditor.models import Audit, Photo, User
from auditor.photos.budget import DEFAULT_BUDGET, DecodeBudget
from auditor.photos.phash import phash_of, quarters
from auditor.photos.pipeline import process_photo, upload_hash
from auditor.photos.storage import Storage, display_key, thumb_key


@dataclass(frozen=True)
class PhotoLimits:
    """What an upload may weigh (DESIGN §9): bytes and decoded pixels, and what decoding it may
    cost (memory, work, time)."""

    max_bytes: int
    max_pixels: int
    budget: DecodeBudget = DEFAULT_BUDGET

    @classmethod
    def from_config(cls, config: Mapping[str, Any]) -> "PhotoLimits":
        """The limits the app is configured with (PHOTO_MAX_*, PHOTO_DECODE_*)."""
        budget = DecodeBudget(
            memory=config.get("PHOTO_DECODE_MEMORY", DEFAULT_BUDGET.memory),
            scan_pixels=config.get("PHOTO_DECODE_SCAN_PIXELS", DEFAULT_BUDGET.scan_pixels),
            seconds=config.get("PHOTO_DECODE_MS", DEFAULT_BUDGET.seconds * 1000) / 1000,
        )
        return cls(config["PHOTO_MAX_BYTES"], config["PHOTO_MAX_PIXELS"], budget)


def store_photo(
    session: Session,
    storage: Storage,
    data: bytes,
    limits: PhotoLimits,
    timezone: str,
    *,
    keep_gps: bool,
    fingerprint: bool = False,
    **row: Any,
) -> Photo:
    """Sanitise an upload (DESIGN §9), store its display image and thumbnail, add its row.

    `timezone` reads an EXIF time without an offset; `row` names the photo's id, audit and
    question. Evidence photos drop GPS: they prove a fix, not a visit, and take no perceptual
    hash (`fingerprint`): a fix photographed like the audit's finding is not a reused photo.
    """
    processed = process_photo(
        data,
        max_bytes=limits.max_bytes,
        max_pixels=limits.max_pixels,
        local_tz=ZoneInfo(timezone),
        budget=limits.budget,
    )
    _store_files(storage, processed.content_hash, processed.display, processed.thumbnail)
    lat, lon = processed.gps if keep_gps and processed.gps else (None, None)
    row.update(_phash_columns(phash_of(processed.display)) if fingerprint else {})
    photo = Photo(
        upload_hash=upload_hash(data),
        content_hash=processed.content_hash,
        width=processed.width,
        height=processed.height,
        bytes=len(processed.display),
        taken_at=processed.taken_at,
        gps_lat=lat,
        gps_lon=lon,
        **row,
    )
    session.add(photo)
    return photo


def _phash_columns(value: int | None) -> dict[str, int | None]:
    """The hash and its indexed quarters, as Photo's columns (None for a flat image)."""
    q0, q1, q2, q3 = quarters(value) if value is not None else (None,) * 4
    return {"phash": value, "phash_q0": q0, "phash_q1": q1, "phash_q2": q2, "phash_q3": q3}


def _store_files(storage: Storage, content_hash: str, display: bytes, thumbnail: bytes) -> None:
    """Write both files of a content, or neither that was not there before (disk full...)."""
    had_display = storage.exists(display_key(content_hash))
    storage.put(display_key(content_hash), display, "image/jpeg")
    try:
        storage.put(thumb_key(content_hash), thumbnail, "image/jpeg")
    except Exception:
        if not had_display:  # another photo's display image stays: contents are shared
            storage.delete(display_key(content_hash))
        raise


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
    audit: Audit,
    photo_id: uuid.UUID,
    data: bytes,
    question: str | None,
    limits: PhotoLimits,
) -> tuple[Photo, bool]:
    """Store a photo of the (locked) audit under its client UUID; answers it and whether it is
    new. The same bytes again answer the stored photo; other bytes under its UUID, 409."""
    existing = session.get(Photo, photo_id)
    if existing is not None:
        same = (existing.audit_id, existing.upload_hash, existing.question_key)
        if same == (audit.id, upload_hash(data), question):
            return existing, False
        raise Conflict(f"Photo {photo_id} was stored already with other content.")
    if audit.status not in EDITABLE:
        raise Conflict(f"The audit is {audit.status}; photos change only on drafts.")
    definition = definition_for(session, audit)
    _check_question(definition, question)
    photo = store_photo(
        session,
        storage,
        data,
        limits,
        audit.location.timezone,
        keep_gps=True,
        fingerprint=True,
        id=photo_id,
        audit=audit,
        question_key=question,
    )
    signals.refresh(session, audit, definition)
    audit_log.record(
        session, auditor, "photo.add", "audit", audit.id, photo=str(photo_id), question=question
    )
    return photo, True


def delete_photo(session: Session, auditor: User, audit: Audit, photo_id: uuid.UUID) -> str:
    """Remove a photo from a draft or returned (locked) audit; answers its content hash."""
    photo = next((photo for photo in audit.photos if photo.id == photo_id), None)
    if photo is None:
        raise NotFound(f"Photo {photo_id} not found.")
    if audit.status not in EDITABLE:
        raise Conflict(f"The audit is {audit.status}; photos change only on drafts.")
    audit.photos.remove(photo)
    signals.refresh(session, audit, definition_for(session, audit))
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
