"""Pure audit scoring: checklist definition + answers -> question, section and overall scores.

Implements DESIGN §3 exactly. Standard library only: no Flask, no database, no I/O. The
definition is the validated, normalised checklist dict of DESIGN §6 (every default filled in).
"""

import math
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass
from typing import Any

SCORED_TYPES: frozenset[str] = frozenset({"yes_no", "scale", "choice", "numeric"})

NA_NOT_ALLOWED = "N/A is not allowed"
ANSWER_REQUIRED = "answer required"
PHOTO_REQUIRED = "photo required"


@dataclass(frozen=True)
class Answer:
    """One answer as given: a value, or marked not applicable."""

    value: Any = None
    na: bool = False


@dataclass(frozen=True)
class QuestionResult:
    """The score of one question; all None when the question is not scored."""

    score: float | None
    earned: float | None
    possible: float | None


@dataclass(frozen=True)
class AuditScore:
    """Overall, per-section and per-question scores of one audit."""

    overall: float | None
    sections: dict[str, float | None]
    critical_failed: bool
    questions: dict[str, QuestionResult]


NOT_SCORED = QuestionResult(score=None, earned=None, possible=None)


# --- value validation ------------------------------------------------------------------------


def _is_int(value: Any) -> bool:
    # bool is a subclass of int, but true/false is never a valid scale value or number.
    return isinstance(value, int) and not isinstance(value, bool)


def _yes_no_error(question: Mapping, value: Any) -> str | None:
    return None if isinstance(value, bool) else "must be true or false"


def _scale_error(question: Mapping, value: Any) -> str | None:
    low, high = question["min"], question["max"]
    if _is_int(value) and low <= value <= high:
        return None
    return f"must be a whole number from {low} to {high}"


def _choice_error(question: Mapping, value: Any) -> str | None:
    keys = [option["key"] for option in question["options"]]
    if isinstance(value, str) and value in keys:
        return None
    return "must be one of: " + ", ".join(keys)


def _numeric_error(question: Mapping, value: Any) -> str | None:
    # math.isfinite would overflow on huge ints, which are finite anyway
    if isinstance(value, float) and not math.isfinite(value):
        return "must be a finite number"
    if not _is_int(value) and not isinstance(value, float):
        return "must be a number"
    low, high = question.get("min"), question.get("max")
    # comparing an int with a float is exact in Python, however large the int
    if (low is not None and value < low) or (high is not None and value > high):
        return "must be " + _range_text(low, high, question.get("unit"))
    return None


def _range_text(low: Any, high: Any, unit: str | None) -> str:
    suffix = f" {unit}" if unit else ""
    if low is not None and high is not None:
        return f"from {low} to {high}{suffix}"
    return f"at least {low}{suffix}" if low is not None else f"at most {high}{suffix}"


def _text_error(question: Mapping, value: Any) -> str | None:
    return None if isinstance(value, str) else "must be text"


_VALIDATORS: dict[str, Callable[[Mapping, Any], str | None]] = {
    "yes_no": _yes_no_error,
    "scale": _scale_error,
    "choice": _choice_error,
    "numeric": _numeric_error,
    "text": _text_error,
}


def _value_error(question: Mapping, value: Any) -> str | None:
    """Return why a non-None value does not fit the question, or None when it fits."""
    validator = _VALIDATORS.get(question["type"])
    if validator is None:
        return f"unknown question type {question['type']!r}"
    return validator(question, value)


def answer_errors(question: Mapping, answer: Answer) -> list[str]:
    """Return what is wrong with one answer to a question (empty when it is fine)."""
    if answer.na:
        # An N/A answer's value is ignored, so only the N/A itself can be wrong.
        return [] if question["allow_na"] else [NA_NOT_ALLOWED]
    if answer.value is None:
        return []  # missing-ness is for submit_errors to judge
    error = _value_error(question, answer.value)
    return [] if error is None else [error]


# --- question scores -------------------------------------------------------------------------


def _yes_no_score(question: Mapping, value: bool) -> float:
    # pass_on names the passing answer: false for questions like "had to shout?".
    return 1.0 if value == question["pass_on"] else 0.0


def _scale_score(question: Mapping, value: int) -> float:
    low, high = question["min"], question["max"]
    return (value - low) / (high - low)


def _choice_score(question: Mapping, value: str) -> float:
    return next(float(o["score"]) for o in question["options"] if o["key"] == value)


def _numeric_score(question: Mapping, value: float) -> float:
    for band in question["bands"]:
        if band["max"] is None or value <= band["max"]:
            return float(band["score"])
    raise ValueError(f"{question['key']}: no band holds {value!r}")


_SCORERS: dict[str, Callable[[Mapping, Any], float]] = {
    "yes_no": _yes_no_score,
    "scale": _scale_score,
    "choice": _choice_score,
    "numeric": _numeric_score,
}


def question_score(question: Mapping, value: Any) -> float | None:
    """Return the score in [0, 1] of a value, None for text or no value; ValueError if invalid."""
    if value is None:
        return None
    error = _value_error(question, value)
    if error is not None:
        raise ValueError(f"{question['key']}: {error}")
    scorer = _SCORERS.get(question["type"])
    return None if scorer is None else scorer(question, value)


# --- visibility ------------------------------------------------------------------------------


def _questions(definition: Mapping) -> Iterator[tuple[Mapping, Mapping]]:
    """Yield (section, question) pairs in document order."""
    for section in definition["sections"]:
        for question in section["questions"]:
            yield section, question


