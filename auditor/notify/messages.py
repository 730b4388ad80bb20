"""What each alert email says: store, score, what failed, the auditor's remark and one link to
the page, composed for one recipient (never a score they may not see: no staff names, no other
stores)."""

from collections.abc import Mapping
from dataclasses import dataclass

from sqlalchemy.orm import Session

from auditor.audits.answers import definition_for
from auditor.models import Assignment, Audit, CorrectiveAction, User
from auditor.notify.email import Email, compose, link

ACTION_HEADINGS = {
    "action_opened": "New corrective action",
    "action_due_soon": "Corrective action due in 2 days",
    "action_overdue": "Corrective action overdue",
}


@dataclass(frozen=True)
class Failed:
    """A failed question of an audit, with what the auditor remarked on it."""

    text: str
    section: str
    critical: bool
    comment: str


def failed_questions(definition: Mapping, audit: Audit) -> list[Failed]:
    """The questions an audit scored no points on (critical ones first), in checklist order."""
    answers = {answer.question_key: answer for answer in audit.answers}
    failed = []
    for section in definition["sections"]:
        for question in section["questions"]:
            answer = answers.get(question["key"])
            if answer is None or answer.na or not answer.possible or answer.earned != 0:
                continue
            failed.append(
                Failed(question["text"], section["title"], question["critical"], answer.comment)
            )
    return sorted(failed, key=lambda f: not f.critical)


def low_sections(definition: Mapping, audit: Audit) -> list[tuple[str, float]]:
    """(title, score) of the sections below the checklist's action threshold."""
    scores = {row.section_key: row.score for row in audit.section_scores}
    threshold = definition["action_threshold"]
    return [
        (section["title"], scores[section["key"]])
        for section in definition["sections"]
        if scores.get(section["key"]) is not None and scores[section["key"]] < threshold
    ]


def alerts(definition: Mapping, audit: Audit) -> bool:
    """Whether an approved audit alerts its region's managers: a critical failure, or an overall
    score below the checklist's alert_threshold (default 60)."""
    threshold = definition.get("alert_threshold", 60)
    low = audit.score_overall is not None and audit.score_overall < threshold
    return audit.status == "approved" and (audit.critical_failed or low)


def audit_alert(session: Session, audit: Audit, to: User) -> Email:
    """A failed visit, for a manager of the store's region."""
    definition = definition_for(session, audit)
    subject = f"{audit.location.name}: {_score(audit)}" + (
        ", critical failure" if audit.critical_failed else ""
    )
    return compose(
        to.email,
        subject,
        "audit_alert",
        to=to,
        audit=audit,
        score=_score(audit),
        failed=failed_questions(definition, audit),
        sections=low_sections(definition, audit),
        threshold=definition.get("alert_threshold", 60),
        url=link(f"/manager/audits/{audit.id}"),
    )


def audit_returned(session: Session, audit: Audit) -> Email:
    """A returned audit, for the auditor who made it: the reviewer's notes, what to change."""
    definition = definition_for(session, audit)
    texts = {q["key"]: q["text"] for s in definition["sections"] for q in s["questions"]}
    notes = [(texts.get(key, key), note) for key, note in (audit.review_questions or {}).items()]
    return compose(
        audit.auditor.email,
        f"Returned: your audit of {audit.location.name}",
        "audit_returned",
        to=audit.auditor,
        audit=audit,
        notes=notes,
        url=link("/app/returned"),
    )


def assignment_created(assignment: Assignment) -> Email:
    """A new planned visit, for its auditor."""
    return compose(
        assignment.auditor.email,
        f"New visit: {assignment.location.name}, {assignment.due_from:%d %b} to "
        f"{assignment.due_to:%d %b}",
        "assignment_created",
        to=assignment.auditor,
        assignment=assignment,
        url=link("/app"),
    )


def action_email(kind: str, action: CorrectiveAction, to: User) -> Email:
    """A corrective action opened, due in 2 days or overdue, for its owner."""
    path = "staff" if to.role == "staff" else "manager"
    return compose(
        to.email,
        f"{ACTION_HEADINGS[kind]}: {action.location.name}",
        "action",
        to=to,
        action=action,
        heading=ACTION_HEADINGS[kind],
        repeats=len(action.audits),
        url=link(f"/{path}/actions/{action.id}"),
    )


def digest(to: User, audits: list[Audit], since, until) -> Email:
    """One manager's daily digest of the approvals that would each have alerted them."""
    return compose(
        to.email,
        f"Daily digest: {len(audits)} visit{'' if len(audits) == 1 else 's'} to look at",
        "digest",
        to=to,
        items=[(audit, _score(audit), link(f"/manager/audits/{audit.id}")) for audit in audits],
        since=since,
        until=until,
        url=link("/manager/review"),
    )


def _score(audit: Audit) -> str:
    return "no score" if audit.score_overall is None else f"{audit.score_overall:.1f}"
