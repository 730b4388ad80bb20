"""What the manager, admin and staff pages share: role gates, flashes, the dashboard's filters
and their ranking, and the request's page of a listing."""

from collections.abc import Callable, Mapping
from dataclasses import asdict, dataclass
from datetime import datetime, timedelta
from functools import wraps
from urllib.parse import urlencode

from flask import current_app, flash, request, url_for
from flask_login import current_user, login_required
from sqlalchemy import Select
from sqlalchemy.orm import Session

from auditor import access
from auditor.checklists.definition import SLUG
from auditor.checklists.versions import DEFAULT_CHECKLIST_KEY
from auditor.core.errors import DomainError, NotFound
from auditor.core.extensions import db
from auditor.core.paging import Page, fetch_page
from auditor.insights import breakdowns, ranking
from auditor.insights.queries import Scope
from auditor.models import User, utcnow

DAY_CHOICES = (30, 90, 180, 365)
DEFAULT_DAYS = 90
PER_PAGE = 50


def roles(*allowed: str) -> Callable:
    """Log in first (redirect to /login?next=...), then 403 for any role not allowed."""

    def decorate(view: Callable) -> Callable:
        @wraps(view)
        def gated(*args, **kwargs):
            access.require_role(current_user, *allowed)
            return view(*args, **kwargs)

        return login_required(gated)

    return decorate


def flash_error(error: DomainError) -> None:
    """A domain refusal as flashed messages, one per field problem."""
    messages = [f"{field}: {m}" for field, ms in (error.errors or {}).items() for m in ms]
    for message in messages or [error.detail]:
        flash(message, "error")


def as_int(raw: str | None) -> int | None:
    """A positive integer from a query or form field, else None."""
    try:
        value = int(raw or "")
    except ValueError:
        return None
    return value if 0 < value < 2**31 else None


@dataclass(frozen=True)
class Filters:
    """The dashboard's filters; every manager page and export takes the same ones."""

    region_id: int | None
    checklist: str
    section: str | None
    days: int

    def query(self, **extra) -> dict:
        """The filters as query parameters for url_for (unset ones left out)."""
        values = {k: v for k, v in asdict(self).items() if v is not None}
        return {**values, **extra}

    def store_link(self) -> str:
        """A format string for the link to a store's page (`.format(location_id)`) keeping
        these filters but the section: a table of a thousand stores builds it once, not once
        per row, as url_for would."""
        path = url_for("manager.location", location_id=0).removesuffix("0")
        query = {key: value for key, value in self.query().items() if key != "section"}
        return f"{path}{{}}?{urlencode(query)}"

    def window(self, now: datetime) -> tuple[datetime, datetime]:
        """The window [now - days, now)."""
        return now - timedelta(days=self.days), now


def parse_filters(session: Session, user: User, args: Mapping[str, str]) -> Filters:
    """Filters from query parameters; a region outside the user's scope answers 404."""
    # staff pages take the window and checklist only: regions are a manager's view
    region_id = as_int(args.get("region_id")) if user.role in ("admin", "manager") else None
    if region_id is not None:
        access.get_region_for(session, user, region_id)
    checklist = args.get("checklist") or DEFAULT_CHECKLIST_KEY
    if not SLUG.fullmatch(checklist):  # no checklist has such a key: no query for it either
        raise NotFound("No such checklist.")
    sections = [key for key, _title in breakdowns.sections_of(session, checklist)]
    section = args.get("section") or None
    days = as_int(args.get("days")) or DEFAULT_DAYS
    return Filters(
        region_id=region_id,
        checklist=checklist,
        section=section if section in sections else None,
        days=min(days, 3660),
    )


def scope_of(user: User, filters: Filters, *, section: bool = True) -> Scope:
    """The ranking scope of the filters within the user's regions."""
    region_ids = access.manager_region_ids(user, filters.region_id)
    return Scope(region_ids, filters.checklist, filters.section if section else None)


def current_filters(session: Session) -> Filters:
    """The request's filters for the signed-in user."""
    return parse_filters(session, current_user, request.args)


def now() -> datetime:
    """The current time (one place, so pages agree within a request)."""
    return utcnow()


def ranked(filters: Filters, scope: Scope) -> dict:
    """The ranking of DESIGN §4 for the filters' window (two queries)."""
    prior = current_app.config["RANKING_PRIOR_WEIGHT"]
    return ranking.ranking(db.session, scope, now(), filters.days, prior)


def page_of(session: Session, stmt: Select, per_page: int = PER_PAGE) -> Page:
    """The request's page (`?page=N`, kept within the pages there are) of `stmt`'s rows."""
    number = as_int(request.args.get("page")) or 1
    return fetch_page(session, stmt, number, per_page, clamp=True)
