"""Typed SQLAlchemy models, a module per aggregate. Models hold no queries and never commit."""

from auditor.models.actions import ACTION_STATUSES, AuditLogEntry, CorrectiveAction
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
from auditor.models.org import Location, Region, region_managers
from auditor.models.trust import (
    REVISION_KINDS,
    SIGNAL_CODES,
    AuditRevision,
    AuditSignal,
    AuditText,
)
from auditor.models.users import ROLES, ApiToken, User

__all__ = [
    "ACTION_STATUSES",
    "ASSIGNMENT_STATUSES",
    "AUDIT_STATUSES",
    "CHECKLIST_STATUSES",
    "DISPUTE_STATUSES",
    "REVISION_KINDS",
    "ROLES",
    "SIGNAL_CODES",
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
    "Location",
    "Photo",
    "Region",
    "User",
    "audit_staff",
    "region_managers",
    "utcnow",
]
