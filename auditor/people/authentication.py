"""Who is asking: cookie sessions for pages, Bearer tokens for the API (flask-login loaders)."""

from datetime import UTC, datetime

from flask import current_app, g, request, session
from flask_login import login_user

from auditor.core.extensions import db, login_manager
from auditor.models import User
from auditor.people import tokens


def bearer_token() -> str | None:
    """The token of an `Authorization: Bearer` header, if any."""
    header = request.headers.get("Authorization", "")
    scheme, _, value = header.partition(" ")
    if scheme.lower() == "bearer" and value.strip():
        return value.strip()
    return None


def _session_expired() -> bool:
    started = session.get("login_at")
    if not isinstance(started, int | float):
        return True
    age = datetime.now(UTC).timestamp() - started
    return age > current_app.config["SESSION_ABSOLUTE_LIFETIME"].total_seconds()


@login_manager.user_loader
def load_session_user(identity: str) -> User | None:
    """The user of a session cookie, while its session version and lifetime still hold."""
    if "Authorization" in request.headers:
        return None  # an explicit credential wins over an ambient cookie
    user_id, _, version = identity.partition(":")
    if not user_id.isdigit() or not version.isdigit() or _session_expired():
        return None
    user = db.session.get(User, int(user_id))
    if user is None or user.session_version != int(version):
        return None
    g.auth_method = "session"
    return user


@login_manager.request_loader
def load_token_user(_request) -> User | None:
    """The user of a valid Bearer token."""
    raw = bearer_token()
    if raw is None:
        return None
    found = tokens.token_owner(db.session, raw)
    if found is None:
        return None
    g.auth_method, g.api_token = "token", found[1]
    return found[0]


def start_session(user: User) -> None:
    """Log a user in on a fresh session (nothing of the anonymous one survives)."""
    session.clear()
    login_user(user)
    session.permanent = True  # idle lifetime: PERMANENT_SESSION_LIFETIME, refreshed per request
    session["login_at"] = int(datetime.now(UTC).timestamp())


def auth_method() -> str | None:
    """'session' or 'token' for an authenticated request, else None."""
    return g.get("auth_method")
