"""Accounts: creating and changing users, and checking their passwords (tokens: tokens.py)."""

from collections.abc import Iterable, Mapping
from typing import Any

import marshmallow as ma
from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from auditor.core import audit_log
from auditor.core.errors import Conflict, Invalid
from auditor.core.field_rules import Rule, check_fields, encodable, text
from auditor.models import ROLES, ApiToken, Location, Region, User
from auditor.people.passwords import (
    DEFAULT_HASHING,
    PasswordHashing,
    burn_verify_time,
    hash_password,
    needs_rehash,
    verify_password,
)

MIN_PASSWORD_LENGTH = 8
MAX_PASSWORD_LENGTH = 1024  # argon2 takes any length; a bound keeps hashing one request cheap
EMAIL_MAX = 254  # the longest address SMTP carries
NAME_MAX = 200

# one rule per field whichever way in (API, admin pages, command line, demo); the API's
# schemas declare the same rules, so its OpenAPI document shows them
USER: dict[str, list[Rule]] = {
    "email": [
        ma.validate.Length(max=EMAIL_MAX),
        ma.validate.Email(error="Not a valid email address."),
    ],
    "name": text(1, NAME_MAX),
    "password": [
        ma.validate.Length(
            min=MIN_PASSWORD_LENGTH,
            error=f"Must be at least {MIN_PASSWORD_LENGTH} characters.",
        ),
        ma.validate.Length(
            max=MAX_PASSWORD_LENGTH, error=f"Must be at most {MAX_PASSWORD_LENGTH} characters."
        ),
        encodable,
    ],
}


def normalise_email(email: str) -> str:
    """Emails compare case-insensitively: store and look them up lower-cased."""
    return email.strip().lower()


def find_by_email(session: Session, email: str) -> User | None:
    """The user with this email, whatever its case."""
    return session.scalar(select(User).where(User.email == normalise_email(email)))


def _regions(session: Session, region_ids: Iterable[int]) -> list[Region]:
    wanted = set(region_ids)
    regions = list(session.scalars(select(Region).where(Region.id.in_(wanted))))
    missing = wanted - {r.id for r in regions}
    if missing:
        raise Invalid({"region_ids": [f"Unknown region {i}." for i in sorted(missing)]})
    return regions


def _check_role_fields(
    session: Session, role: str, region_ids: list[int], location_id, lead: bool = False
) -> None:
    if role not in ROLES:
        raise Invalid({"role": [f"Must be one of: {', '.join(ROLES)}."]})
    errors: dict[str, list[str]] = {}
    if region_ids and role != "manager":
        errors["region_ids"] = ["Only managers have regions."]
    if location_id is not None and role != "staff":
        errors["location_id"] = ["Only staff members have a home location."]
    elif location_id is not None and session.get(Location, location_id) is None:
        errors["location_id"] = [f"Unknown location {location_id}."]
    if lead and role != "staff":
        errors["lead"] = ["Only staff members lead a store."]
    if errors:
        raise Invalid(errors)


def create_user(
    session: Session,
    actor: User | None,
    *,
    hashing: PasswordHashing = DEFAULT_HASHING,
    **fields: Any,
) -> User:
    """Create a user from `email, name, role, password[, region_ids, location_id, lead]`."""
    email, name = normalise_email(fields["email"]), fields["name"].strip()
    check_fields(USER, {"email": email, "name": name, "password": fields["password"]})
    region_ids = list(fields.get("region_ids") or [])
    location_id = fields.get("location_id")
    lead = bool(fields.get("lead"))
    _check_role_fields(session, fields["role"], region_ids, location_id, lead)
    if find_by_email(session, email) is not None:
        raise Conflict(f"A user with the email {email} exists already.")
    user = User(
        email=email,
        name=name,
        role=fields["role"],
        password_hash=hash_password(fields["password"], hashing),
        location_id=location_id,
        lead=lead,
        regions=_regions(session, region_ids),
    )
    session.add(user)
    session.flush()
    audit_log.record(session, actor, "user.create", "user", user.id, role=user.role)
    return user


