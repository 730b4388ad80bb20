"""Review with quality control (DESIGN §10.1-10.2): review, a reviewer's correction of one
answer, bulk approvals, and an audit's revisions; under /api/v1/audits beside the audits."""

import marshmallow as ma
from flask.views import MethodView
from flask_login import current_user
from flask_smorest import Blueprint

from auditor import access
from auditor.api.audits import AuditSchema
from auditor.api.common import UserRefSchema
from auditor.audits import lifecycle, revisions
from auditor.checklists.definition import MAX_QUESTIONS
from auditor.core.extensions import db

blp = Blueprint(
    "reviews", __name__, url_prefix="/api/v1/audits", description="Review and revisions"
)

Str = ma.fields.String
Int = ma.fields.Integer


QuestionKey = Str(validate=ma.validate.Length(min=1, max=64))


class ReviewSchema(ma.Schema):
    decision = Str(required=True, validate=ma.validate.OneOf(("approve", "return", "reject")))
    note = Str(allow_none=True, validate=ma.validate.Length(max=5000))
    questions = ma.fields.Dict(
        keys=QuestionKey,
        values=Str(validate=ma.validate.Length(max=2000)),
        allow_none=True,
        validate=ma.validate.Length(max=MAX_QUESTIONS),
        metadata={"description": "For a return: a note per question key, shown beside it."},
    )


class CorrectionSchema(ma.Schema):
    """A reviewer's correction of one answer: the fields given replace the answer's."""

    value = ma.fields.Raw(allow_none=True)
    na = ma.fields.Boolean()
    comment = Str(validate=ma.validate.Length(max=2000))
    reason = Str(required=True, validate=ma.validate.Length(max=2000))


class ApprovalsSchema(ma.Schema):
    audits = ma.fields.List(
        ma.fields.UUID(), required=True, validate=ma.validate.Length(min=1, max=200)
    )


class SkippedSchema(ma.Schema):
    uuid = ma.fields.UUID()
    reason = Str()


class ApprovalsResultSchema(ma.Schema):
    approved = Int()
    skipped = ma.fields.List(ma.fields.Nested(SkippedSchema))


class ChangedAnswerSchema(ma.Schema):
    value = ma.fields.Raw(allow_none=True)
    na = ma.fields.Boolean()
    comment = Str()


class ChangeSchema(ma.Schema):
    question = Str()
    before = ma.fields.Nested(ChangedAnswerSchema, allow_none=True)
    after = ma.fields.Nested(ChangedAnswerSchema, allow_none=True)


class RevisionSchema(ma.Schema):
    """One revision: who submitted or corrected what, and when."""

    revision = Int(attribute="number")
    submitted_at = ma.fields.AwareDateTime(attribute="at")
    by = ma.fields.Nested(UserRefSchema, allow_none=True)
    kind = Str()
    reason = Str()
    changes = ma.fields.List(ma.fields.Nested(ChangeSchema))


class RevisionListSchema(ma.Schema):
    items = ma.fields.List(ma.fields.Nested(RevisionSchema))


def locked_audit_to_review(audit_id):
    """An audit in a manager's or admin's scope, locked, with its details."""
    access.require_role(current_user, "manager", "admin")
    return access.get_audit_for(db.session, current_user, audit_id, lock=True, details=True)


@blp.route("/<uuid:audit_id>/review")
class AuditReview(MethodView):
    @blp.arguments(ReviewSchema)
    @blp.response(200, AuditSchema)
    @blp.alt_response(409, description="The audit is not submitted")
    def post(self, data, audit_id):
        """Approve, return (with a note, and notes per question) or reject (with a note) a
        submitted audit."""
        audit = locked_audit_to_review(audit_id)
        lifecycle.review(
            db.session,
            current_user,
            audit,
            data["decision"],
            data.get("note"),
            data.get("questions"),
        )
        db.session.commit()
        return audit


@blp.route("/<uuid:audit_id>/answers/<question>")
class AuditCorrection(MethodView):
    @blp.arguments(CorrectionSchema)
    @blp.response(200, AuditSchema)
    @blp.alt_response(409, description="The audit is not submitted")
    def patch(self, data, audit_id, question):
        """Correct one answer of a submitted audit, with a reason: rescored, a revision and an
        audit-log entry."""
        audit = locked_audit_to_review(audit_id)
        reason = data.pop("reason")
        lifecycle.correct_answer(db.session, current_user, audit, question, data, reason)
        db.session.commit()
        return audit


@blp.route("/<uuid:audit_id>/revisions")
class AuditRevisions(MethodView):
    @blp.response(200, RevisionListSchema)
    def get(self, audit_id):
        """Every submit and correction of the audit, with exactly what each changed."""
        audit = access.get_audit_for(db.session, current_user, audit_id)
        return {"items": revisions.history(db.session, audit)}


@blp.route("/approvals")
class AuditApprovals(MethodView):
    @blp.arguments(ApprovalsSchema)
    @blp.response(200, ApprovalsResultSchema)
    def post(self, data):
        """Approve in bulk the named submitted audits that have no signals; the rest are
        skipped with a reason."""
        access.require_role(current_user, "manager", "admin")
        result = lifecycle.approve_listed(db.session, current_user, data["audits"])
        db.session.commit()
        return result
