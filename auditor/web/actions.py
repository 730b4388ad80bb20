"""Corrective-action pages: the managers' list with its filters (store, section, owner, status,
priority, due; overdue first), one action's page with its audits, comments and the one form to
resolve it, and the same for a store's lead staff member on their phone (/staff/actions)."""

from datetime import date

from flask import Blueprint, current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user
from sqlalchemy import select

from auditor import access
from auditor.audits import action_listing, actions, evidence
from auditor.audits.photos import PhotoLimits
from auditor.checklists.versions import DEFAULT_CHECKLIST_KEY
from auditor.core.errors import DomainError, Invalid
from auditor.core.extensions import db
from auditor.insights import breakdowns
from auditor.models import ACTION_PRIORITIES, CorrectiveAction, Location, User, utcnow
from auditor.web.pages import as_int, flash_error, page_of, roles

bp = Blueprint("action_pages", __name__)
MANAGERS = ("admin", "manager")
EVERYONE = ("admin", "manager", "staff")  # staff: a lead, for their store (access decides)
PAGE = 100
NOTE_MAX = 5000
STATUSES = {"open": "Open", "done": "Done", "all": "All"}
DUE_LABELS = {"overdue": "Overdue", "week": "Due within a week", "later": "Due later"}


def _filters(args) -> tuple[str, action_listing.ActionFilters]:
    """The listing's filters from the query string; unknown values are no filter."""
    status = args.get("status", "open")
    status = status if status in STATUSES else "open"
    return status, action_listing.ActionFilters(
        status=None if status == "all" else status,
        location_id=as_int(args.get("location_id")),
        section=(args.get("section") or None),
        owner_id=as_int(args.get("owner_id")),
        priority=args.get("priority") if args.get("priority") in ACTION_PRIORITIES else None,
        due=args.get("due") if args.get("due") in DUE_LABELS else None,
    )


def _choices(user: User) -> dict:
    """What the filters offer: the stores, sections and owners of the actions in scope."""
    in_scope = access.visible_actions(user).subquery()
    stores = select(Location).where(Location.id.in_(select(in_scope.c.location_id)))
    owners = select(User).where(User.id.in_(select(in_scope.c.owner_id)))
    keys = db.session.scalars(select(in_scope.c.section_key).distinct()).all()
    titles = dict(breakdowns.sections_of(db.session, DEFAULT_CHECKLIST_KEY))
    return {
        "stores": db.session.scalars(stores.order_by(Location.code)).all(),
        "sections": sorted(((k, titles.get(k, k)) for k in keys if k), key=lambda s: s[1]),
        "owners": db.session.scalars(owners.order_by(User.name, User.id)).all(),
    }


def _listing(template: str):
    status, filters = _filters(request.args)
    today = utcnow().date()
    page = page_of(db.session, action_listing.listing(current_user, filters, today), PAGE)
    linked = action_listing.linked_audits(db.session, [a.id for a in page.items])
    return render_template(
        template,
        items=page.items,
        page=page,
        status=status,
        filters=filters,
        kept=filters.query(status=status),
        linked=linked,
        today=today,
        statuses=STATUSES,
        due_labels=DUE_LABELS,
        priorities=ACTION_PRIORITIES,
        **_choices(current_user),
    )


@bp.get("/manager/actions")
@roles(*MANAGERS)
def listing():
    """Corrective actions in scope, filtered, open overdue ones first, a page at a time."""
    return _listing("manager/actions.html")


@bp.get("/staff/actions")
@roles("staff")
def mine():
    """A lead staff member's store's corrective actions, on their phone."""
    return _listing("staff/actions.html")


def _detail(action: CorrectiveAction, template: str):
    return render_template(
        template,
        action=action,
        audits=action.audits or [action.audit],
        owners=(
            actions.eligible_owners(db.session, action.location)
            if current_user.role in MANAGERS
            else []
        ),
        priorities=ACTION_PRIORITIES,
        today=utcnow().date(),
    )


