"""Strict JSON for request bodies and imported files: what it refuses is a clear error.

Python's `json` accepts more than JSON and fails in ways other than `JSONDecodeError`: it reads
`NaN` and `Infinity`, turns `1e999` into infinity, raises `RecursionError` on arrays nested a
thousand deep and `ValueError` on integers past the interpreter's digit limit, and lets lone
surrogates (`"\\ud800"`) through that no database driver can encode. `loads` refuses all of
them with `UnreadableJson`, a `ValueError`, so Flask's `Request.get_json` answers 400.
"""

import json
import math
import re
from typing import Any

from flask.json.provider import DefaultJSONProvider

# deeper than any document of ours (a checklist is five levels), far below the recursion limit
MAX_DEPTH = 32
# 2**63 has 19 digits: no field of ours holds more, and beyond that floats lose integers anyway
MAX_INT_DIGITS = 20
_LONE_SURROGATE = re.compile("[\ud800-\udfff]")


class UnreadableJson(ValueError):
    """A body or file that is not JSON this application can hold."""


def _integer(text: str) -> int:
    if len(text.lstrip("-")) > MAX_INT_DIGITS:
        raise UnreadableJson(f"an integer has more than {MAX_INT_DIGITS} digits")
    return int(text)


def _float(text: str) -> float:
    value = float(text)
    if not math.isfinite(value):
        raise UnreadableJson(f"the number {text[:20]} is out of range")
    return value


def _constant(name: str) -> Any:
    raise UnreadableJson(f"{name} is not a JSON value")


def _check_string(text: str) -> None:
    if not text.isascii() and _LONE_SURROGATE.search(text):
        raise UnreadableJson("a string holds a lone UTF-16 surrogate, which is not text")


def _check_tree(value: Any) -> None:
    """Depth and strings of a parsed document, walked without recursion."""
    stack = [(value, 0)]
    while stack:
        item, depth = stack.pop()
        if isinstance(item, str):
            _check_string(item)
            continue
        if not isinstance(item, dict | list):
            continue
        if depth >= MAX_DEPTH:
            raise UnreadableJson(f"nested more than {MAX_DEPTH} levels deep")
        if isinstance(item, dict):
            for key in item:
                _check_string(key)
            item = item.values()
        stack.extend((child, depth + 1) for child in item)


def loads(text: str | bytes) -> Any:
    """Parse JSON strictly: UnreadableJson for anything but finite, shallow, well-formed text."""
    if isinstance(text, bytes):
        try:
            text = text.decode("utf-8-sig")
        except UnicodeDecodeError as error:
            raise UnreadableJson(f"not UTF-8: {error.reason} at byte {error.start}") from error
    try:
        value = json.loads(text, parse_int=_integer, parse_float=_float, parse_constant=_constant)
    except RecursionError as error:
        raise UnreadableJson(f"nested more than {MAX_DEPTH} levels deep") from error
    except UnreadableJson:
        raise
    except ValueError as error:  # JSONDecodeError, and whatever else the parser refuses
        raise UnreadableJson(str(error)) from error
    _check_tree(value)
    return value


class StrictJSONProvider(DefaultJSONProvider):
    """Flask's JSON with strict parsing: `request.get_json()` answers 400 for what it refuses."""

    def loads(self, s: str | bytes, **kwargs: Any) -> Any:
        """Parse strictly (keyword arguments of the stdlib are not needed by anyone here)."""
        return loads(s)
