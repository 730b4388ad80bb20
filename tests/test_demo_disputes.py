"""seed-demo gives every store a lead staff member and leaves a few disputes (DESIGN §10.4):
one open, one upheld (the answer corrected as a revision, the audit rescored), one rejected."""

from collections import Counter

from sqlalchemy import select

from auditor.core.extensions import db
from auditor.models import Answer, AuditRevision, Dispute, Location, User


def seed(runner, *args: str):
    db.session.commit()
    result = runner.invoke(args=["seed-demo", *args])
    db.session.commit()
    assert result.exit_code == 0, result.output
    return result


def test_every_demo_store_has_one_lead(runner):
    seed(runner)
    leads = Counter(
        user.location_id
        for user in db.session.scalars(select(User).where(User.role == "staff", User.lead))
    )
    stores = db.session.scalars(select(Location.id)).all()
    assert leads == dict.fromkeys(stores, 1)


def test_the_demo_has_an_open_an_upheld_and_a_rejected_dispute(runner):
    result = seed(runner, "--audits", "6")
    disputes = db.session.scalars(select(Dispute).order_by(Dispute.id)).all()
    assert [d.status for d in disputes] == ["open", "upheld", "rejected"]
    for dispute in disputes:
        opener = dispute.opened_by
        assert (opener.role, opener.lead, opener.location_id) == (
            "staff",
            True,
            dispute.audit.location_id,
        )
    upheld = disputes[1]
    answer = db.session.scalar(
        select(Answer).where(Answer.audit_id == upheld.audit_id, Answer.question_key == "music_db")
    )
    assert (answer.value, upheld.value) == (62, 62)
    kinds = db.session.scalars(
        select(AuditRevision.kind).where(AuditRevision.audit_id == upheld.audit_id)
    ).all()
    assert kinds[-1] == "dispute"
    assert disputes[2].decision_note == "The photo shows them."
    # a lead is among the printed logins
    printed = [line.split()[1] for line in result.output.splitlines() if "@example.com" in line]
    shown = db.session.scalars(select(User).where(User.email.in_(printed))).all()
    assert any(user.lead for user in shown)