@bp.get("/manager/actions/<int:action_id>")
@roles(*MANAGERS)
def detail(action_id: int):
    """One corrective action: the audits that failed it, comments, and the forms to resolve,
    comment and assign it."""
    return _detail(
        access.get_action_for(db.session, current_user, action_id), "manager/action.html"
    )


@bp.get("/staff/actions/<int:action_id>")
@roles("staff")
def staff_detail(action_id: int):
    """One of a lead staff member's store's actions, to comment and resolve from the phone."""
    return _detail(access.get_action_for(db.session, current_user, action_id), "staff/action.html")


def _page_of(action_id: int) -> str:
    endpoint = (
        "action_pages.staff_detail" if current_user.role == "staff" else "action_pages.detail"
    )
    return url_for(endpoint, action_id=action_id)


@bp.post("/manager/actions/<int:action_id>")
@bp.post("/staff/actions/<int:action_id>")
@roles(*EVERYONE)
def resolve(action_id: int):
    """Resolve an action with a note and, optionally, an evidence photo."""
    action = access.get_action_for(db.session, current_user, action_id)
    upload = request.files.get("photo")
    data = upload.read() if upload and upload.filename else None
    limits = PhotoLimits.from_config(current_app.config)
    storage = current_app.extensions["media"]
    try:
        note = request.form.get("note", "")
        if len(note) > NOTE_MAX:
            raise Invalid({"note": [f"At most {NOTE_MAX} characters."]})
        evidence.resolve(db.session, storage, current_user, action, note, data, limits)
    except DomainError as error:
        db.session.rollback()
        flash_error(error)
        return redirect(_page_of(action_id))
    db.session.commit()
    flash(f"Resolved: {action.reason}", "info")
    listing_endpoint = (
        "action_pages.mine" if current_user.role == "staff" else "action_pages.listing"
    )
    return redirect(url_for(listing_endpoint))


@bp.post("/manager/actions/<int:action_id>/comments")
@bp.post("/staff/actions/<int:action_id>/comments")
@roles(*EVERYONE)
def comment(action_id: int):
    """Add a comment to an action."""
    action = access.get_action_for(db.session, current_user, action_id)
    try:
        actions.add_comment(db.session, current_user, action, request.form.get("body"))
    except DomainError as error:
        db.session.rollback()
        flash_error(error)
        return redirect(_page_of(action_id))
    db.session.commit()
    flash("Comment added.", "info")
    return redirect(_page_of(action_id))


@bp.post("/manager/actions/<int:action_id>/assign")
@roles(*MANAGERS)
def assign(action_id: int):
    """Change an action's owner, priority or due date; or reopen it."""
    action = access.get_action_for(db.session, current_user, action_id)
    try:
        actions.update(db.session, current_user, action, _assignment(request.form))
    except DomainError as error:
        db.session.rollback()
        flash_error(error)
        return redirect(_page_of(action_id))
    db.session.commit()
    flash("Action updated.", "info")
    return redirect(_page_of(action_id))


def _assignment(form) -> dict:
    """The changes an assign form asks for; a malformed one answers 422 and changes nothing."""
    changes: dict = {}
    if "owner_id" in form:
        changes["owner_id"] = as_int(form["owner_id"]) if form["owner_id"] else None
        if form["owner_id"] and changes["owner_id"] is None:
            raise Invalid({"owner_id": ["Choose an owner."]})
    if form.get("priority"):
        if form["priority"] not in ACTION_PRIORITIES:
            raise Invalid({"priority": ["Choose high, normal or low."]})
        changes["priority"] = form["priority"]
    if form.get("due"):
        changes["due"] = _date(form["due"])
    if form.get("reopen") == "1":
        changes["status"] = "open"
    return changes


def _date(raw: str) -> date:
    try:
        return date.fromisoformat(raw)
    except ValueError:
        raise Invalid({"due": ["Enter a date (YYYY-MM-DD)."]}) from None
