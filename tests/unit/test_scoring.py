"""Unit and property tests of the pure scoring rules of DESIGN §3."""

import copy
import math

import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from auditor.checklists.scoring import (
    SCORED_TYPES,
    Answer,
    AuditScore,
    QuestionResult,
    answer_errors,
    question_score,
    score_audit,
    submit_errors,
    visible_questions,
)

EXACT = {"rel": 1e-12, "abs": 1e-12}
NOT_SCORED = QuestionResult(score=None, earned=None, possible=None)

OPTIONS = [
    {"key": "good", "label": "Good", "score": 1},
    {"key": "fair", "label": "Fair", "score": 0.6},
    {"key": "poor", "label": "Poor", "score": 0},
]
SECONDS_BANDS = [{"max": 30, "score": 1}, {"max": 60, "score": 0.5}, {"max": None, "score": 0}]
TYPE_SETTINGS = {
    "yes_no": {"pass_on": True},
    "scale": {"min": 1, "max": 5},
    "choice": {"options": OPTIONS},
    "numeric": {"unit": "s", "bands": SECONDS_BANDS},
    "text": {},
}


def q(key, type_="yes_no", **overrides):
    """Build a normalised question with every default filled in."""
    question = {
        "key": key,
        "text": key.replace("_", " "),
        "help": "",
        "type": type_,
        "weight": 1,
        "critical": False,
        "allow_na": False,
        "photo": "none",
        "show_if": None,
        **copy.deepcopy(TYPE_SETTINGS.get(type_, {})),
    }
    question.update(overrides)
    return question


def sec(key, *questions, weight=1, phase="visit"):
    """Build a normalised section."""
    return {
        "key": key,
        "title": key,
        "weight": weight,
        "phase": phase,
        "questions": list(questions),
    }


def checklist(*sections):
    """Build a normalised checklist definition."""
    return {
        "key": "test",
        "title": "Test",
        "follow_up_days": 14,
        "action_threshold": 60,
        "sections": list(sections),
    }


def answers(**values):
    """Answers by key: a plain value, or NA for an N/A answer."""
    return {
        key: value if isinstance(value, Answer) else Answer(value) for key, value in values.items()
    }


NA = Answer(na=True)
TWO_BANDS = [{"max": 2.5, "score": 0.2}, {"max": None, "score": 0.9}]


# --- question scores -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("question", "value", "expected"),
    [
        (q("a"), True, 1.0),
        (q("a"), False, 0.0),
        (q("a", pass_on=False), True, 0.0),
        (q("a", pass_on=False), False, 1.0),
        (q("a", "scale"), 1, 0.0),
        (q("a", "scale"), 2, 0.25),
        (q("a", "scale"), 4, 0.75),
        (q("a", "scale"), 5, 1.0),
        (q("a", "scale", min=0, max=10), 0, 0.0),
        (q("a", "scale", min=0, max=10), 7, 0.7),
        (q("a", "scale", min=0, max=10), 10, 1.0),
        (q("a", "scale", min=-2, max=2), -1, 0.25),
        (q("a", "scale", min=3, max=6), 4, 1 / 3),
        (q("a", "choice"), "good", 1.0),
        (q("a", "choice"), "fair", 0.6),
        (q("a", "choice"), "poor", 0.0),
        (q("a", "numeric"), -5, 1.0),
        (q("a", "numeric"), 0, 1.0),
        (q("a", "numeric"), 29.9, 1.0),
        (q("a", "numeric"), 30, 1.0),
        (q("a", "numeric"), 30.0, 1.0),
        (q("a", "numeric"), 30.0001, 0.5),
        (q("a", "numeric"), 60, 0.5),
        (q("a", "numeric"), 61, 0.0),
        (q("a", "numeric"), 1e300, 0.0),
        (q("a", "numeric"), 10**400, 0.0),
        (q("a", "numeric", bands=TWO_BANDS), 2.5, 0.2),
        (q("a", "numeric", bands=TWO_BANDS), 2.5000001, 0.9),
        (q("a", "numeric", bands=TWO_BANDS), 3, 0.9),
        (q("a", "numeric", bands=[{"max": None, "score": 0.75}]), -1e9, 0.75),
        (q("a", "text"), "friendly staff", None),
        (q("a", "text"), "", None),
        (q("a"), None, None),
        (q("a", "scale"), None, None),
    ],
)
def test_question_score(question, value, expected):
    score = question_score(question, value)
    if expected is None:
        assert score is None
    else:
        assert score == pytest.approx(expected, **EXACT)
        assert isinstance(score, float)


