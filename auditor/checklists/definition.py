"""Checklist definitions (DESIGN §2, §6): the schema that checks and normalises them.

Shape only: no database, no request. `load_definition` turns posted or imported JSON
into the normalised dict that is stored with a checklist version and read by scoring.
"""

import math
import re
from itertools import pairwise
from pathlib import Path
from typing import Any

from marshmallow import (
    RAISE,
    Schema,
    ValidationError,
    fields,
    post_load,
    validate,
    validates_schema,
)

QUESTION_TYPES = ("yes_no", "scale", "choice", "numeric", "text")
SCORED_TYPES = ("yes_no", "scale", "choice", "numeric")
PHASES = ("visit", "post_visit")
PHOTO_MODES = ("none", "optional", "required")

# Settings each type accepts; any other type giving one is an error on that field.
TYPE_SETTINGS = {
    "yes_no": ("pass_on",),
    "scale": ("min", "max"),
    "choice": ("options",),
    # numeric min/max are optional inclusive bounds on the value (DESIGN §10.1)
    "numeric": ("unit", "bands", "min", "max"),
    "text": (),
}
SETTING_DEFAULTS = {
    "yes_no": {"pass_on": True},
    "scale": {"min": 1, "max": 5},
    "numeric": {"unit": None},
}
REQUIRED_SETTINGS = {"choice": ("options",), "numeric": ("bands",)}
_SETTING_OWNERS = {
    name: tuple(qtype for qtype, names in TYPE_SETTINGS.items() if name in names)
    for names in TYPE_SETTINGS.values()
    for name in names
}

DEFAULT_CHECKLIST_DIR = Path(__file__).with_name("defaults")

# \Z rather than $: "$" would also accept a key with a trailing newline.
SLUG = re.compile(r"[a-z0-9][a-z0-9_-]{0,63}\Z")
SLUG_MESSAGE = (
    "must be 1 to 64 lowercase letters, digits, '-' or '_', starting with a letter or digit"
)

# Upper bounds nobody needs to exceed; they keep sums and date arithmetic finite.
MAX_WEIGHT = 1000
MAX_FOLLOW_UP_DAYS = 365
MAX_SCALE = 1_000_000
MAX_SECTIONS = 100
MAX_QUESTIONS_PER_SECTION = 200
# the most questions one checklist can have, and so the most answers one audit can carry
MAX_QUESTIONS = MAX_SECTIONS * MAX_QUESTIONS_PER_SECTION
MAX_MIN_MINUTES = 12 * 60  # a visit lasts at most 12 hours (DESIGN §10.1)
REQUIRED = "Missing data for required field."