def update_user(
    session: Session,
    actor: User | None,
    user: User,
    changes: Mapping,
    *,
    hashing: PasswordHashing = DEFAULT_HASHING,
) -> User:
    """Apply a partial change; a new role, password or deactivation ends the user's sessions."""
    role = changes.get("role", user.role)
    region_ids = changes.get(
        "region_ids", [r.id for r in user.regions] if role == "manager" else []
    )
    location_id = changes.get("location_id", user.location_id if role == "staff" else None)
    lead = bool(changes.get("lead", user.lead if role == "staff" else False))
    changes = _normalised(changes)
    check_fields(USER, changes)
    _check_role_fields(session, role, region_ids, location_id, lead)
    if "email" in changes:
        _change_email(session, user, changes["email"])
    if "password" in changes:
        user.password_hash = hash_password(changes["password"], hashing)
    if "name" in changes:
        user.name = changes["name"]
    ends_sessions = (
        role != user.role or "password" in changes or changes.get("active", True) is False
    )
    user.role, user.location_id, user.lead = role, location_id, lead
    user.regions = _regions(session, region_ids)
    if "active" in changes:
        user.active = changes["active"]
    if ends_sessions:
        end_sessions(session, user)
    changed = sorted(k for k in changes if k != "password") + (
        ["password"] if "password" in changes else []
    )
    audit_log.record(session, actor, "user.update", "user", user.id, fields=changed)
    return user


def _normalised(changes: Mapping) -> dict:
    """The changes with the email lower-cased and the name trimmed, as they are stored."""
    changes = dict(changes)
    if isinstance(changes.get("email"), str):
        changes["email"] = normalise_email(changes["email"])
    if isinstance(changes.get("name"), str):
        changes["name"] = changes["name"].strip()
    return changes


def _change_email(session: Session, user: User, email: str) -> None:
    other = find_by_email(session, email)
    if other is not None and other.id != user.id:
        raise Conflict(f"A user with the email {email} exists already.")
    user.email = email


def end_sessions(session: Session, user: User) -> None:
    """Invalidate every cookie session and API token the user holds."""
    user.session_version += 1
    session.execute(delete(ApiToken).where(ApiToken.user_id == user.id))


def password_hash_of(session: Session, email: str) -> tuple[int, str] | None:
    """The id and password hash of the active user with this email, or None."""
    stmt = select(User.id, User.password_hash).where(
        User.email == normalise_email(email), User.active.is_(True)
    )
    row = session.execute(stmt).first()
    return None if row is None else (row.id, row.password_hash)


def check_password(
    found: tuple[int, str] | None, password: str, hashing: PasswordHashing = DEFAULT_HASHING
) -> str | None:
    """The hash to keep when `password` matches `found`'s (remade at a new cost), else None."""
    if found is None:
        burn_verify_time(password, hashing)  # an unknown email answers as slowly as a known one
        return None
    if not verify_password(found[1], password):
        return None
    return hash_password(password, hashing) if needs_rehash(found[1], hashing) else found[1]


def confirm_login(session: Session, found: tuple[int, str], kept_hash: str) -> User | None:
    """The user whose password was verified, keeping `kept_hash`; None if it changed meanwhile."""
    user = session.get(User, found[0])
    if user is None or not user.active or user.password_hash != found[1]:
        return None  # deactivated, or a new password set while the old one was being checked
    user.password_hash = kept_hash
    return user


def authenticate(
    session: Session, email: str, password: str, hashing: PasswordHashing = DEFAULT_HASHING
) -> User | None:
    """The active user with these credentials, or None; rehashes a hash of another cost."""
    found = password_hash_of(session, email)
    kept_hash = check_password(found, password, hashing)
    return None if found is None or kept_hash is None else confirm_login(session, found, kept_hash)