INVALID_VALUES = [
    (q("a"), 1, "must be true or false"),
    (q("a"), "yes", "must be true or false"),
    (q("a", "scale"), 0, "must be a whole number from 1 to 5"),
    (q("a", "scale"), 6, "must be a whole number from 1 to 5"),
    (q("a", "scale"), 3.0, "must be a whole number from 1 to 5"),
    (q("a", "scale"), True, "must be a whole number from 1 to 5"),
    (q("a", "scale"), "3", "must be a whole number from 1 to 5"),
    (q("a", "scale", min=0, max=10), 11, "must be a whole number from 0 to 10"),
    (q("a", "choice"), "great", "must be one of: good, fair, poor"),
    (q("a", "choice"), 1, "must be one of: good, fair, poor"),
    (q("a", "choice"), ["good"], "must be one of: good, fair, poor"),
    (q("a", "numeric"), True, "must be a number"),
    (q("a", "numeric"), "12", "must be a number"),
    (q("a", "numeric"), math.nan, "must be a finite number"),
    (q("a", "numeric"), math.inf, "must be a finite number"),
    (q("a", "numeric"), -math.inf, "must be a finite number"),
    (q("a", "text"), 12, "must be text"),
    (q("a", "bogus"), 12, "unknown question type 'bogus'"),
    # DESIGN §10.1: numeric bounds are inclusive; a value outside them is refused
    (q("a", "numeric", min=0, max=3600), -1, "must be from 0 to 3600 s"),
    (q("a", "numeric", min=0, max=3600), 3600.5, "must be from 0 to 3600 s"),
    (q("a", "numeric", min=0, max=3600), 10**400, "must be from 0 to 3600 s"),
    (q("a", "numeric", min=0, max=3600), math.nan, "must be a finite number"),
    (q("a", "numeric", min=20), 19.99, "must be at least 20 s"),
    (q("a", "numeric", max=140, unit=None), 141, "must be at most 140"),
    (q("a", "numeric", min=0, max=10), "5", "must be a number"),
]


@pytest.mark.parametrize(("question", "value", "message"), INVALID_VALUES)
def test_question_score_rejects_invalid_values(question, value, message):
    with pytest.raises(ValueError, match=r"^a: (must be|unknown)"):
        question_score(question, value)


# --- answer validation -----------------------------------------------------------------------


@pytest.mark.parametrize(("question", "value", "message"), INVALID_VALUES)
def test_answer_errors_invalid_values(question, value, message):
    assert answer_errors(question, Answer(value)) == [message]


@pytest.mark.parametrize(
    ("question", "answer", "expected"),
    [
        (q("a"), Answer(True), []),
        (q("a", pass_on=False), Answer(False), []),
        (q("a", "scale"), Answer(5), []),
        (q("a", "scale", min=-2, max=2), Answer(-2), []),
        (q("a", "choice"), Answer("fair"), []),
        (q("a", "numeric"), Answer(12), []),
        (q("a", "numeric"), Answer(-3.5), []),
        (q("a", "numeric", min=0, max=3600), Answer(0), []),
        (q("a", "numeric", min=0, max=3600), Answer(3600.0), []),
        (q("a", "numeric", min=20.5, max=20.5), Answer(20.5), []),
        (q("a", "numeric", min=0, max=10), Answer(-1, na=True), ["N/A is not allowed"]),
        (q("a", "text"), Answer("ok"), []),
        (q("a"), Answer(None), []),
        (q("a"), Answer(), []),
        (q("a", allow_na=True), NA, []),
        (q("a", allow_na=True), Answer("not even valid", na=True), []),
        (q("a"), NA, ["N/A is not allowed"]),
        (q("a", "scale"), Answer(99, na=True), ["N/A is not allowed"]),
        (q("a", "text"), NA, ["N/A is not allowed"]),
    ],
)
def test_answer_errors(question, answer, expected):
    assert answer_errors(question, answer) == expected


# --- section and overall scores --------------------------------------------------------------


