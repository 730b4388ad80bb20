"""API bearer tokens: issued at login or from a page session, capped per user, revocable.

Only a SHA-256 of each token is stored. A token minted from a page session remembers the
session version it came from, so logging out of the pages ends it with the session.
"""

import hashlib
import secrets
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import delete, select
from sqlalchemy.orm import Session, joinedload

from auditor.models import ApiToken, User, utcnow


@dataclass(frozen=True)
class TokenPolicy:
    """How long a token lives (API_TOKEN_LIFETIME) and how many a user keeps (API_TOKEN_CAP)."""

    lifetime: timedelta = timedelta(days=30)
    cap: int = 20

    @classmethod
    def from_config(cls, config: Mapping) -> "TokenPolicy":
        """The policy an app's configuration sets."""
        return cls(config["API_TOKEN_LIFETIME"], config["API_TOKEN_CAP"])


def _token_hash(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()


def issue_token(
    session: Session, user: User, policy: TokenPolicy, *, from_session: bool = False
) -> tuple[str, ApiToken]:
    """A new random bearer token; beyond the cap, the user's oldest tokens are revoked."""
    raw = secrets.token_urlsafe(32)
    now = utcnow()
    # a phone that logs in again and again leaves expired tokens behind: sweep the user's own
    session.execute(delete(ApiToken).where(ApiToken.user_id == user.id, ApiToken.expires_at <= now))
    token = ApiToken(
        user=user,
        token_hash=_token_hash(raw),
        expires_at=now + policy.lifetime,
        session_version=user.session_version if from_session else None,
    )
    session.add(token)
    session.flush()
    # a leaked or forgotten token cannot pile up without end: the newest `cap` stay live
    newest = (
        select(ApiToken.id)
        .where(ApiToken.user_id == user.id)
        .order_by(ApiToken.id.desc())
        .limit(policy.cap)
    )
    session.execute(
        delete(ApiToken)
        .where(ApiToken.user_id == user.id, ApiToken.id.not_in(newest.scalar_subquery()))
        .execution_options(synchronize_session=False)
    )
    return raw, token


def token_owner(
    session: Session, raw: str, now: datetime | None = None
) -> tuple[User, ApiToken] | None:
    """The active user holding a live token, with the token; None otherwise."""
    stmt = select(ApiToken).options(joinedload(ApiToken.user))
    token = session.scalar(stmt.where(ApiToken.token_hash == _token_hash(raw)))
    if token is None or token.expires_at <= (now or utcnow()) or not token.user.active:
        return None
    if token.session_version not in (None, token.user.session_version):
        return None  # minted from a page session that has been logged out of since
    return token.user, token


def revoke_token(session: Session, token: ApiToken) -> None:
    """Delete one token: it answers 401 from now on."""
    session.delete(token)


def end_page_sessions(session: Session, user: User) -> None:
    """Log the user out of the pages everywhere, with every token minted from a page session."""
    user.session_version += 1  # older session cookies stop working, even replayed
    session.execute(
        delete(ApiToken).where(ApiToken.user_id == user.id, ApiToken.session_version.is_not(None))
    )
