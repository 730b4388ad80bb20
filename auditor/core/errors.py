"""Domain errors: services raise them, one handler turns them into problem+json or a flash.

`flatten_errors` gives marshmallow's nested messages the flat field-to-messages shape that
`Invalid` carries, so domain code and the API report validation the same way.
"""

from collections.abc import Mapping
from typing import Any


class DomainError(Exception):
    """An expected refusal, carrying its HTTP status and a human-readable detail."""

    status = 400
    title = "Bad request"
    retry_after: int | None = None

    def __init__(self, detail: str = "", errors: dict[str, list[str]] | None = None):
        super().__init__(detail or self.title)
        self.detail = detail or self.title
        self.errors = errors


class Unauthorized(DomainError):
    status = 401
    title = "Unauthorized"


class Forbidden(DomainError):
    status = 403
    title = "Forbidden"


class NotFound(DomainError):
    status = 404
    title = "Not found"


class Conflict(DomainError):
    status = 409
    title = "Conflict"


class TooManyRequests(DomainError):
    status = 429
    title = "Too many requests"

    def __init__(self, detail: str, retry_after: int):
        super().__init__(detail)
        self.retry_after = retry_after


class Invalid(DomainError):
    """Input that is well-formed but breaks a rule; `errors` maps field to messages."""

    status = 422
    title = "Unprocessable content"

    def __init__(self, errors: dict[str, list[str]], detail: str = "The request is invalid."):
        super().__init__(detail, errors)


class Unavailable(DomainError):
    """A transient fault (database lock, lost connection): the client should retry."""

    status = 503
    title = "Service unavailable"
    retry_after = 2


def flatten_errors(messages: Any, prefix: str = "") -> dict[str, list[str]]:
    """Turn marshmallow's nested messages into `{"dotted.path": [messages]}`."""
    if isinstance(messages, Mapping):
        flat: dict[str, list[str]] = {}
        for key, value in messages.items():
            path = f"{prefix}.{key}" if prefix else str(key)
            flat.update(flatten_errors(value, path))
        return flat
    if isinstance(messages, list | tuple) and all(isinstance(m, str) for m in messages):
        return {prefix or "_schema": list(messages)}
    if isinstance(messages, list | tuple):
        flat = {}
        for index, value in enumerate(messages):
            flat.update(flatten_errors(value, f"{prefix}.{index}" if prefix else str(index)))
        return flat
    return {prefix or "_schema": [str(messages)]}