@pytest.mark.parametrize(
    ("questions", "given", "expected"),
    [
        ([q("a"), q("b")], {"a": True, "b": False}, 50.0),
        ([q("a", weight=3), q("b")], {"a": True, "b": False}, 75.0),
        ([q("a", weight=3), q("b")], {"a": False, "b": True}, 25.0),
        ([q("a", weight=0.5), q("b", weight=1.5)], {"a": True, "b": False}, 25.0),
        ([q("a", "scale"), q("b", "choice", weight=2)], {"a": 2, "b": "fair"}, 100 * 1.45 / 3),
        ([q("a", "numeric", weight=2), q("b")], {"a": 45, "b": True}, 100 * 2 / 3),
        # A weight-0 question is excluded from the section, whatever its answer.
        ([q("a", weight=0), q("b")], {"a": False, "b": True}, 100.0),
        ([q("a", weight=0), q("b")], {"a": True, "b": False}, 0.0),
        ([q("a", weight=0)], {"a": True}, None),
        # N/A is excluded; a section with only N/A answers is not applicable.
        ([q("a", allow_na=True), q("b")], {"a": NA, "b": True}, 100.0),
        ([q("a", allow_na=True), q("b", allow_na=True)], {"a": NA, "b": NA}, None),
        # Text is never scored.
        ([q("a", "text"), q("b")], {"a": "noted", "b": False}, 0.0),
        ([q("a", "text")], {"a": "noted"}, None),
        # Unanswered questions are pending, not zero.
        ([q("a"), q("b")], {"a": True}, 100.0),
        ([q("a"), q("b")], {"a": True, "b": None}, 100.0),
        ([q("a"), q("b")], {}, None),
        ([], {}, None),
    ],
)
def test_section_score(questions, given, expected):
    result = score_audit(checklist(sec("s", *questions)), answers(**given))
    if expected is None:
        assert result.sections == {"s": None}
        assert result.overall is None
    else:
        assert result.sections["s"] == pytest.approx(expected, **EXACT)
        assert result.overall == pytest.approx(expected, **EXACT)


@pytest.mark.parametrize(
    ("weights", "given", "expected"),
    [
        ((1, 1), {"a": True, "b": False}, 50.0),
        ((3, 1), {"a": True, "b": False}, 75.0),
        ((20, 15), {"a": False, "b": True}, 100 * 15 / 35),
        ((0.25, 0.75), {"a": True, "b": False}, 25.0),
        # A section with nothing to score (N/A, pending) drops out of the overall.
        ((3, 1), {"a": NA, "b": False}, 0.0),
        ((3, 1), {"a": True}, 100.0),
        ((3, 1), {"a": NA, "b": NA}, None),
        ((3, 1), {}, None),
    ],
)
def test_overall_weights_sections(weights, given, expected):
    definition = checklist(
        sec("one", q("a", allow_na=True), weight=weights[0]),
        sec("two", q("b", allow_na=True), weight=weights[1]),
    )
    result = score_audit(definition, answers(**given))
    if expected is None:
        assert result.overall is None
    else:
        assert result.overall == pytest.approx(expected, **EXACT)


@pytest.mark.parametrize(
    ("question_weight", "section_weights"),
    [
        # Naive float arithmetic gives 100.00000000000001 for these weights.
        (3.7444570746568044, (1, 1, 1)),
        (1, (19.6, 23.7, 2.9)),
    ],
)
def test_a_perfect_audit_scores_exactly_100(question_weight, section_weights):
    definition = checklist(
        *(
            sec(f"s{i}", q(f"q{i}", weight=question_weight), weight=w)
            for i, w in enumerate(section_weights)
        )
    )
    given = {key: Answer(True) for key in visible_questions(definition, {})}
    result = score_audit(definition, given)
    assert set(result.sections.values()) == {100.0}
    assert result.overall == 100.0


def test_question_results_carry_earned_and_possible():
    definition = checklist(
        sec("s", q("a", "scale", weight=2), q("b", weight=0), q("c", allow_na=True), q("d")),
        sec("t", q("e", "text"), q("f", show_if={"question": "d", "equals": True})),
    )
    result = score_audit(definition, answers(a=4, b=True, c=NA, e="hi", f=True, zzz=True))
    assert result.questions == {
        "a": QuestionResult(score=0.75, earned=1.5, possible=2.0),
        "b": QuestionResult(score=1.0, earned=0.0, possible=0.0),
        "c": NOT_SCORED,  # N/A
        "d": NOT_SCORED,  # pending
        "e": NOT_SCORED,  # text
        "f": NOT_SCORED,  # hidden
    }
    assert result.sections == {"s": 75.0, "t": None}


def test_answers_for_unknown_keys_are_ignored():
    definition = checklist(sec("s", q("a")))
    result = score_audit(definition, answers(a=True, ghost=False, other="junk"))
    assert result == AuditScore(
        overall=100.0,
        sections={"s": 100.0},
        critical_failed=False,
        questions={"a": QuestionResult(1.0, 1.0, 1.0)},
    )


