"""Dispute emails (DESIGN §10.7): a dispute opened goes to the admins (who settle it), a
settled one to whoever opened it (a store's lead or a manager of its region, who both see the
audit). Like every alert: enqueued after the commit, recipients decided by the job."""

from sqlalchemy import select
from sqlalchemy.orm import Session

from auditor.audits.answers import definition_for
from auditor.core.extensions import db
from auditor.models import User
from auditor.models.disputes import Dispute
from auditor.notify.alerts import send_all, wants
from auditor.notify.email import Email, compose, link
from auditor.notify.events import subscriber
from auditor.notify.queue import after_commit, task

ADMIN_PAGE = "/admin/disputes"
LEAD_AUDIT_PAGE = "/lead/audits/{audit}"
MANAGER_AUDIT_PAGE = "/manager/audits/{audit}"


def _question_text(session: Session, dispute: Dispute) -> str:
    definition = definition_for(session, dispute.audit)
    texts = {q["key"]: q["text"] for s in definition["sections"] for q in s["questions"]}
    return texts.get(dispute.question_key, dispute.question_key)


def opened_emails(session: Session, dispute_id: int) -> list[Email]:
    """An open dispute, to every active admin who takes these."""
    dispute = session.get(Dispute, dispute_id)
    if dispute is None or dispute.status != "open":
        return []
    admins = session.scalars(
        select(User).where(User.role == "admin", User.active.is_(True)).order_by(User.id)
    )
    question = _question_text(session, dispute)
    return [
        compose(
            admin.email,
            f"Dispute opened: {dispute.audit.location.name}, {question}",
            "dispute_opened",
            to=admin,
            dispute=dispute,
            question=question,
            url=link(ADMIN_PAGE),
        )
        for admin in admins
        if wants(session, admin, "dispute_opened")
    ]


def settled_emails(session: Session, dispute_id: int) -> list[Email]:
    """A settled dispute, to the person who opened it."""
    dispute = session.get(Dispute, dispute_id)
    if dispute is None or dispute.status == "open":
        return []
    opener = dispute.opened_by
    if not wants(session, opener, "dispute_settled"):
        return []
    page = LEAD_AUDIT_PAGE if opener.role == "staff" else MANAGER_AUDIT_PAGE
    question = _question_text(session, dispute)
    return [
        compose(
            opener.email,
            f"Dispute {dispute.status}: {dispute.audit.location.name}, {question}",
            "dispute_settled",
            to=opener,
            dispute=dispute,
            question=question,
            url=link(page.format(audit=dispute.audit_id)),
        )
    ]


@task(retries=3, retry_delay=60)
def dispute_opened_alert(dispute_id: int) -> int:
    """Job: the dispute-opened emails."""
    return send_all(opened_emails(db.session, dispute_id))


@task(retries=3, retry_delay=60)
def dispute_settled_alert(dispute_id: int) -> int:
    """Job: the dispute-settled email."""
    return send_all(settled_emails(db.session, dispute_id))


@subscriber("dispute.opened")
def _opened(_event: str, refs: dict) -> None:
    after_commit(dispute_opened_alert, int(refs["dispute_id"]))


@subscriber("dispute.settled")
def _settled(_event: str, refs: dict) -> None:
    after_commit(dispute_settled_alert, int(refs["dispute_id"]))
