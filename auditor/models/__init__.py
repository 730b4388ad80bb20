"""Typed SQLAlchemy models, a module per aggregate. Models hold no queries and never commit."""

from auditor.models.actions import (
    ACTION_PRIORITIES,
    ACTION_STATUSES,
    ActionComment,
    AuditLogEntry,
    CorrectiveAction,
    action_subject,
    audit_actions,
)
from auditor.models.audits import (
    ASSIGNMENT_STATUSES,
    AUDIT_STATUSES,
    Answer,
    Assignment,
    Audit,
    AuditSectionScore,
    Photo,
    audit_staff,
)
from auditor.models.base import Base, utcnow
from auditor.models.checklists import (
    CHECKLIST_STATUSES,
    Checklist,
    ChecklistQuestion,
    ChecklistSection,
)
from auditor.models.disputes import DISPUTE_STATUSES, Dispute
from auditor.models.notify import Webhook, WebhookDelivery
from auditor.models.org import Location, Region, region_managers
from auditor.models.preferences import EMAIL_KINDS, EmailPreference
from auditor.models.schedules import (
    SCHEDULE_STATUSES,
    Schedule,
    Unavailability,
    schedule_auditors,
    schedule_locations,
)
from auditor.models.trust import (
    REVISION_KINDS,
    SIGNAL_CODES,
    AuditRevision,
    AuditSignal,
    AuditText,
)
from auditor.models.users import ROLES, ApiToken, User

__all__ = [
    "ACTION_PRIORITIES",
    "ACTION_STATUSES",
    "ASSIGNMENT_STATUSES",
    "AUDIT_STATUSES",
    "CHECKLIST_STATUSES",
    "DISPUTE_STATUSES",
    "EMAIL_KINDS",
    "REVISION_KINDS",
    "ROLES",
    "SCHEDULE_STATUSES",
    "SIGNAL_CODES",
    "ActionComment",
    "Answer",
    "ApiToken",
    "Assignment",
    "Audit",
    "AuditLogEntry",
    "AuditRevision",
    "AuditSectionScore",
    "AuditSignal",
    "AuditText",
    "Base",
    "Checklist",
    "ChecklistQuestion",
    "ChecklistSection",
    "CorrectiveAction",
    "Dispute",
    "EmailPreference",
    "Location",
    "Photo",
    "Region",
    "Schedule",
    "Unavailability",
    "User",
    "Webhook",
    "WebhookDelivery",
    "action_subject",
    "audit_actions",
    "audit_staff",
    "region_managers",
    "schedule_auditors",
    "schedule_locations",
    "utcnow",
]