def test_score_audit_rejects_an_invalid_visible_value():
    with pytest.raises(ValueError, match="a: must be true or false"):
        score_audit(checklist(sec("s", q("a"))), answers(a="yes"))


@pytest.mark.parametrize(
    ("given", "expected_sections", "expected_overall"),
    [
        # Post-visit questions are pending until answered, and excluded meanwhile.
        ({"a": True}, {"visit": 100.0, "after": None}, 100.0),
        ({"a": True, "b": None, "c": None}, {"visit": 100.0, "after": None}, 100.0),
        ({"a": True, "b": False}, {"visit": 100.0, "after": 0.0}, 75.0),
        ({"a": True, "c": 4}, {"visit": 100.0, "after": 50.0}, 87.5),
        ({"a": True, "b": True, "c": 3}, {"visit": 100.0, "after": 75.0}, 93.75),
    ],
)
def test_pending_post_visit_questions_are_excluded(given, expected_sections, expected_overall):
    definition = checklist(
        sec("visit", q("a"), weight=3),
        sec("after", q("b", weight=3), q("c", "scale", min=3, max=5), phase="post_visit"),
    )
    result = score_audit(definition, answers(**given))
    assert result.sections == expected_sections
    assert result.overall == expected_overall


# --- show_if ---------------------------------------------------------------------------------


SHOW_IF_CHAIN = checklist(
    sec(
        "s",
        q("bought", allow_na=True),
        q("receipt", show_if={"question": "bought", "equals": True}),
        q("how", "choice", show_if={"question": "receipt", "equals": False}),
        q("tidy", "scale"),
    )
)


@pytest.mark.parametrize(
    ("given", "visible"),
    [
        ({}, {"bought", "tidy"}),
        ({"bought": True}, {"bought", "receipt", "tidy"}),
        ({"bought": False, "receipt": False}, {"bought", "tidy"}),
        ({"bought": NA}, {"bought", "tidy"}),
        ({"bought": Answer(True, na=True)}, {"bought", "tidy"}),
        ({"bought": None}, {"bought", "tidy"}),
        ({"bought": True, "receipt": False}, {"bought", "receipt", "how", "tidy"}),
        ({"bought": True, "receipt": True}, {"bought", "receipt", "tidy"}),
        # Chained: "how" hangs on "receipt", which is hidden again once "bought" is false.
        ({"bought": False, "receipt": False, "how": "good"}, {"bought", "tidy"}),
        # JSON equality: true does not equal 1.
        ({"bought": 1}, {"bought", "tidy"}),
    ],
)
def test_visible_questions(given, visible):
    assert visible_questions(SHOW_IF_CHAIN, answers(**given)) == visible


@pytest.mark.parametrize(
    ("show_if", "value", "shown"),
    [
        ({"question": "a", "equals": 3}, 3, True),
        ({"question": "a", "equals": 3}, 4, False),
        ({"question": "a", "equals": 1}, 1, True),
        ({"question": "a", "equals": True}, 1, False),
    ],
)
def test_show_if_compares_values_as_json(show_if, value, shown):
    definition = checklist(sec("s", q("a", "scale"), q("b", show_if=show_if)))
    assert ("b" in visible_questions(definition, answers(a=value))) is shown


def test_hidden_answered_questions_are_neither_scored_nor_required():
    given = answers(bought=False, receipt=False, how="poor", tidy=5)
    result = score_audit(SHOW_IF_CHAIN, given)
    assert result.questions["receipt"] == NOT_SCORED
    assert result.questions["how"] == NOT_SCORED
    assert result.sections["s"] == pytest.approx(50.0, **EXACT)
    assert submit_errors(SHOW_IF_CHAIN, given, {}) == {}


def test_revealed_questions_are_scored_and_required():
    given = answers(bought=True, receipt=False, tidy=5)
    assert submit_errors(SHOW_IF_CHAIN, given, {}) == {"how": ["answer required"]}
    result = score_audit(SHOW_IF_CHAIN, answers(bought=True, receipt=False, how="fair", tidy=5))
    assert result.sections["s"] == pytest.approx(100 * 2.6 / 4, **EXACT)


# --- critical failure ------------------------------------------------------------------------


def critical_definition(critical, *, weight=1, show_if=None, phase="visit"):
    """Two sections; section "b" holds the question `c`, made from `critical`."""
    return checklist(
        sec("a", q("x"), q("y"), weight=2),
        sec("b", q("z"), {**critical, "weight": weight, "show_if": show_if}, phase=phase),
    )


