"""Schedule pages (DESIGN §10.8) for admins and managers: the schedules in scope with a form to
create one, and each schedule with its 12-week preview as calendars per store and per auditor,
the rules that give way, and buttons to pause, resume or end it. Server-rendered; no JS needed."""

from datetime import date

from flask import Blueprint, render_template, request
from flask_login import current_user

from auditor.audits import assignments as planned_visits
from auditor.core.errors import DomainError, Invalid
from auditor.core.extensions import db
from auditor.models import utcnow
from auditor.org import listings
from auditor.people import directory
from auditor.scheduling import calendar, jobs, service
from auditor.scheduling.dayparts import SHARES
from auditor.web.admin import refused, saved
from auditor.web.pages import as_int, roles

bp = Blueprint("schedule_pages", __name__, url_prefix="/manager/schedules")
PREVIEW_WEEKS = 12
STATUS_ACTIONS = {"pause": "paused", "resume": "active", "end": "ended"}


def _number(form, name: str, low: int, high: int) -> int:
    raw = form.get(name, "").strip()
    if not raw.isdigit() or not low <= int(raw) <= high:
        raise Invalid({name: [f"A whole number from {low} to {high}."]})
    return int(raw)


def _shares(form) -> dict[str, float]:
    shares = {}
    for name in SHARES:
        raw = form.get(f"share_{name}", "").strip()
        if raw:
            try:
                percent = float(raw)
            except ValueError as error:
                raise Invalid({name: ["A percentage from 0 to 100."]}) from error
            if not 0 <= percent <= 100:
                raise Invalid({name: ["A percentage from 0 to 100."]})
            shares[name] = percent / 100
    return shares


def _starts_on(form) -> date | None:
    raw = form.get("starts_on", "").strip()
    try:
        return date.fromisoformat(raw) if raw else None
    except ValueError as error:
        raise Invalid({"starts_on": ["A day, YYYY-MM-DD."]}) from error


def _ids(form, name: str) -> list[int]:
    return [value for value in (as_int(raw) for raw in form.getlist(name)) if value is not None]


def schedule_form(form) -> dict:
    """The create form's fields as the service takes them."""
    return {
        "location_ids": _ids(form, "location_id"),
        "auditor_ids": _ids(form, "auditor_id"),
        "checklist_id": as_int(form.get("checklist_id")) or 0,
        "every_days": _number(form, "every_days", 1, 365),
        "min_gap_days": _number(form, "min_gap_days", 0, 365),
        "dayparts": _shares(form),
        "starts_on": _starts_on(form),
    }


@bp.get("")
@roles("admin", "manager")
def listing():
    """The schedules in scope, newest first, and the form to create one."""
    schedules = list(db.session.scalars(service.visible_schedules(current_user)))
    return render_template(
        "manager/schedules.html",
        schedules=schedules,
        locations=[
            loc for loc in listings.location_choices(db.session, current_user) if loc.active
        ],
        auditors=directory.auditors(db.session, active_only=True),
        checklists=planned_visits.plannable_checklists(db.session, current_user),
        shares=SHARES,
        today=utcnow().date(),
    )


@bp.post("")
@roles("admin", "manager")
def create():
    """Create a schedule; its visits of the next four weeks follow once it is saved."""
    try:
        data = schedule_form(request.form)
        if not data["location_ids"]:
            raise Invalid({"location_ids": ["Pick at least one store."]})
        schedule = service.create(db.session, current_user, data)
    except DomainError as error:
        return refused(error, "schedule_pages.listing")
    jobs.plan_after_commit(schedule)
    return saved("Schedule created.", "schedule_pages.detail", schedule_id=schedule.id)


@bp.get("/<int:schedule_id>")
@roles("admin", "manager")
def detail(schedule_id: int):
    """One schedule: its rules, the next 12 weeks per store and per auditor, what gives way."""
    schedule = service.get_schedule_for(db.session, current_user, schedule_id)
    preview = service.preview(db.session, schedule, PREVIEW_WEEKS, utcnow().date())
    codes = {location.id: location.code for location in schedule.locations}
    names = {user.id: user.name for user in schedule.auditors}
    first = preview["from"]
    return render_template(
        "manager/schedule.html",
        schedule=schedule,
        preview=preview,
        weeks=calendar.weeks(first, PREVIEW_WEEKS),
        by_location=calendar.lay_out(
            preview["items"], first, PREVIEW_WEEKS, "location_id", names, "auditor_id"
        ),
        by_auditor=calendar.lay_out(
            [item for item in preview["items"] if item["auditor_id"] is not None],
            first,
            PREVIEW_WEEKS,
            "auditor_id",
            codes,
            "location_id",
        ),
        codes=codes,
        names=names,
        short=calendar.SHORT,
    )


@bp.post("/<int:schedule_id>/<any(pause, resume, end):action>")
@roles("admin", "manager")
def change_status(schedule_id: int, action: str):
    """Pause, resume or end the schedule."""
    schedule = service.get_schedule_for(db.session, current_user, schedule_id, lock=True)
    try:
        service.set_status(db.session, current_user, schedule, STATUS_ACTIONS[action])
    except DomainError as error:
        return refused(error, "schedule_pages.detail", schedule_id=schedule_id)
    if action == "resume":
        jobs.plan_after_commit(schedule)
    return saved(
        f"Schedule {STATUS_ACTIONS[action]}.", "schedule_pages.detail", schedule_id=schedule_id
    )
