"""Checklist versions: saving definitions as drafts, publishing, reading them back."""

import json
from collections.abc import Mapping
from datetime import datetime
from importlib import resources
from typing import Any

import marshmallow as ma
from sqlalchemy import Select, select
from sqlalchemy.orm import Session, selectinload

from auditor import access
from auditor.checklists.definition import dump_definition, load_definition
from auditor.core import audit_log
from auditor.core.errors import Invalid, NotFound, flatten_errors
from auditor.models import Checklist, ChecklistQuestion, ChecklistSection, User, utcnow

QUESTION_FIELDS = (
    "key",
    "text",
    "help",
    "type",
    "weight",
    "critical",
    "allow_na",
    "photo",
    "show_if",
)
SECTION_FIELDS = ("key", "title", "weight", "phase")
DEFAULT_CHECKLIST_KEY = "store-visit"
DEFINITION_FIELDS = (
    "title",
    "description",
    "follow_up_days",
    "action_threshold",
    "alert_threshold",
    "action_due_days",
    "min_minutes",
)


def with_questions(stmt: Select) -> Select:
    """Load sections and questions with the checklists: three queries for any number of them."""
    return stmt.options(selectinload(Checklist.sections).selectinload(ChecklistSection.questions))


def _number(value: float) -> int | float:
    # weights are stored as floats; a definition written with 20 should read back as 20
    return int(value) if float(value).is_integer() else value


def definition_of(checklist: Checklist) -> dict[str, Any]:
    """The normalised definition (DESIGN §6) a version was saved with."""
    return {
        "key": checklist.key,
        "title": checklist.title,
        "description": checklist.description,
        "follow_up_days": checklist.follow_up_days,
        "action_threshold": _number(checklist.action_threshold),
        "alert_threshold": _number(checklist.alert_threshold),
        "action_due_days": checklist.action_due_days,
        "min_minutes": checklist.min_minutes,
        "sections": [
            {
                **{field: getattr(section, field) for field in SECTION_FIELDS},
                "weight": _number(section.weight),
                "questions": [
                    {
                        **{f: getattr(q, f) for f in QUESTION_FIELDS},
                        "weight": _number(q.weight),
                        **q.settings,
                    }
                    for q in section.questions
                ],
            }
            for section in checklist.sections
        ],
    }


# published versions never change (DESIGN §2), so their definitions are read once per process;
# the publication time is part of the key, so a database emptied and refilled (tests) misses
_PUBLISHED_DEFINITIONS: dict[tuple[int, datetime], dict[str, Any]] = {}
_CACHED_AT_MOST = 256


def definition_for(session: Session, checklist: Checklist) -> dict[str, Any]:
    """The definition of one version, to read and never change; published ones come cached."""
    key = (checklist.id, checklist.published_at)
    if checklist.published_at is not None and key in _PUBLISHED_DEFINITIONS:
        return _PUBLISHED_DEFINITIONS[key]
    session.scalars(with_questions(select(Checklist).where(Checklist.id == checklist.id))).one()
    definition = definition_of(checklist)
    if checklist.published_at is not None:
        if len(_PUBLISHED_DEFINITIONS) >= _CACHED_AT_MOST:
            _PUBLISHED_DEFINITIONS.clear()
        _PUBLISHED_DEFINITIONS[key] = definition
    return definition


def document_of(checklist: Checklist) -> dict[str, Any]:
    """How the API reads a version: its definition plus id, version and status."""
    return {
        **definition_of(checklist),
        "id": checklist.id,
        "version": checklist.version,
        "status": checklist.status,
        "created_at": checklist.created_at,
        "published_at": checklist.published_at,
    }