@pytest.mark.parametrize(
    ("critical", "options", "given", "failed", "b_score", "overall"),
    [
        (q("c", critical=True), {}, {"c": True}, False, 100.0, 200 / 3),
        (q("c", critical=True), {}, {"c": False}, True, 50.0, 0.0),
        (q("c", critical=True, pass_on=False), {}, {"c": True}, True, 50.0, 0.0),
        (q("c", "scale", critical=True), {}, {"c": 1}, True, 50.0, 0.0),
        (q("c", "scale", critical=True), {}, {"c": 2}, False, 62.5, 162.5 / 3),
        (q("c", "choice", critical=True), {}, {"c": "poor"}, True, 50.0, 0.0),
        (q("c", "numeric", critical=True), {}, {"c": 90}, True, 50.0, 0.0),
        # Weight 0 still fails: criticality does not depend on points.
        (q("c", critical=True), {"weight": 0}, {"c": False}, True, 100.0, 0.0),
        # N/A, hidden and pending critical questions are not failures.
        (q("c", critical=True, allow_na=True), {}, {"c": NA}, False, 100.0, 200 / 3),
        (q("c", critical=True), {"show_if": {"question": "z", "equals": False}}, {"c": False},
         False, 100.0, 200 / 3),
        (q("c", critical=True), {}, {}, False, 100.0, 200 / 3),
        (q("c", critical=True), {"phase": "post_visit"}, {}, False, 100.0, 200 / 3),
        (q("c", critical=True), {"phase": "post_visit"}, {"c": False}, True, 50.0, 0.0),
        (q("c", critical=False), {}, {"c": False}, False, 50.0, 50.0),
    ],
)  # fmt: skip
def test_critical_failure(critical, options, given, failed, b_score, overall):
    definition = critical_definition(critical, **options)
    result = score_audit(definition, answers(x=True, y=False, z=True, **given))
    assert result.critical_failed is failed
    assert result.sections["a"] == 50.0  # untouched by the failure
    assert result.sections["b"] == pytest.approx(b_score, **EXACT)
    assert result.overall == pytest.approx(overall, **EXACT)


def test_critical_failure_zeroes_an_otherwise_inapplicable_overall():
    definition = checklist(sec("s", q("c", critical=True, weight=0)))
    result = score_audit(definition, answers(c=False))
    assert result.sections == {"s": None}
    assert result.critical_failed is True
    assert result.overall == 0.0


# --- submission ------------------------------------------------------------------------------


SUBMIT_DEFINITION = checklist(
    sec(
        "visit",
        q("greeted"),
        q("floor", photo="required"),
        q("music", "numeric", allow_na=True, photo="optional"),
        q("remarks", "text"),
        q("remarks_photo", "text", photo="required"),
        q("follow", show_if={"question": "greeted", "equals": False}, photo="required"),
    ),
    sec("after", q("called"), q("call_photo", "scale", photo="required"), phase="post_visit"),
)
COMPLETE = {"greeted": True, "floor": True, "music": 60.5}
PHOTOS = {"floor": 1, "remarks_photo": 2}


@pytest.mark.parametrize(
    ("changes", "photos", "expected"),
    [
        ({}, PHOTOS, {}),
        ({"music": NA, "remarks": "fine", "called": False, "call_photo": 5}, PHOTOS, {}),
        ({"greeted": None}, PHOTOS, {"greeted": ["answer required"]}),
        ({"greeted": Answer()}, PHOTOS, {"greeted": ["answer required"]}),
        ({"music": None}, PHOTOS, {"music": ["answer required"]}),
        ({"greeted": NA}, PHOTOS, {"greeted": ["N/A is not allowed"]}),
        ({"greeted": "yes"}, PHOTOS, {"greeted": ["must be true or false"]}),
        ({"music": math.inf}, PHOTOS, {"music": ["must be a finite number"]}),
        ({"remarks": 3}, PHOTOS, {"remarks": ["must be text"]}),
        ({}, {"remarks_photo": 1}, {"floor": ["photo required"]}),
        ({}, {"floor": 0, "remarks_photo": 1}, {"floor": ["photo required"]}),
        ({}, {"floor": 1}, {"remarks_photo": ["photo required"]}),
        ({"floor": None}, {}, {
            "floor": ["answer required", "photo required"],
            "remarks_photo": ["photo required"],
        }),
        # A revealed question is required, with its photo.
        ({"greeted": False}, PHOTOS, {"follow": ["answer required", "photo required"]}),
        ({"greeted": False, "follow": True}, PHOTOS | {"follow": 1}, {}),
        # Post-visit questions may be pending, but a given answer must be valid.
        ({"called": "no"}, PHOTOS, {"called": ["must be true or false"]}),
        ({"call_photo": 9}, PHOTOS, {"call_photo": ["must be a whole number from 1 to 5"]}),
        ({"called": NA}, PHOTOS, {"called": ["N/A is not allowed"]}),
        # Answers for hidden or unknown questions are not checked.
        ({"follow": "junk", "ghost": "junk"}, PHOTOS, {}),
    ],
)  # fmt: skip
def test_submit_errors(changes, photos, expected):
    assert submit_errors(SUBMIT_DEFINITION, answers(**(COMPLETE | changes)), photos) == expected


