"""The rules of a dispute, as plain checks: the window, the question, the decision."""

from collections.abc import Mapping
from datetime import datetime, timedelta
from typing import Any

from auditor.core.errors import Conflict, Invalid
from auditor.models import Audit, Dispute

WINDOW_DAYS = 14
DECISIONS = ("uphold", "reject")
STATUS_AFTER = {"uphold": "upheld", "reject": "rejected"}


def window_end(audit: Audit) -> datetime | None:
    """Until when an approved audit may be disputed (14 days from its approval)."""
    if audit.reviewed_at is None:
        return None
    return audit.reviewed_at + timedelta(days=WINDOW_DAYS)


def check_disputable(audit: Audit, now: datetime) -> None:
    """Refuse an audit that is not approved (409) or whose 14 days have passed (422)."""
    if audit.status != "approved":
        raise Conflict(f"Only approved audits are disputed; this one is {audit.status}.")
    end = window_end(audit)
    if end is None or now >= end:
        raise Invalid(
            {"audit": [f"Disputes are opened within {WINDOW_DAYS} days of the approval."]},
            "The dispute window of this audit has closed.",
        )


def check_comment(comment: str) -> str:
    """The comment trimmed; 422 when nothing is left."""
    if not comment.strip():
        raise Invalid({"comment": ["Say what is wrong with this result."]})
    return comment.strip()


def check_question(definition: Mapping, question: str) -> None:
    """Refuse (422) a question key the audit's checklist lacks."""
    keys = {q["key"] for section in definition["sections"] for q in section["questions"]}
    if question not in keys:
        raise Invalid({"question": [f"No question {question} in this audit's checklist."]})


def check_open(dispute: Dispute) -> None:
    """Refuse (409) to settle a dispute a second time."""
    if dispute.status != "open":
        raise Conflict(f"Dispute {dispute.id} is settled already ({dispute.status}).")


def corrected_answer(decision: str, note: str, data: Mapping[str, Any]) -> dict[str, Any]:
    """What an uphold applies (`{value, na}` as given), checking the decision's fields: a
    reject needs a note and takes no value; an uphold needs a value or N/A."""
    if decision not in DECISIONS:
        raise Invalid({"decision": [f"Must be one of {', '.join(DECISIONS)}."]})
    given = {key: data[key] for key in ("value", "na") if key in data}
    if decision == "reject":
        applied = [key for key, value in given.items() if value not in (None, False)]
        errors = {key: ["A rejected dispute changes no answer."] for key in applied}
        if not note:
            errors["note"] = ["Say why the dispute is rejected."]
        if errors:
            raise Invalid(errors)
        return {}
    if given.get("na") is True:
        return {"value": None, "na": True}
    if given.get("value") is None:
        raise Invalid({"value": ["Give the corrected value, or na: true."]})
    return {"value": given["value"], "na": False}
