"""Regions and locations: creating and changing them."""

from collections.abc import Mapping
from functools import cache
from typing import Any
from zoneinfo import available_timezones

import marshmallow as ma
from sqlalchemy import select
from sqlalchemy.orm import Session

from auditor.core import audit_log
from auditor.core.errors import Conflict, Invalid
from auditor.core.field_rules import check_fields
from auditor.models import Location, Region, User
from auditor.org import rules


@cache
def _timezones() -> frozenset[str]:
    return frozenset(available_timezones()) | {"UTC"}


def validate_timezone(name: str) -> None:
    """Refuse anything that is not an IANA time zone name."""
    if name not in _timezones():
        raise ma.ValidationError("Not a known IANA time zone, e.g. Europe/Berlin.")


def create_region(session: Session, actor: User, name: str) -> Region:
    """A new region with a unique name."""
    name = name.strip()
    check_fields(rules.REGION, {"name": name})
    if session.scalar(select(Region).where(Region.name == name)) is not None:
        raise Conflict(f"A region named {name!r} exists already.")
    region = Region(name=name)
    session.add(region)
    session.flush()
    audit_log.record(session, actor, "region.create", "region", region.id, name=name)
    return region


def update_region(session: Session, actor: User, region: Region, changes: Mapping) -> Region:
    """Rename a region, keeping names unique."""
    if "name" in changes:
        name = changes["name"].strip()
        check_fields(rules.REGION, {"name": name})
        other = session.scalar(select(Region).where(Region.name == name))
        if other is not None and other.id != region.id:
            raise Conflict(f"A region named {name!r} exists already.")
        region.name = name
        audit_log.record(session, actor, "region.update", "region", region.id, name=name)
    return region


def _check_region(session: Session, region_id: int) -> None:
    if session.get(Region, region_id) is None:
        raise Invalid({"region_id": [f"Unknown region {region_id}."]})


def _check_timezone(name: str) -> None:
    if name not in _timezones():
        raise Invalid({"timezone": [f"{name!r} is not an IANA time zone."]})


def _check_code_free(session: Session, code: str, location_id: int | None = None) -> None:
    other = session.scalar(select(Location).where(Location.code == code))
    if other is not None and other.id != location_id:
        raise Conflict(f"A location with the code {code!r} exists already.")


def create_location(session: Session, actor: User, data: Mapping[str, Any]) -> Location:
    """A new location with a unique code in an existing region."""
    check_fields(rules.LOCATION, data)
    _check_region(session, data["region_id"])
    _check_code_free(session, data["code"])
    if "timezone" in data:
        _check_timezone(data["timezone"])
    location = Location(**data)
    session.add(location)
    session.flush()
    audit_log.record(session, actor, "location.create", "location", location.id, code=location.code)
    return location


def update_location(
    session: Session, actor: User, location: Location, changes: Mapping[str, Any]
) -> Location:
    """Apply a partial change to a location."""
    check_fields(rules.LOCATION, changes)
    if "region_id" in changes:
        _check_region(session, changes["region_id"])
    if "code" in changes:
        _check_code_free(session, changes["code"], location.id)
    if "timezone" in changes:
        _check_timezone(changes["timezone"])
    for field, value in changes.items():
        setattr(location, field, value)
    audit_log.record(
        session, actor, "location.update", "location", location.id, fields=sorted(changes)
    )
    return location
