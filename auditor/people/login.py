"""Logging in with email and password, behind the failed-login throttle.

The token endpoint and the login form share it, and with it the failure counters; each face
reads the client address and the settings from its request and app, and passes them in.
"""

from collections.abc import Mapping
from dataclasses import dataclass

from sqlalchemy.orm import Session

from auditor.core.database import read_only
from auditor.core.errors import TooManyRequests, Unauthorized
from auditor.models import User
from auditor.people import accounts, login_throttle, tokens
from auditor.people.login_throttle import LoginLimit
from auditor.people.passwords import PasswordHashing


@dataclass(frozen=True)
class LoginSettings:
    """What logging in takes from the configuration: the hashing cost and the failure limit."""

    hashing: PasswordHashing
    limit: LoginLimit

    @classmethod
    def from_config(cls, config: Mapping) -> "LoginSettings":
        """The settings an app's configuration sets."""
        return cls(PasswordHashing.from_config(config), LoginLimit.from_config(config))


def log_in(
    session: Session, email: str, password: str, *, address: str, settings: LoginSettings
) -> User:
    """The user behind these credentials; failures count against the email and the address."""
    wait = login_throttle.retry_after(settings.limit, email, address)
    if wait is not None:
        raise TooManyRequests("Too many failed logins; try again later.", retry_after=wait)
    with read_only(session):
        found = accounts.password_hash_of(session, email)
    # argon2 runs between transactions: a login holds no database lock while it checks (on
    # SQLite a write request's transaction holds the one write lock: eight logins inside it
    # once stalled an auditor's save for 16.7 s)
    kept_hash = accounts.check_password(found, password, settings.hashing)
    user = None
    if found is not None and kept_hash is not None:
        user = accounts.confirm_login(session, found, kept_hash)
    if user is None:
        wait = login_throttle.count_failure(settings.limit, email, address)
        if wait is not None:
            raise TooManyRequests("Too many failed logins; try again later.", retry_after=wait)
        raise Unauthorized("Wrong email or password.")
    return user


def log_out(session: Session, user: User) -> None:
    """End the user's page sessions everywhere and the tokens minted from them."""
    tokens.end_page_sessions(session, user)