def test_submit_errors_on_an_empty_audit():
    assert submit_errors(SUBMIT_DEFINITION, {}, {}) == {
        "greeted": ["answer required"],
        "floor": ["answer required", "photo required"],
        "music": ["answer required"],
        "remarks_photo": ["photo required"],
    }


# --- the shipped store-visit checklist (DESIGN §6), computed by hand --------------------------


def bands(*pairs):
    """Numeric bands from (max, score) pairs, closed by an open band scoring 0."""
    return [{"max": m, "score": s} for m, s in pairs] + [{"max": None, "score": 0}]


STORE_VISIT = {
    "key": "store-visit",
    "title": "Store visit",
    "follow_up_days": 14,
    "action_threshold": 60,
    "sections": [
        sec(
            "greeting",
            q("greet_seconds", "numeric", weight=2, bands=bands((30, 1), (60, 0.5))),
            q("welcome"),
            q("eye_contact_smile"),
            q("thanked_goodbye"),
            weight=20,
        ),
        sec(
            "music",
            q("music_db", "numeric", unit="dB", bands=bands((65, 1), (75, 0.5)), photo="optional"),
            q("raised_voice", pass_on=False, critical=True),
            weight=15,
        ),
        sec(
            "layout",
            q("departments_separated", photo="required"),
            q("found_item", "scale"),
            q("aisles_tidy", "scale"),
            weight=20,
        ),
        sec(
            "knowledge",
            q("knew_product", "scale"),
            q("no_excuses", critical=True),
            q("first_person_solved"),
            q("polite_informed", "scale"),
            weight=25,
        ),
        sec(
            "follow_through",
            q("feedback_asked", allow_na=True),
            q("manager_hours", "numeric", unit="h", bands=bands((24, 1), (72, 0.5)), allow_na=True),
            q("apology", allow_na=True),
            q("billing_courteous", "scale", allow_na=True),
            weight=20,
            phase="post_visit",
        ),
    ],
}
STORE_VISIT_ANSWERS = {
    "greet_seconds": 45,  # 0.5 x weight 2
    "welcome": True,
    "eye_contact_smile": False,
    "thanked_goodbye": True,  # greeting: 100 * 3 / 5 = 60
    "music_db": 70,  # 0.5
    "raised_voice": False,  # pass_on false: 1; music: 100 * 1.5 / 2 = 75
    "departments_separated": True,
    "found_item": 4,  # 0.75
    "aisles_tidy": 3,  # 0.5; layout: 100 * 2.25 / 3 = 75
    "knew_product": 5,
    "no_excuses": True,
    "first_person_solved": False,
    "polite_informed": 4,  # knowledge: 100 * 2.75 / 4 = 68.75
}
STORE_VISIT_FOLLOW_UP = {
    "feedback_asked": True,
    "manager_hours": NA,
    "apology": NA,
    "billing_courteous": 2,  # 0.25; follow-through: 100 * 1.25 / 2 = 62.5
}
VISIT_SECTIONS = {"greeting": 60.0, "music": 75.0, "layout": 75.0, "knowledge": 68.75}


