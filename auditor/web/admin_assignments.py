"""Admin pages for planned visits: the filtered, paged list, planning one visit or many, and
rescheduling, reassigning or cancelling one."""

from datetime import UTC, date, datetime, timedelta

from flask import render_template, request
from flask_login import current_user

from auditor import access
from auditor.audits import assignments as planned_visits
from auditor.audits import plans
from auditor.core.errors import DomainError, Invalid
from auditor.core.extensions import db
from auditor.models import ASSIGNMENT_STATUSES, Assignment, utcnow
from auditor.org import listings
from auditor.people import directory
from auditor.web.admin import bp, refused, saved
from auditor.web.pages import as_int, page_of, roles

ASSIGNMENT_FILTERS = (*ASSIGNMENT_STATUSES, "all")


def _list_args(source, prefix: str = "") -> dict:
    """The assignment list's filters and page from a query, or from a form's `back_` fields
    (status defaults to open)."""
    status = source.get(f"{prefix}status", "open")
    values = {
        "status": status if status in ASSIGNMENT_FILTERS else "open",
        "auditor_id": as_int(source.get(f"{prefix}auditor_id")),
        "location_id": as_int(source.get(f"{prefix}location_id")),
        "page": as_int(source.get(f"{prefix}page")),
    }
    return {key: value for key, value in values.items() if value is not None}


def _days(assignment: Assignment) -> tuple[date, date]:
    """The first and last day (UTC) of a visit's due window, whose end is exclusive."""
    return assignment.due_from.date(), (assignment.due_to - timedelta(microseconds=1)).date()


def _planning_choices() -> dict:
    """What the filters and the planning form offer: every store and auditor to filter by,
    the active ones to plan for, and the published checklists."""
    every_location = listings.location_choices(db.session, current_user)
    return {
        "every_location": every_location,
        "every_auditor": directory.auditors(db.session, active_only=False),
        "locations": [location for location in every_location if location.active],
        "auditors": directory.auditors(db.session, active_only=True),
        "checklists": planned_visits.plannable_checklists(db.session, current_user),
    }


@bp.get("/assignments")
@roles("admin")
def assignments():
    """Planned visits, newest first, filtered and paged, with forms for one visit or many."""
    args = _list_args(request.args)
    stmt = planned_visits.plan_listing(
        current_user,
        status=None if args["status"] == "all" else args["status"],
        auditor_id=args.get("auditor_id"),
        location_id=args.get("location_id"),
    )
    return render_template(
        "admin/assignments.html",
        page=page_of(db.session, stmt),
        filters={key: value for key, value in args.items() if key != "page"},
        args=args,
        statuses=ASSIGNMENT_FILTERS,
        **_planning_choices(),
        today=utcnow().date(),
        days=_days,
    )


def _due(form) -> tuple[datetime, datetime]:
    try:
        start = date.fromisoformat(form.get("due_from", ""))
        end = date.fromisoformat(form.get("due_to", ""))
    except ValueError as error:
        raise Invalid({"due": ["Give both dates as YYYY-MM-DD."]}) from error
    # the due window covers both whole days, in UTC
    return (
        datetime.combine(start, datetime.min.time(), UTC),
        datetime.combine(end + timedelta(days=1), datetime.min.time(), UTC),
    )


@bp.post("/assignments")
@roles("admin")
def create_assignments():
    """Plan one visit or many (several stores; one auditor or a rotation over several)."""
    form = request.form
    try:
        made = plans.plan(
            db.session,
            current_user,
            as_int(form.get("checklist_id")) or 0,
            [i for i in map(as_int, form.getlist("location_id")) if i],
            [i for i in map(as_int, form.getlist("auditor_id")) if i],
            _due(form),
        )
    except DomainError as error:
        return refused(error, "admin.assignments")
    return saved(f"Planned {len(made)} visit{'s' if len(made) != 1 else ''}.", "admin.assignments")


@bp.get("/assignments/<int:assignment_id>")
@roles("admin")
def edit_assignment(assignment_id: int):
    """One planned visit: reschedule or reassign it, or cancel it."""
    assignment = access.get_assignment_for(db.session, current_user, assignment_id)
    return render_template(
        "admin/assignment.html",
        a=assignment,
        days=_days(assignment),
        auditors=directory.auditors(db.session, active_only=True),
        back=_list_args(request.args),
    )


def _changes(assignment: Assignment, form) -> dict:
    """What the edit form changes: only fields that differ, so an untouched field is not
    checked again (the current auditor may have left since)."""
    changes: dict = {}
    auditor_id = as_int(form.get("auditor_id"))
    if auditor_id is None:
        raise Invalid({"auditor_id": ["Pick an auditor."]})
    if auditor_id != assignment.auditor_id:
        changes["auditor_id"] = auditor_id
    due_from, due_to = _due(form)
    if (due_from.date(), (due_to - timedelta(days=1)).date()) != _days(assignment):
        changes.update(due_from=due_from, due_to=due_to)
    return changes


@bp.post("/assignments/<int:assignment_id>")
@roles("admin")
def update_assignment(assignment_id: int):
    """Reschedule or reassign an open visit."""
    assignment = access.get_assignment_for(db.session, current_user, assignment_id, lock=True)
    back = _list_args(request.form, "back_")
    try:
        changes = _changes(assignment, request.form)
        if changes:
            planned_visits.update(db.session, current_user, assignment, changes)
    except DomainError as error:
        return refused(error, "admin.edit_assignment", assignment_id=assignment_id, **back)
    verb = "Saved" if changes else "Nothing to change for"
    return saved(f"{verb} the visit to {assignment.location.code}.", "admin.assignments", **back)


@bp.post("/assignments/<int:assignment_id>/cancel")
@roles("admin")
def cancel_assignment(assignment_id: int):
    """Cancel an open visit, once the form's box confirms it."""
    assignment = access.get_assignment_for(db.session, current_user, assignment_id, lock=True)
    back = _list_args(request.form, "back_")
    try:
        if request.form.get("confirm") != "yes":
            raise Invalid({"confirm": ["Tick the box to confirm the cancellation."]})
        planned_visits.update(db.session, current_user, assignment, {"status": "cancelled"})
    except DomainError as error:
        return refused(error, "admin.edit_assignment", assignment_id=assignment_id, **back)
    return saved(f"Cancelled the visit to {assignment.location.code}.", "admin.assignments", **back)
