"""Admin pages: users, locations (with CSV import) and assignments, single and in bulk."""

from datetime import UTC, date, datetime, timedelta

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_login import current_user
from sqlalchemy import select
from sqlalchemy.orm import joinedload, selectinload

from auditor import access
from auditor.audits import assignments as planned_visits
from auditor.audits import plans
from auditor.core.errors import DomainError, Invalid
from auditor.core.extensions import db
from auditor.models import (
    ASSIGNMENT_STATUSES,
    ROLES,
    Assignment,
    Checklist,
    Location,
    Region,
    User,
    utcnow,
)
from auditor.org import location_import, organisation
from auditor.people import accounts
from auditor.web.pages import as_int, flash_error, page_of, roles

bp = Blueprint("admin", __name__, url_prefix="/admin")
MAX_IMPORT_BYTES = 2 * 1024 * 1024


def _regions() -> list[Region]:
    return list(db.session.scalars(select(Region).order_by(Region.name)))


def _locations() -> list[Location]:
    return list(db.session.scalars(select(Location).order_by(Location.code)))


def _saved(message: str, endpoint: str, **values):
    db.session.commit()
    flash(message, "info")
    return redirect(url_for(endpoint, **values))


def _refused(error: DomainError, endpoint: str, **values):
    db.session.rollback()
    flash_error(error)
    return redirect(url_for(endpoint, **values))


@bp.get("/users")
@roles("admin")
def users():
    """Every account, with a form for a new one."""
    stmt = select(User).options(selectinload(User.regions), joinedload(User.location))
    return render_template(
        "admin/users.html",
        users=db.session.scalars(stmt.order_by(User.role, User.name)).unique().all(),
        roles=ROLES,
        regions=_regions(),
        locations=_locations(),
    )


def _user_fields(form, *, new: bool) -> dict:
    fields = {
        "email": form.get("email", "").strip(),
        "name": form.get("name", "").strip(),
        "role": form.get("role", ""),
        "region_ids": [i for i in map(as_int, form.getlist("region_ids")) if i],
        "location_id": as_int(form.get("location_id")),
    }
    errors = {k: ["Required."] for k in ("email", "name") if not fields[k]}
    if fields["role"] not in ROLES:
        errors["role"] = [f"One of {', '.join(ROLES)}."]
    if errors:
        raise Invalid(errors)
    if form.get("password") or new:
        fields["password"] = form.get("password", "")
    if not new:
        fields["active"] = form.get("active") == "on"
    return fields


@bp.post("/users")
@roles("admin")
def create_user():
    """Create an account."""
    try:
        user = accounts.create_user(
            db.session, current_user, **_user_fields(request.form, new=True)
        )
    except DomainError as error:
        return _refused(error, "admin.users")
    return _saved(f"Created {user.email} ({user.role}).", "admin.users")


@bp.get("/users/<int:user_id>")
@roles("admin")
def edit_user(user_id: int):
    """One account's form."""
    user = access.get_user_for(db.session, current_user, user_id)
    return render_template(
        "admin/user.html", user=user, roles=ROLES, regions=_regions(), locations=_locations()
    )


@bp.post("/users/<int:user_id>")
@roles("admin")
def update_user(user_id: int):
    """Change an account; a new role, password or deactivation ends its sessions."""
    user = access.get_user_for(db.session, current_user, user_id)
    try:
        accounts.update_user(db.session, current_user, user, _user_fields(request.form, new=False))
    except DomainError as error:
        return _refused(error, "admin.edit_user", user_id=user_id)
    return _saved(f"Saved {user.email}.", "admin.users")


@bp.get("/locations")
@roles("admin")
def locations(report=None):
    """Every location, a form for a new one and the CSV import."""
    stmt = select(Location).options(joinedload(Location.region)).order_by(Location.code)
    return render_template(
        "admin/locations.html",
        locations=db.session.scalars(stmt).all(),
        regions=_regions(),
        report=report,
        columns=location_import.COLUMNS,
    )


def _location_fields(form) -> dict:
    errors, data = {}, {}
    for field in ("code", "name"):
        data[field] = form.get(field, "").strip()
        if not data[field]:
            errors[field] = ["Required."]
    data["region_id"] = as_int(form.get("region_id"))
    if data["region_id"] is None:
        errors["region_id"] = ["Pick a region."]
    data["address"] = form.get("address", "").strip()[:500]
    data["timezone"] = form.get("timezone", "").strip() or "UTC"
    for field in ("lat", "lon"):
        raw = form.get(field, "").strip()
        try:
            data[field] = float(raw) if raw else None
        except ValueError:
            errors[field] = ["Not a number."]
    if errors:
        raise Invalid(errors)
    return data