@pytest.mark.parametrize(
    ("changes", "sections", "overall", "failed"),
    [
        # Submitted, follow-through pending: (1200 + 1125 + 1500 + 1718.75) / 80.
        ({}, VISIT_SECTIONS | {"follow_through": None}, 69.296875, False),
        # Follow-through recorded: (1200 + 1125 + 1500 + 1718.75 + 1250) / 100.
        (STORE_VISIT_FOLLOW_UP, VISIT_SECTIONS | {"follow_through": 62.5}, 67.9375, False),
        # Had to raise one's voice: critical failure, sections as computed.
        ({"raised_voice": True}, VISIT_SECTIONS | {"music": 25.0, "follow_through": None}, 0.0,
         True),
        # A slow greeting and a quiet floor: greeting 100 * 3 / 5 = 60 -> 100 * 2 / 5 = 40,
        # music 100 * 2 / 2 = 100: (800 + 1500 + 1500 + 1718.75) / 80.
        ({"greet_seconds": 61, "music_db": 65}, VISIT_SECTIONS | {"greeting": 40.0, "music": 100.0,
         "follow_through": None}, 5518.75 / 80, False),
    ],
)  # fmt: skip
def test_store_visit_hand_computed(changes, sections, overall, failed):
    result = score_audit(STORE_VISIT, answers(**(STORE_VISIT_ANSWERS | changes)))
    # Every expected figure is a binary fraction, so the floats must match exactly.
    assert result.sections == sections
    assert result.overall == overall
    assert result.critical_failed is failed


def test_store_visit_submit_needs_the_floor_photo_only():
    given = answers(**STORE_VISIT_ANSWERS)
    assert submit_errors(STORE_VISIT, given, {}) == {"departments_separated": ["photo required"]}
    assert submit_errors(STORE_VISIT, given, {"departments_separated": 1}) == {}


# --- properties ------------------------------------------------------------------------------

PROPERTY_SETTINGS = settings(max_examples=200, deadline=None)
WEIGHTS = st.one_of(st.just(0), st.integers(1, 5), st.floats(0.01, 10))
SCORES = st.one_of(st.sampled_from([0, 0.5, 1]), st.floats(0, 1))


@st.composite
def type_settings(draw, type_):
    """Draw the settings of one question type."""
    if type_ == "yes_no":
        return {"pass_on": draw(st.booleans())}
    if type_ == "scale":
        low = draw(st.integers(-3, 3))
        return {"min": low, "max": low + draw(st.integers(1, 6))}
    if type_ == "choice":
        scores = draw(st.lists(SCORES, min_size=1, max_size=4))
        options = [{"key": f"o{i}", "label": f"O{i}", "score": s} for i, s in enumerate(scores)]
        return {"options": options}
    if type_ == "numeric":
        maxes = [*sorted(draw(st.sets(st.integers(-50, 150), max_size=3))), None]
        scores = draw(st.lists(SCORES, min_size=len(maxes), max_size=len(maxes)))
        bands = [{"max": m, "score": s} for m, s in zip(maxes, scores, strict=True)]
        return {"unit": None, "bands": bands}
    return {}


def values_of(question):
    """A strategy for valid values of a question."""
    type_ = question["type"]
    if type_ == "yes_no":
        return st.booleans()
    if type_ == "scale":
        return st.integers(question["min"], question["max"])
    if type_ == "choice":
        return st.sampled_from([option["key"] for option in question["options"]])
    if type_ == "numeric":
        return st.one_of(st.integers(-100, 200), st.floats(-100, 200))
    return st.text(max_size=3)


@st.composite
def questions(draw, key, earlier):
    """Draw a normalised question, maybe shown only after one of the earlier questions."""
    type_ = draw(st.sampled_from(["yes_no", "yes_no", "scale", "choice", "numeric", "text"]))
    question = q(key, type_, **draw(type_settings(type_)))
    question["weight"] = draw(WEIGHTS)
    question["critical"] = draw(st.booleans()) and draw(st.booleans())
    question["allow_na"] = draw(st.booleans())
    question["photo"] = draw(st.sampled_from(["none", "optional", "required"]))
    if earlier and draw(st.integers(0, 3)) == 0:
        shown_after = draw(st.sampled_from(earlier))
        equals = draw(values_of(shown_after))
        question["show_if"] = {"question": shown_after["key"], "equals": equals}
    return question


@st.composite
def definitions(draw):
    """Draw a valid normalised checklist definition."""
    sections, earlier = [], []
    for s in range(draw(st.integers(1, 4))):
        section_questions = []
        for _ in range(draw(st.integers(0, 4))):
            question = draw(questions(f"q{len(earlier)}", earlier))
            section_questions.append(question)
            earlier.append(question)
        weight = draw(st.one_of(st.integers(1, 30), st.floats(0.01, 50)))
        phase = draw(st.sampled_from(["visit", "visit", "post_visit"]))
        sections.append(sec(f"s{s}", *section_questions, weight=weight, phase=phase))
    return checklist(*sections)


