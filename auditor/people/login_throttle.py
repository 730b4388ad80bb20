"""Failed-login limits: per email (existing or not) and per client address.

Only failures count, and both the login form and the token endpoint share the counters, so
decorator limits on one route do not fit; the limiter's own strategy and storage do (memory in
the embedded default, Redis when RATELIMIT_STORAGE_URI says so, shared by all workers).
"""

import math
import time
from collections.abc import Mapping
from dataclasses import dataclass

from limits import parse

from auditor.core.extensions import limiter


@dataclass(frozen=True)
class LoginLimit:
    """How many failed logins a window allows (LOGIN_FAILURE_LIMIT), and whether limits apply."""

    rule: str  # e.g. "10/minute"
    enabled: bool = True
    # the configured prefix keeps apps that share one Redis from sharing counters
    key_prefix: str = ""

    @classmethod
    def from_config(cls, config: Mapping) -> "LoginLimit":
        """The limit an app's configuration sets."""
        return cls(
            rule=config["LOGIN_FAILURE_LIMIT"],
            enabled=bool(config.get("RATELIMIT_ENABLED", True)),
            key_prefix=config.get("RATELIMIT_KEY_PREFIX", ""),
        )


def _keys(limit: LoginLimit, email: str, address: str) -> list[tuple[str, str]]:
    return [
        (f"{limit.key_prefix}login-email", email.strip().lower()),
        (f"{limit.key_prefix}login-address", address or "unknown"),
    ]


def _wait(item, namespace: str, key: str) -> int:
    reset_at, _remaining = limiter.limiter.get_window_stats(item, namespace, key)
    return max(1, math.ceil(reset_at - time.time()))


def retry_after(limit: LoginLimit, email: str, address: str) -> int | None:
    """Seconds to wait when either counter is exhausted already, else None."""
    if not limit.enabled:
        return None
    item = parse(limit.rule)
    waits = [
        _wait(item, namespace, key)
        for namespace, key in _keys(limit, email, address)
        if not limiter.limiter.test(item, namespace, key)
    ]
    return max(waits) if waits else None


def count_failure(limit: LoginLimit, email: str, address: str) -> int | None:
    """Count one failed login; seconds to wait when it went over the limit, else None."""
    if not limit.enabled:
        return None
    item = parse(limit.rule)
    # the storage's hit counts and compares in one step (atomic in Redis): of many parallel
    # failures exactly the limit's number get through, where testing first let 12-13 of 100
    # past a limit of 10. The address is counted only after the email was within its limit,
    # so the failures that passed one counter are the ones that pass the other.
    for namespace, key in _keys(limit, email, address):
        if not limiter.limiter.hit(item, namespace, key):
            return _wait(item, namespace, key)
    return None