def _given(answer: Answer | None) -> bool:
    """Whether an answer carries a real value (not missing, not N/A)."""
    return answer is not None and not answer.na and answer.value is not None


def _same_value(value: Any, expected: Any) -> bool:
    # Compare as JSON does: true is not 1, although Python says True == 1.
    if isinstance(value, bool) or isinstance(expected, bool):
        return type(value) is type(expected) and value == expected
    return bool(value == expected)


def _condition_holds(show_if: Mapping | None, visible: set[str], answers: Mapping) -> bool:
    if show_if is None:
        return True
    referenced = show_if["question"]
    answer = answers.get(referenced)
    return referenced in visible and _given(answer) and _same_value(answer.value, show_if["equals"])


def visible_questions(definition: Mapping, answers: Mapping[str, Answer]) -> set[str]:
    """Return the keys of the questions shown, given the answers so far."""
    visible: set[str] = set()
    # show_if always names an earlier question, so one pass in document order resolves chains.
    for _section, question in _questions(definition):
        if _condition_holds(question["show_if"], visible, answers):
            visible.add(question["key"])
    return visible


# --- audit scores ----------------------------------------------------------------------------


def _question_result(
    question: Mapping, answer: Answer | None, visible: set[str], memo: dict | None = None
) -> QuestionResult:
    if question["key"] not in visible or not _given(answer):
        return NOT_SCORED  # hidden, N/A or pending
    value = answer.value
    if memo is not None:
        # the value's type is part of the key: true == 1 == 1.0 in Python, not in a checklist
        key = (question["key"], value.__class__, value)
        try:
            found = memo.get(key)
        except TypeError:  # a list or an object: not hashable, so not remembered
            found, memo = None, None
        if found is not None:
            return found
    score = question_score(question, value)
    weight = float(question["weight"])
    result = NOT_SCORED if score is None else QuestionResult(score, weight * score, weight)
    if memo is not None:
        memo[key] = result
    return result


def _section_score(section: Mapping, results: Mapping[str, QuestionResult]) -> float | None:
    counted = [results[q["key"]] for q in section["questions"]]
    counted = [r for r in counted if r.possible is not None and r.possible > 0]
    if not counted:
        return None  # not applicable
    earned = sum(r.earned for r in counted)
    possible = sum(r.possible for r in counted)
    # Dividing before scaling keeps a perfect section at exactly 100.0.
    return 100 * (earned / possible)


def _weighted_mean(pairs: Iterable[tuple[float, float | None]]) -> float | None:
    """Return sum(w * v) / sum(w) over the pairs whose value is not None."""
    present = [(weight, value) for weight, value in pairs if value is not None]
    if not present:
        return None
    mean = sum(w * v for w, v in present) / sum(w for w, _ in present)
    # Float error can leave a mean a hair outside its inputs (all 100 giving 100.00000000000001);
    # the true mean never is, so clamp back.
    values = [value for _, value in present]
    return min(max(mean, min(values)), max(values))


def _critical_failed(definition: Mapping, results: Mapping[str, QuestionResult]) -> bool:
    # Scored results include weight-0 questions, so a weightless critical question still fails.
    return any(
        question["critical"] and results[question["key"]].score == 0
        for _section, question in _questions(definition)
    )


def score_audit(
    definition: Mapping, answers: Mapping[str, Answer], *, memo: dict | None = None
) -> AuditScore:
    """Score an audit per DESIGN §3; ValueError if a scored answer has an invalid value.

    `memo`: a dict the caller keeps while scoring many audits under one definition (what-if):
    each question's result for a value is then computed once. Never share it between
    definitions.
    """
    visible = visible_questions(definition, answers)
    results = {
        question["key"]: _question_result(question, answers.get(question["key"]), visible, memo)
        for _section, question in _questions(definition)
    }
    sections = {s["key"]: _section_score(s, results) for s in definition["sections"]}
    overall = _weighted_mean((s["weight"], sections[s["key"]]) for s in definition["sections"])
    failed = _critical_failed(definition, results)
    return AuditScore(
        overall=0.0 if failed else overall,
        sections=sections,
        critical_failed=failed,
        questions=results,
    )


# --- submission ------------------------------------------------------------------------------


def _unanswered(answer: Answer | None) -> bool:
    return answer is None or (answer.value is None and not answer.na)


def _submit_messages(
    section: Mapping, question: Mapping, answer: Answer | None, photos: int
) -> list[str]:
    """Return the submit errors of one visible question."""
    messages = [] if answer is None else answer_errors(question, answer)
    if section["phase"] != "visit":
        return messages  # post-visit questions may be pending at submit
    if question["type"] in SCORED_TYPES and _unanswered(answer):
        messages.append(ANSWER_REQUIRED)
    if question["photo"] == "required" and photos <= 0:
        messages.append(PHOTO_REQUIRED)
    return messages


def submit_errors(
    definition: Mapping, answers: Mapping[str, Answer], photo_counts: Mapping[str, int]
) -> dict[str, list[str]]:
    """Return what keeps an audit from being submitted, by question key (empty when ready)."""
    visible = visible_questions(definition, answers)
    errors: dict[str, list[str]] = {}
    for section, question in _questions(definition):
        key = question["key"]
        if key not in visible:
            continue  # a hidden question is neither required nor checked
        messages = _submit_messages(section, question, answers.get(key), photo_counts.get(key, 0))
        if messages:
            errors[key] = messages
    return errors