@st.composite
def answer_sets(draw, definition):
    """Draw answers: each question missing, empty, N/A or answered with a valid value."""
    given = {}
    for section in definition["sections"]:
        for question in section["questions"]:
            kind = draw(st.sampled_from(["missing", "empty", "na", "value", "value", "value"]))
            if kind == "empty":
                given[question["key"]] = Answer()
            elif kind == "na":
                given[question["key"]] = Answer(na=True)
            elif kind == "value":
                given[question["key"]] = Answer(draw(values_of(question)))
    return given


@st.composite
def audits(draw):
    """Draw a definition and a set of answers to it."""
    definition = draw(definitions())
    return definition, draw(answer_sets(definition))


def all_questions(definition):
    """Every question of a definition with the key of its section."""
    return [(s["key"], question) for s in definition["sections"] for question in s["questions"]]


def independent_questions(definition):
    """Questions that no show_if refers to, so changing them changes no visibility."""
    referenced = {question["show_if"]["question"] for _, question in all_questions(definition)
                  if question["show_if"]}  # fmt: skip
    return [(s, question) for s, question in all_questions(definition)
            if question["key"] not in referenced]  # fmt: skip


@PROPERTY_SETTINGS
@given(audits())
def test_scores_stay_in_range(audit):
    definition, given_answers = audit
    result = score_audit(definition, given_answers)
    assert set(result.sections) == {s["key"] for s in definition["sections"]}
    assert set(result.questions) == {question["key"] for _, question in all_questions(definition)}
    for score in [result.overall, *result.sections.values()]:
        assert score is None or 0 <= score <= 100
    for outcome in result.questions.values():
        assert outcome.score is None or 0 <= outcome.score <= 1
        assert outcome.earned is None or 0 <= outcome.earned <= outcome.possible
    if result.critical_failed:
        assert result.overall == 0.0


@PROPERTY_SETTINGS
@given(audits(), st.data())
def test_na_in_one_section_leaves_other_sections_alone(audit, data):
    definition, given_answers = audit
    candidates = independent_questions(definition)
    assume(candidates)
    section_key, question = data.draw(st.sampled_from(candidates))
    before = score_audit(definition, given_answers)
    after = score_audit(definition, given_answers | {question["key"]: Answer(na=True)})
    for key, score in before.sections.items():
        if key != section_key:
            assert after.sections[key] == score


@PROPERTY_SETTINGS
@given(audits(), st.data())
def test_a_better_answer_never_lowers_a_score(audit, data):
    definition, given_answers = audit
    candidates = [(s, question) for s, question in independent_questions(definition)
                  if question["type"] in SCORED_TYPES and not question["critical"]]  # fmt: skip
    assume(candidates)
    section_key, question = data.draw(st.sampled_from(candidates))
    values = [data.draw(values_of(question)) for _ in range(2)]
    worse, better = sorted(values, key=lambda value: question_score(question, value))
    low = score_audit(definition, given_answers | {question["key"]: Answer(worse)})
    high = score_audit(definition, given_answers | {question["key"]: Answer(better)})
    assert (low.overall is None) == (high.overall is None)
    if low.overall is not None:
        assert high.overall >= low.overall
    if low.sections[section_key] is not None:
        assert high.sections[section_key] >= low.sections[section_key]


def test_a_memo_kept_across_audits_changes_no_score():
    """What-if scores thousands of audits under one definition with a memo of question
    results: the same scores as without, and a value's type still counts (true is not 1)."""
    definition = checklist(
        sec("s", q("yes", "yes_no"), q("scale", "scale"), q("seconds", "numeric", allow_na=True))
    )
    memo: dict = {}
    cases = [
        {"yes": Answer(True), "scale": Answer(3), "seconds": Answer(25)},
        {"yes": Answer(False), "scale": Answer(5), "seconds": Answer(45.0)},
        {"yes": Answer(True), "scale": Answer(1), "seconds": Answer(None, na=True)},
        {"yes": Answer(True), "scale": Answer(3), "seconds": Answer(25)},
    ]
    for answers in cases:
        assert score_audit(definition, answers, memo=memo) == score_audit(definition, answers)
    assert memo  # it was used
    with pytest.raises(ValueError, match="whole number"):
        score_audit(definition, {"scale": Answer(3.0)}, memo=memo)  # 3 was remembered, not 3.0
    with pytest.raises(ValueError, match="true or false"):
        score_audit(definition, {"yes": Answer(1)}, memo=memo)  # nor true for 1
