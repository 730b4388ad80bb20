"""An audit's answers: checking them against the definition, storing them, scoring them.

Shared by the life cycle (PUT, submit, post-visit answers) and by review (a reviewer's
correction), so one answer is judged by the same rules whoever writes it.
"""

from collections.abc import Iterable, Mapping
from typing import Any

from sqlalchemy import delete, insert
from sqlalchemy.orm import Session
from sqlalchemy.orm.attributes import set_committed_value

from auditor.checklists import scoring, versions
from auditor.core.errors import Invalid
from auditor.models import Answer, Audit, AuditSectionScore


def definition_for(session: Session, audit: Audit) -> dict[str, Any]:
    """The definition the audit was made with (cached once published)."""
    return versions.definition_for(session, audit.checklist)


def questions_by_key(definition: Mapping) -> dict[str, tuple[Mapping, Mapping]]:
    """Every question of a definition by key, with its section."""
    return {q["key"]: (s, q) for s in definition["sections"] for q in s["questions"]}


def scoring_answers(audit: Audit) -> dict[str, scoring.Answer]:
    """The audit's answers as the scoring engine takes them."""
    return {a.question_key: scoring.Answer(value=a.value, na=a.na) for a in audit.answers}


def _store_score(audit: Audit, result: scoring.AuditScore) -> None:
    """Put a score on the audit and its section rows (updating rows in place)."""
    audit.score_overall, audit.critical_failed = result.overall, result.critical_failed
    rows = {row.section_key: row for row in audit.section_scores}
    for key, value in result.sections.items():
        if key in rows:
            rows[key].score = value
        else:
            audit.section_scores.append(AuditSectionScore(section_key=key, score=value))
    for key, row in rows.items():
        if key not in result.sections:
            audit.section_scores.remove(row)


def rescore(audit: Audit, definition: Mapping) -> scoring.AuditScore:
    """Score the audit and store the result on it, its answers and its section rows."""
    result = scoring.score_audit(definition, scoring_answers(audit))
    for answer in audit.answers:
        question = result.questions.get(answer.question_key)
        answer.earned = question.earned if question else None
        answer.possible = question.possible if question else None
    _store_score(audit, result)
    return result


def check_answers(definition: Mapping, answers: Iterable[Mapping], phases: set[str]) -> None:
    """Refuse (422, by question key) answers the definition does not allow in these phases."""
    questions, errors, seen = questions_by_key(definition), {}, set()
    for given in answers:
        key = given["question"]
        if key in seen:
            errors.setdefault(key, []).append("answered twice")
        seen.add(key)
        if key not in questions:
            errors.setdefault(key, []).append("no such question in this checklist")
            continue
        section, question = questions[key]
        if section["phase"] not in phases:
            errors.setdefault(key, []).append(f"not a {' or '.join(sorted(phases))} question")
        answer = scoring.Answer(value=given.get("value"), na=given.get("na", False))
        errors.setdefault(key, []).extend(scoring.answer_errors(question, answer))
    errors = {key: messages for key, messages in errors.items() if messages}
    if errors:
        raise Invalid(errors, "Some answers are invalid: see errors.")


def apply_answers(audit: Audit, answers: Iterable[Mapping]) -> None:
    """Add or change some answers through the ORM (post-visit: a handful at a time)."""
    existing = {row.question_key: row for row in audit.answers}
    for data in answers:
        row = existing.get(data["question"])
        if row is None:
            row = Answer(question_key=data["question"])
            audit.answers.append(row)
        row.value, row.na = data.get("value"), data.get("na", False)
        row.comment = data.get("comment") or ""


def replace_answers(session: Session, audit: Audit, answers: list[Mapping], definition) -> None:
    """Replace every answer and rescore (PUT): one DELETE and one batched INSERT.

    The ORM would insert the rows one statement each on SQLite (it needs each new id back and
    SQLite's RETURNING order is not guaranteed); a bulk INSERT ... RETURNING takes one.
    """
    given = {a["question"]: scoring.Answer(a.get("value"), a.get("na", False)) for a in answers}
    result = scoring.score_audit(definition, given)
    _store_score(audit, result)  # before the statements below flush the audit's one UPDATE
    if audit.answers:
        session.execute(delete(Answer).where(Answer.audit_id == audit.id))
        for old in audit.answers:
            session.expunge(old)  # its id may be reused by SQLite for a new row
    rows = [_answer_row(audit, data, result) for data in answers]
    new = session.scalars(insert(Answer).returning(Answer), rows).all() if rows else []
    set_committed_value(audit, "answers", sorted(new, key=lambda answer: answer.id))


def _answer_row(audit: Audit, data: Mapping, result: scoring.AuditScore) -> dict[str, Any]:
    question = result.questions.get(data["question"])
    return {
        "audit_id": audit.id,
        "question_key": data["question"],
        "value": data.get("value"),
        "na": data.get("na", False),
        "comment": data.get("comment") or "",
        "earned": question.earned if question else None,
        "possible": question.possible if question else None,
    }
