"""Field rules, defined once: marshmallow validators that the API schemas declare (and so the
OpenAPI document shows) and that the domain applies to every other way in (pages, CSV import,
command line, demo), so a value refused by one door is refused by all."""

import math
from collections.abc import Callable, Mapping, Sequence
from typing import Any

import marshmallow as ma

from auditor.core.errors import Invalid

Rule = Callable[[Any], Any]


class FullMatch(ma.validate.Regexp):
    """A pattern the whole value must match. marshmallow's Regexp uses re.match, and a
    pattern ending in `$` also matches before a trailing newline ("TRAIL\\n"); fullmatch does
    not. The same pattern text is the OpenAPI `pattern`, where `^...$` means the whole value."""

    def __call__(self, value: Any) -> Any:
        if not isinstance(value, str) or self.regex.fullmatch(value) is None:
            raise ma.ValidationError(self._format_error(value))
        return value


# a newline breaks tables and CSV rows, a NUL cannot be stored by PostgreSQL
ONE_LINE = FullMatch(
    r"^[^\x00-\x1f\x7f-\x9f]*$", error="Must be one line of text without control characters."
)


def encodable(value: Any) -> Any:
    """Refuse lone surrogates (from a command line's undecodable bytes): no database stores
    them. Kept out of the pattern above, which generated clients compile."""
    if isinstance(value, str):
        try:
            value.encode("utf-8")
        except UnicodeEncodeError as error:
            raise ma.ValidationError("Must be valid Unicode text.") from error
    return value


def finite(value: Any) -> Any:
    """A real number: not a boolean, NaN or an infinity (which ranges let through)."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise ma.ValidationError("Must be a number.")
    if isinstance(value, float) and not math.isfinite(value):
        raise ma.ValidationError("Must be a finite number.")
    return value


def text(min_length: int, max_length: int) -> list[Rule]:
    """The rules of one line of text from `min_length` to `max_length` characters."""
    return [ma.validate.Length(min=min_length, max=max_length), ONE_LINE, encodable]


def number(low: float, high: float) -> list[Rule]:
    """The rules of a finite number from `low` to `high` inclusive."""
    return [finite, ma.validate.Range(min=low, max=high)]


def field_errors(rules: Mapping[str, Sequence[Rule]], data: Mapping[str, Any]) -> dict:
    """Every broken rule of the fields `data` gives (None: not given), by field."""
    errors: dict[str, list[str]] = {}
    for field, validators in rules.items():
        value = data.get(field)
        if value is None:
            continue
        for validator in validators:
            try:
                validator(value)
            except ma.ValidationError as error:
                errors.setdefault(field, []).extend(error.messages)
                if validator is finite:
                    break  # a range says nothing more about what is not a number
    return errors


def check_fields(rules: Mapping[str, Sequence[Rule]], data: Mapping[str, Any]) -> None:
    """Raise Invalid with every broken rule of the fields `data` gives."""
    errors = field_errors(rules, data)
    if errors:
        raise Invalid(errors)
