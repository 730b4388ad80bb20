"""Opening a dispute on one question of an approved audit, and its photo (DESIGN §10.4, §9)."""

import uuid
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from auditor.audits.answers import definition_for
from auditor.audits.photos import PhotoLimits, store_photo
from auditor.core import audit_log
from auditor.core.errors import Conflict, Forbidden
from auditor.disputes import rules
from auditor.disputes.events import announce
from auditor.models import Audit, Dispute, Photo, User, utcnow
from auditor.photos.pipeline import upload_hash
from auditor.photos.storage import Storage


def open_dispute(
    session: Session,
    opener: User,
    audit: Audit,
    question: str,
    comment: str,
    now: datetime | None = None,
) -> Dispute:
    """Dispute one question of a (locked) approved audit within its window: 409 when the
    question has an open dispute, 422 after the window or for a question the checklist lacks."""
    now = now or utcnow()
    comment = rules.check_comment(comment)
    rules.check_disputable(audit, now)
    rules.check_question(definition_for(session, audit), question)
    already = select(Dispute.id).where(
        Dispute.audit_id == audit.id, Dispute.question_key == question, Dispute.status == "open"
    )
    if session.scalar(already) is not None:
        raise Conflict(f"Question {question} of this audit has an open dispute already.")
    dispute = Dispute(
        audit=audit,
        question_key=question,
        comment=comment,
        status="open",
        opened_by=opener,
        opened_at=now,
    )
    session.add(dispute)
    session.flush()  # the partial unique index answers a racing second one here (409)
    audit_log.record(
        session, opener, "dispute.open", "audit", audit.id, dispute=dispute.id, question=question
    )
    announce("dispute.opened", dispute_id=dispute.id)
    return dispute


def attach_photo(
    session: Session,
    storage: Storage,
    user: User,
    dispute: Dispute,
    data: bytes,
    limits: PhotoLimits,
) -> Photo:
    """Store a photo (§9 rules) as the open dispute's evidence, replacing an earlier one; the
    same bytes again answer the stored photo. Only who opened the dispute adds it."""
    if dispute.opened_by_id != user.id:
        raise Forbidden("Only who opened the dispute adds its photo.")
    rules.check_open(dispute)
    if dispute.photo is not None and dispute.photo.upload_hash == upload_hash(data):
        return dispute.photo
    audit = dispute.audit
    photo = store_photo(
        session,
        storage,
        data,
        limits,
        audit.location.timezone,
        keep_gps=False,
        id=uuid.uuid4(),
        audit_id=audit.id,
    )
    # taken after the visit by design: its time must not make a photo_time_outside_visit
    # signal, and it takes no perceptual hash (no photo_reused either)
    photo.taken_at = None
    dispute.photo = photo
    audit_log.record(
        session, user, "dispute.photo", "audit", audit.id, dispute=dispute.id, photo=str(photo.id)
    )
    return photo