@bp.post("/locations")
@roles("admin")
def create_location():
    """Create one location."""
    try:
        data = _location_fields(request.form)
        store = organisation.create_location(db.session, current_user, data)
    except DomainError as error:
        return _refused(error, "admin.locations")
    return _saved(f"Created {store.code}.", "admin.locations")


@bp.get("/locations/<int:location_id>")
@roles("admin")
def edit_location(location_id: int):
    """One location's form."""
    store = access.get_location_for(db.session, current_user, location_id)
    return render_template("admin/location.html", store=store, regions=_regions())


@bp.post("/locations/<int:location_id>")
@roles("admin")
def update_location(location_id: int):
    """Change a location's code, name, region, address, position or time zone."""
    store = access.get_location_for(db.session, current_user, location_id)
    try:
        data = _location_fields(request.form)
        organisation.update_location(db.session, current_user, store, data)
    except DomainError as error:
        return _refused(error, "admin.edit_location", location_id=location_id)
    return _saved(f"Saved {store.code}.", "admin.locations")


@bp.post("/locations/<int:location_id>/active")
@roles("admin")
def toggle_location(location_id: int):
    """Deactivate or reactivate a location (its audits stay)."""
    store = access.get_location_for(db.session, current_user, location_id)
    organisation.update_location(db.session, current_user, store, {"active": not store.active})
    return _saved(
        f"{store.code} is {'active' if store.active else 'inactive'} now.", "admin.locations"
    )


@bp.post("/locations/import")
@roles("admin")
def import_locations():
    """Import a CSV: every row, or none with a report of each wrong row."""
    upload = request.files.get("file")
    raw = upload.read(MAX_IMPORT_BYTES + 1) if upload else b""
    if not raw or len(raw) > MAX_IMPORT_BYTES:
        flash("Choose a CSV file of at most 2 MB.", "error")
        return redirect(url_for("admin.locations"))
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        flash("The file is not UTF-8 text.", "error")
        return redirect(url_for("admin.locations"))
    report = location_import.import_locations(db.session, current_user, text)
    if report.errors:
        db.session.rollback()
        return locations(report=report), 422
    return _saved(f"Imported {len(report.rows)} locations.", "admin.locations")


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


def _auditors(*, active_only: bool) -> list[User]:
    stmt = select(User).where(User.role == "auditor").order_by(User.name, User.id)
    return list(db.session.scalars(stmt.where(User.active.is_(True)) if active_only else stmt))


@bp.get("/assignments")
@roles("admin")
def assignments():
    """Planned visits, newest first, filtered and paged, with forms for one visit or many."""
    args = _list_args(request.args)
    stmt = access.visible_assignments(current_user).options(
        joinedload(Assignment.location),
        joinedload(Assignment.auditor),
        joinedload(Assignment.checklist),
    )
    if args["status"] != "all":
        stmt = stmt.where(Assignment.status == args["status"])
    for field in ("auditor_id", "location_id"):
        if field in args:
            stmt = stmt.where(getattr(Assignment, field) == args[field])
    order = (Assignment.created_at.desc(), Assignment.id.desc())
    published = select(Checklist).where(Checklist.status == "published")
    every_location = _locations()
    return render_template(
        "admin/assignments.html",
        page=page_of(db.session, stmt.order_by(*order)),
        filters={k: v for k, v in args.items() if k != "page"},
        args=args,
        statuses=ASSIGNMENT_FILTERS,
        every_location=every_location,
        every_auditor=_auditors(active_only=False),
        locations=[loc for loc in every_location if loc.active],
        auditors=_auditors(active_only=True),
        checklists=db.session.scalars(published.order_by(Checklist.key, Checklist.version)).all(),
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
        return _refused(error, "admin.assignments")
    return _saved(f"Planned {len(made)} visit{'s' if len(made) != 1 else ''}.", "admin.assignments")


@bp.get("/assignments/<int:assignment_id>")
@roles("admin")
def edit_assignment(assignment_id: int):
    """One planned visit: reschedule or reassign it, or cancel it."""
    assignment = access.get_assignment_for(db.session, current_user, assignment_id)
    return render_template(
        "admin/assignment.html",
        a=assignment,
        days=_days(assignment),
        auditors=_auditors(active_only=True),
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
        return _refused(error, "admin.edit_assignment", assignment_id=assignment_id, **back)
    verb = "Saved" if changes else "Nothing to change for"
    return _saved(f"{verb} the visit to {assignment.location.code}.", "admin.assignments", **back)


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
        return _refused(error, "admin.edit_assignment", assignment_id=assignment_id, **back)
    return _saved(
        f"Cancelled the visit to {assignment.location.code}.", "admin.assignments", **back
    )
