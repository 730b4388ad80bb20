"""Logging in with email and password, behind the failed-login throttle.

The token endpoint and the login form share it, and with it the failure counters; each face
reads the client address and the settings from its request and app, and passes them in.
"""

from collections.abc import Mapping
from dataclasses import dataclass

from sqlalchemy.orm import Session

from auditor.core.errors import TooManyRequests, Unauthorized
from auditor.models import User
from auditor.people import accounts, login_throttle
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
    user = accounts.authenticate(session, email, password, settings.hashing)
    if user is None:
        login_throttle.record_failure(settings.limit, email, address)
        raise Unauthorized("Wrong email or password.")
    return user