def _is_json_number(value: Any) -> bool:
    """True for a finite int or float; JSON has no booleans-as-numbers, NaN or infinity."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        return False
    try:
        return math.isfinite(value)
    except OverflowError:  # an int too large for a float
        return False


class JsonNumber(fields.Field):
    """A JSON number kept as given (20 stays 20, 0.5 stays 0.5), so exports read like imports."""

    default_error_messages = {"invalid": "Not a valid number."}

    def _deserialize(self, value, attr, data, **kwargs):
        if not _is_json_number(value):
            raise self.make_error("invalid")
        return value


class StrictBoolean(fields.Boolean):
    """JSON true or false only: "yes" or 1 in a definition is a mistake, not a boolean."""

    def _deserialize(self, value, attr, data, **kwargs):
        if not isinstance(value, bool):
            raise self.make_error("invalid")
        return value


class JsonScalar(fields.Field):
    """A JSON boolean, number or string (what an answer value can be)."""

    default_error_messages = {"invalid": "Must be true, false, a number or a string."}

    def _deserialize(self, value, attr, data, **kwargs):
        if not isinstance(value, bool | str) and not _is_json_number(value):
            raise self.make_error("invalid")
        return value


def _slug(**kwargs: Any) -> fields.String:
    return fields.String(validate=validate.Regexp(SLUG, error=SLUG_MESSAGE), **kwargs)


def _text(max_length: int, **kwargs: Any) -> fields.String:
    return fields.String(validate=validate.Length(min=1, max=max_length), **kwargs)


def _weight(**kwargs: Any) -> JsonNumber:
    return JsonNumber(load_default=1, **kwargs)


def _non_empty_list(
    schema: type[Schema], max_items: int, what: str, *, required: bool = True
) -> fields.List:
    return fields.List(
        fields.Nested(schema),
        required=required,
        validate=[
            validate.Length(min=1, error=f"at least one {what} is needed"),
            validate.Length(max=max_items, error=f"at most {{max}} {what}s"),
        ],
    )


def _add_error(errors: dict, path: tuple, message: str) -> None:
    """Put `message` into the nested error dict at `path` (marshmallow's error shape)."""
    node = errors
    for step in path[:-1]:
        node = node.setdefault(step, {})
    node.setdefault(path[-1], []).append(message)


class _StrictSchema(Schema):
    class Meta:
        unknown = RAISE


class OptionSchema(_StrictSchema):
    """One answer of a choice question."""

    key = _slug(required=True)
    label = _text(200, required=True)
    score = JsonNumber(required=True, validate=validate.Range(0, 1))


class BandSchema(_StrictSchema):
    """A numeric band: values up to `max` (null: no limit) score `score`."""

    max = JsonNumber(required=True, allow_none=True)
    score = JsonNumber(required=True, validate=validate.Range(0, 1))


class ShowIfSchema(_StrictSchema):
    """Show a question only when an earlier question's answer equals a value."""

    question = _slug(required=True)
    equals = JsonScalar(required=True)


class QuestionSchema(_StrictSchema):
    """A question; type settings may be given only for their own type."""

    # Declaration order is the key order of the normalised output (as in DESIGN §6).
    key = _slug(required=True)
    text = _text(500, required=True)
    help = fields.String(load_default="", validate=validate.Length(max=2000))
    type = fields.String(required=True, validate=validate.OneOf(QUESTION_TYPES))
    unit = fields.String(allow_none=True, validate=validate.Length(min=1, max=20))
    weight = _weight(validate=validate.Range(0, MAX_WEIGHT))
    critical = StrictBoolean(load_default=False)
    allow_na = StrictBoolean(load_default=False)
    photo = fields.String(load_default="none", validate=validate.OneOf(PHOTO_MODES))
    show_if = fields.Nested(ShowIfSchema, allow_none=True, load_default=None)
    pass_on = StrictBoolean()
    # scale: whole numbers (defaults 1 and 5); numeric: any finite number; checked below
    min = JsonNumber()
    max = JsonNumber()
    # Required only for their own type, which the validator below enforces.
    options = _non_empty_list(OptionSchema, 100, "option", required=False)
    bands = _non_empty_list(BandSchema, 100, "band", required=False)

    @validates_schema
    def _check_settings(self, data: dict, **kwargs: Any) -> None:
        errors = _misplaced_settings(data)
        qtype = data["type"]
        if qtype == "text" and data["critical"]:
            errors["critical"] = ["a text question is not scored, so it cannot be critical"]
        if qtype in ("scale", "numeric"):
            errors.update(_bounds_errors(qtype, data))
        if qtype == "choice" and "options" in data:
            _check_option_keys(data["options"], errors)
        if qtype == "numeric" and "bands" in data:
            errors.update(_band_errors(data["bands"]))
        if errors:
            raise ValidationError(errors)

    @post_load
    def _normalise(self, data: dict, **kwargs: Any) -> dict:
        data = {**SETTING_DEFAULTS.get(data["type"], {}), **data}
        return {name: data[name] for name in self.fields if name in data}


def _misplaced_settings(question: dict) -> dict:
    """Errors for settings of another type, and for missing required settings."""
    qtype = question["type"]
    errors = {
        name: [f"only for {' or '.join(owners)} questions"]
        for name, owners in _SETTING_OWNERS.items()
        if name in question and qtype not in owners
    }
    for name in REQUIRED_SETTINGS.get(qtype, ()):
        if name not in question:
            errors[name] = [REQUIRED]
    return errors


def _bounds_errors(qtype: str, question: dict) -> dict:
    """A scale runs between whole numbers, min below max; a numeric value's optional bounds
    are inclusive, so min may equal max."""
    errors: dict[str, list[str]] = {}
    if qtype == "scale":
        for name in ("min", "max"):
            value = question.get(name)
            if value is not None and not isinstance(value, int):
                errors[name] = ["Not a valid integer."]
            elif value is not None and not -MAX_SCALE <= value <= MAX_SCALE:
                errors[name] = [f"Must be from {-MAX_SCALE} to {MAX_SCALE}."]
        if errors:
            return errors
        low, high = question.get("min", 1), question.get("max", 5)
        if low >= high:
            errors["max"] = ["must be greater than min"]
    elif "min" in question and "max" in question and question["min"] > question["max"]:
        errors["max"] = ["must not be less than min"]
    return errors


def _check_option_keys(options: list[dict], errors: dict) -> None:
    seen: set[str] = set()
    for index, option in enumerate(options):
        if option["key"] in seen:
            _add_error(errors, ("options", index, "key"), "duplicate option key")
        seen.add(option["key"])


def _band_errors(bands: list[dict]) -> dict:
    """Bands must cover every value: ascending maxes, then one open-ended band."""
    maxes = [band["max"] for band in bands]
    messages = []
    if None in maxes[:-1]:
        messages.append("only the last band may have max null")
    if maxes[-1] is not None:
        messages.append("the last band must have max null")
    finite = [value for value in maxes if value is not None]
    if any(low >= high for low, high in pairwise(finite)):
        messages.append("bands must be sorted by max")
    return {"bands": messages} if messages else {}


class SectionSchema(_StrictSchema):
    """A weighted group of questions, answered during or after the visit."""

    key = _slug(required=True)
    title = _text(200, required=True)
    weight = _weight(validate=validate.Range(0, MAX_WEIGHT, min_inclusive=False))
    phase = fields.String(load_default="visit", validate=validate.OneOf(PHASES))
    questions = _non_empty_list(QuestionSchema, MAX_QUESTIONS_PER_SECTION, "question")


class ChecklistDefinitionSchema(_StrictSchema):
    """A whole checklist definition (DESIGN §6); loads into the normalised dict."""

    key = _slug(required=True)
    title = _text(200, required=True)
    description = fields.String(load_default="", validate=validate.Length(max=2000))
    follow_up_days = fields.Integer(
        strict=True, load_default=14, validate=validate.Range(0, MAX_FOLLOW_UP_DAYS)
    )
    action_threshold = JsonNumber(load_default=60, validate=validate.Range(0, 100))
    # an approval scoring below it, or with a critical failure, alerts the region's managers
    alert_threshold = JsonNumber(load_default=60, validate=validate.Range(0, 100))
    # a corrective action is due this many days after the approval that raised it (§10.7)
    action_due_days = fields.Integer(
        strict=True, load_default=14, validate=validate.Range(1, MAX_FOLLOW_UP_DAYS)
    )
    # shorter visits are flagged (DESIGN §10.3), never refused
    min_minutes = fields.Integer(
        strict=True, load_default=0, validate=validate.Range(0, MAX_MIN_MINUTES)
    )
    sections = _non_empty_list(SectionSchema, MAX_SECTIONS, "section")

    @validates_schema
    def _check_references(self, data: dict, **kwargs: Any) -> None:
        errors: dict = {}
        _check_unique_keys(data["sections"], errors)
        _check_show_ifs(data["sections"], errors)
        if errors:
            raise ValidationError(errors)


def _check_unique_keys(sections: list[dict], errors: dict) -> None:
    """Section keys, and question keys checklist-wide (answers are keyed by them)."""
    section_keys: set[str] = set()
    question_keys: set[str] = set()
    for s_index, section in enumerate(sections):
        if section["key"] in section_keys:
            _add_error(errors, ("sections", s_index, "key"), "duplicate section key")
        section_keys.add(section["key"])
        for q_index, question in enumerate(section["questions"]):
            if question["key"] in question_keys:
                path = ("sections", s_index, "questions", q_index, "key")
                _add_error(errors, path, "duplicate question key")
            question_keys.add(question["key"])


def _check_show_ifs(sections: list[dict], errors: dict) -> None:
    """A show_if must name an earlier question, in a phase answered no later."""
    earlier: dict[str, tuple[dict, str]] = {}
    later = {q["key"] for section in sections for q in section["questions"]}
    for s_index, section in enumerate(sections):
        for q_index, question in enumerate(section["questions"]):
            later.discard(question["key"])
            if question["show_if"] is not None:
                message = _show_if_error(question, section["phase"], earlier, later)
                if message:
                    path = ("sections", s_index, "questions", q_index, "show_if")
                    _add_error(errors, path, message)
            earlier.setdefault(question["key"], (question, section["phase"]))


def _show_if_error(
    question: dict, phase: str, earlier: dict[str, tuple[dict, str]], later: set[str]
) -> str | None:
    ref = question["show_if"]["question"]
    if ref == question["key"]:
        return "cannot refer to the question itself"
    if ref in later:
        return "must refer to an earlier question"
    if ref not in earlier:
        return f"unknown question '{ref}'"
    target, target_phase = earlier[ref]
    # A visit question is checked at submit, when post-visit answers may still be pending.
    if phase == "visit" and target_phase == "post_visit":
        return "a visit question cannot depend on a post_visit question"
    return _equals_error(target, question["show_if"]["equals"])


def _equals_error(target: dict, value: Any) -> str | None:
    """Message when `value` is never an answer of `target`, so the question would never show."""
    qtype = target["type"]
    if qtype == "yes_no":
        possible, expected = isinstance(value, bool), "true or false"
    elif qtype == "scale":
        low, high = target["min"], target["max"]
        in_range = isinstance(value, int) and not isinstance(value, bool) and low <= value <= high
        possible, expected = in_range, f"an integer from {low} to {high}"
    elif qtype == "choice":
        keys = [option["key"] for option in target["options"]]
        possible, expected = isinstance(value, str) and value in keys, "one of: " + ", ".join(keys)
    elif qtype == "numeric":
        low, high = target.get("min", -math.inf), target.get("max", math.inf)
        possible = _is_json_number(value) and low <= value <= high
        expected = "a number" + _bounds_text(target)
    else:
        possible, expected = isinstance(value, str), "a string"
    if possible:
        return None
    return f"equals must be {expected} to match '{target['key']}'"


def _bounds_text(question: dict) -> str:
    if "min" in question and "max" in question:
        return f" from {question['min']} to {question['max']}"
    if "min" in question:
        return f" of at least {question['min']}"
    return f" of at most {question['max']}" if "max" in question else ""


_SCHEMA = ChecklistDefinitionSchema()


def load_definition(data: Any) -> dict:
    """Validate a checklist definition and return it normalised; raises ValidationError."""
    return _SCHEMA.load(data)


def dump_definition(definition: dict) -> dict:
    """Serialise a normalised definition back to its JSON form."""
    return _SCHEMA.dump(definition)
