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


def retry_after(limit: LoginLimit, email: str, address: str) -> int | None:
    """Seconds to wait when either counter is exhausted, else None."""
    if not limit.enabled:
        return None
    item = parse(limit.rule)
    waits = []
    for namespace, key in _keys(limit, email, address):
        if not limiter.limiter.test(item, namespace, key):
            reset_at, _remaining = limiter.limiter.get_window_stats(item, namespace, key)
            waits.append(max(1, math.ceil(reset_at - time.time())))
    return max(waits) if waits else None


def record_failure(limit: LoginLimit, email: str, address: str) -> None:
    """Count one failed login against the email and the address."""
    if not limit.enabled:
        return
    item = parse(limit.rule)
    for namespace, key in _keys(limit, email, address):
        limiter.limiter.hit(item, namespace, key)
