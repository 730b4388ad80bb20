"""Failed-login limits: per email (existing or not) and per client address.

Only failures count, and both the login form and the token endpoint share the counters, so
decorator limits on one route do not fit; the limiter's own strategy and storage do (memory in
the embedded default, Redis when RATELIMIT_STORAGE_URI says so, shared by all workers).
"""

import math
import time

from flask import current_app
from limits import parse

from auditor.core.extensions import limiter


def _keys(email: str, address: str) -> list[tuple[str, str]]:
    # the configured prefix keeps apps that share one Redis from sharing counters
    prefix = current_app.config.get("RATELIMIT_KEY_PREFIX", "")
    return [
        (f"{prefix}login-email", email.strip().lower()),
        (f"{prefix}login-address", address or "unknown"),
    ]


def _enabled() -> bool:
    return bool(current_app.config.get("RATELIMIT_ENABLED", True))


def retry_after(email: str, address: str) -> int | None:
    """Seconds to wait when either counter is exhausted, else None."""
    if not _enabled():
        return None
    item = parse(current_app.config["LOGIN_FAILURE_LIMIT"])
    waits = []
    for namespace, key in _keys(email, address):
        if not limiter.limiter.test(item, namespace, key):
            reset_at, _remaining = limiter.limiter.get_window_stats(item, namespace, key)
            waits.append(max(1, math.ceil(reset_at - time.time())))
    return max(waits) if waits else None


def record_failure(email: str, address: str) -> None:
    """Count one failed login against the email and the address."""
    if not _enabled():
        return
    item = parse(current_app.config["LOGIN_FAILURE_LIMIT"])
    for namespace, key in _keys(email, address):
        limiter.limiter.hit(item, namespace, key)