def _build_sections(checklist: Checklist, definition: Mapping[str, Any]) -> None:
    for s_pos, section in enumerate(definition["sections"]):
        row = ChecklistSection(
            position=s_pos, **{field: section[field] for field in SECTION_FIELDS}
        )
        for q_pos, question in enumerate(section["questions"]):
            settings = {k: v for k, v in question.items() if k not in QUESTION_FIELDS}
            row.questions.append(
                ChecklistQuestion(
                    checklist=checklist,
                    position=q_pos,
                    settings=settings,
                    **{field: question[field] for field in QUESTION_FIELDS},
                )
            )
        checklist.sections.append(row)


def every_version() -> Select:
    """Every version of every checklist, newest first within a key (the admin's list)."""
    return select(Checklist).order_by(Checklist.key, Checklist.version.desc())


def version_listing(user: User, key: str | None = None, status: str | None = None) -> Select:
    """The versions the user may read (non-admins: published ones), of one key or status if
    given; their sections and questions are not loaded (a list shows summaries)."""
    stmt = access.visible_checklists(user)
    if key is not None:
        stmt = stmt.where(Checklist.key == key)
    if status is not None:
        stmt = stmt.where(Checklist.status == status)
    return stmt


def latest_version(session: Session, key: str) -> Checklist | None:
    """The newest version of a checklist key, draft or published."""
    stmt = select(Checklist).where(Checklist.key == key).order_by(Checklist.version.desc())
    return session.scalars(stmt.limit(1)).first()


def parse_definition(raw: Any) -> dict[str, Any]:
    """Validate a definition from a file or a client, refusing it with field-level errors."""
    try:
        return load_definition(raw)
    except ma.ValidationError as error:
        raise Invalid(
            flatten_errors(error.messages), "The checklist definition is invalid."
        ) from error


def save_definition(
    session: Session, actor: User | None, definition: Mapping[str, Any]
) -> tuple[Checklist, bool]:
    """Store a validated definition; answers the version and whether it is a new one.

    The latest version is replaced while it is a draft; otherwise the next version is made as a
    draft. Published versions never change.
    """
    checklist = latest_version(session, definition["key"])
    created = checklist is None or checklist.status != "draft"
    if created:
        version = 1 if checklist is None else checklist.version + 1
        checklist = Checklist(key=definition["key"], version=version, status="draft")
        session.add(checklist)
    else:
        checklist.sections.clear()
        session.flush()  # old rows out before new ones with the same keys come in
    for field in DEFINITION_FIELDS:
        setattr(checklist, field, definition[field])
    _build_sections(checklist, definition)
    session.flush()
    action = "checklist.create" if created else "checklist.replace_draft"
    audit_log.record(
        session,
        actor,
        action,
        "checklist",
        checklist.id,
        key=checklist.key,
        version=checklist.version,
    )
    return checklist, created


def publish(session: Session, actor: User | None, checklist: Checklist) -> Checklist:
    """Publish a draft version; publishing a published one changes nothing."""
    if checklist.status == "draft":
        checklist.status = "published"
        checklist.published_at = utcnow()
        audit_log.record(
            session,
            actor,
            "checklist.publish",
            "checklist",
            checklist.id,
            key=checklist.key,
            version=checklist.version,
        )
    return checklist


def latest_published(session: Session, key: str) -> Checklist | None:
    """The newest published version of a key."""
    stmt = (
        select(Checklist)
        .where(Checklist.key == key, Checklist.status == "published")
        .order_by(Checklist.version.desc())
    )
    return session.scalars(with_questions(stmt).limit(1)).first()


def export_definition(session: Session, key: str) -> dict[str, Any]:
    """The definition of a key's latest version, as JSON-ready data."""
    checklist = latest_version(session, key)
    if checklist is None:
        raise NotFound(f"No checklist with the key {key!r}.")
    return dump_definition(definition_of(checklist))


def default_definition() -> dict[str, Any]:
    """The shipped `store-visit` checklist (DESIGN §6)."""
    text = resources.files("auditor.checklists").joinpath("defaults/store-visit.json").read_text()
    return json.loads(text)
