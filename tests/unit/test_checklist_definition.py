"""The checklist definition schema and the shipped default checklist."""

import copy
import json

import pytest
from marshmallow import ValidationError

from auditor.checklists.definition import (
    DEFAULT_CHECKLIST_DIR,
    SLUG_MESSAGE,
    dump_definition,
    load_definition,
)

STORE_VISIT_KEYS = [
    ("greeting", ["greet_seconds", "welcome", "eye_contact", "thanked_goodbye"]),
    ("music", ["music_db", "raised_voice"]),
    ("layout", ["departments_separated", "found_without_help", "tidy"]),
    (
        "knowledge",
        ["product_knowledge", "no_brush_off", "first_contact_resolution", "polite_informed"],
    ),
    (
        "follow_through",
        [
            "feedback_requested",
            "manager_response_hours",
            "apology_accommodation",
            "billing_courteous",
        ],
    ),
]

# The example definition of DESIGN §6, verbatim.
DESIGN_EXAMPLE = json.loads("""
{"key": "store-visit", "title": "Store visit", "follow_up_days": 14,
 "action_threshold": 60,
 "sections": [{"key": "greeting", "title": "Greeting", "weight": 20,
   "phase": "visit",
   "questions": [{"key": "greet_seconds", "text": "Seconds until greeted",
     "type": "numeric", "unit": "s", "weight": 2, "critical": false,
     "allow_na": false, "photo": "none",
     "bands": [{"max": 30, "score": 1}, {"max": 60, "score": 0.5},
               {"max": null, "score": 0}]}]}]}
""")


def shipped() -> dict:
    """The store-visit checklist as shipped, parsed but not validated."""
    path = DEFAULT_CHECKLIST_DIR / "store-visit.json"
    return json.loads(path.read_text(encoding="utf-8"))


def minimal() -> dict:
    """A small valid definition with one question of every type."""
    return {
        "key": "mini",
        "title": "Mini",
        "sections": [
            {
                "key": "one",
                "title": "One",
                "questions": [
                    {"key": "q_yes", "text": "Yes?", "type": "yes_no"},
                    {"key": "q_scale", "text": "How much?", "type": "scale"},
                    {
                        "key": "q_choice",
                        "text": "Which?",
                        "type": "choice",
                        "options": [
                            {"key": "good", "label": "Good", "score": 1},
                            {"key": "bad", "label": "Bad", "score": 0},
                        ],
                    },
                ],
            },
            {
                "key": "two",
                "title": "Two",
                "questions": [
                    {
                        "key": "q_num",
                        "text": "How many?",
                        "type": "numeric",
                        "bands": [{"max": 10, "score": 1}, {"max": None, "score": 0}],
                    },
                    {"key": "q_text", "text": "Anything else?", "type": "text"},
                ],
            },
        ],
    }


def q(definition: dict, section: int, question: int) -> dict:
    """A question of a definition, to mutate in a test case."""
    return definition["sections"][section]["questions"][question]


def nest(path: tuple, messages: list[str]) -> dict:
    """The error dict marshmallow gives for `messages` at `path`."""
    errors: object = messages
    for step in reversed(path):
        errors = {step: errors}
    return errors


# --- the shipped checklist -------------------------------------------------------------


def test_shipped_checklist_is_already_normalised():
    data = shipped()
    loaded = load_definition(copy.deepcopy(data))
    assert loaded == data
    assert list(loaded) == list(data)  # key order too, so an export reads like the file


def test_shipped_checklist_round_trips():
    loaded = load_definition(shipped())
    assert dump_definition(loaded) == loaded
    assert load_definition(dump_definition(loaded)) == loaded


def test_shipped_checklist_matches_design():
    d = load_definition(shipped())
    assert (d["key"], d["title"], d["follow_up_days"], d["action_threshold"]) == (
        "store-visit",
        "Store visit",
        14,
        60,
    )
    keys = [(s["key"], [q["key"] for q in s["questions"]]) for s in d["sections"]]
    assert keys == STORE_VISIT_KEYS
    assert [s["weight"] for s in d["sections"]] == [20, 15, 20, 25, 20]
    assert [s["phase"] for s in d["sections"]] == ["visit"] * 4 + ["post_visit"]
    questions = {q["key"]: q for s in d["sections"] for q in s["questions"]}
    assert all(q["help"] for q in questions.values())
    assert {k for k, q in questions.items() if q["weight"] != 1} == {"greet_seconds"}
    assert {k for k, q in questions.items() if q["critical"]} == {"raised_voice", "no_brush_off"}
    assert questions["raised_voice"]["pass_on"] is False
    assert (questions["music_db"]["photo"], questions["tidy"]["photo"]) == ("optional", "required")
    follow_through = d["sections"][4]["questions"]
    assert all(q["allow_na"] for q in follow_through)
    assert not any(q["allow_na"] for s in d["sections"][:4] for q in s["questions"])


@pytest.mark.parametrize(
    ("key", "unit", "limits"),
    [("greet_seconds", "s", (30, 60)), ("music_db", "dB", (65, 75)),
     ("manager_response_hours", "h", (24, 72))],
)  # fmt: skip
def test_shipped_numeric_bands(key, unit, limits):
    d = load_definition(shipped())
    question = next(q for s in d["sections"] for q in s["questions"] if q["key"] == key)
    assert question["unit"] == unit
    assert question["bands"] == [
        {"max": limits[0], "score": 1},
        {"max": limits[1], "score": 0.5},
        {"max": None, "score": 0},
    ]


def test_design_example_loads_as_the_shipped_greet_seconds():
    loaded = load_definition(DESIGN_EXAMPLE)
    ours = load_definition(shipped())
    example_q = loaded["sections"][0]["questions"][0]
    # the shipped question adds the bounds of DESIGN §10.1 and a help text to the example
    shipped_q = dict(ours["sections"][0]["questions"][0], help="")
    assert (shipped_q.pop("min"), shipped_q.pop("max")) == (0, 3600)
    assert example_q == shipped_q
    assert list(example_q) == list(shipped_q)


# --- normalisation -----------------------------------------------------------------------


def test_defaults_are_filled():
    d = load_definition(minimal())
    assert (d["description"], d["follow_up_days"], d["action_threshold"]) == ("", 14, 60)
    assert [(s["weight"], s["phase"]) for s in d["sections"]] == [(1, "visit"), (1, "visit")]
    common = {
        "help": "",
        "weight": 1,
        "critical": False,
        "allow_na": False,
        "photo": "none",
        "show_if": None,
    }
    for section in d["sections"]:
        for question in section["questions"]:
            assert {k: question[k] for k in common} == common


@pytest.mark.parametrize(
    ("section", "index", "settings"),
    [
        (0, 0, {"pass_on": True}),
        (0, 1, {"min": 1, "max": 5}),
        (0, 2, {"options": minimal()["sections"][0]["questions"][2]["options"]}),
        (1, 0, {"unit": None, "bands": [{"max": 10, "score": 1}, {"max": None, "score": 0}]}),
        (1, 1, {}),
    ],
)
def test_only_and_all_settings_of_the_type(section, index, settings):
    question = load_definition(minimal())["sections"][section]["questions"][index]
    common = {"key", "text", "help", "type", "weight", "critical", "allow_na", "photo", "show_if"}
    assert set(question) == common | set(settings)
    assert {k: question[k] for k in settings} == settings


def test_key_order_follows_the_design_example():
    question = load_definition(minimal())["sections"][1]["questions"][0]
    assert list(question) == [
        "key", "text", "help", "type", "unit", "weight", "critical", "allow_na", "photo",
        "show_if", "bands",
    ]  # fmt: skip


def test_given_values_are_kept_and_round_trip():
    data = minimal()
    data["description"] = "About"
    data["sections"][1].update(weight=2.5, phase="post_visit")
    q(data, 0, 0).update(pass_on=False, critical=True, allow_na=True, photo="required")
    q(data, 0, 1).update(min=0, max=10, weight=0, show_if={"question": "q_yes", "equals": True})
    q(data, 1, 0).update(unit="dB", show_if={"question": "q_choice", "equals": "good"})
    loaded = load_definition(data)
    assert loaded["sections"][1]["weight"] == 2.5
    assert q(loaded, 0, 0)["pass_on"] is False
    assert (q(loaded, 0, 1)["min"], q(loaded, 0, 1)["max"]) == (0, 10)
    assert q(loaded, 1, 0)["show_if"] == {"question": "q_choice", "equals": "good"}
    assert dump_definition(loaded) == loaded
    assert load_definition(dump_definition(loaded)) == loaded


def test_numbers_keep_their_json_type():
    d = load_definition(minimal())
    assert isinstance(d["action_threshold"], int)
    assert isinstance(d["sections"][0]["weight"], int)
    assert json.dumps(dump_definition(d)["sections"][0]["weight"]) == "1"


def test_load_does_not_touch_its_input():
    data = minimal()
    before = copy.deepcopy(data)
    load_definition(data)
    assert data == before


# --- invalid definitions -----------------------------------------------------------------

DELETE = object()  # a change that removes the field
S0, S1 = "sections.0.questions", "sections.1.questions"  # prefixes of question paths
BAND_PATH = f"{S1}.0.bands"
BETWEEN_0_1 = "Must be greater than or equal to 0 and less than or equal to 1."
REQUIRED = "Missing data for required field."
UNKNOWN = "Unknown field."


def band_list(*maxes):
    """Bands with the given maxes (scores do not matter for these checks)."""
    return [{"max": value, "score": 0} for value in maxes]


def show_if(ref, equals=True):
    return {"question": ref, "equals": equals}


def case(name, changes, at, *messages):
    """An invalid definition: `changes` applied to minimal(), error `messages` at `at`."""
    return pytest.param(changes, at, list(messages), id=name)


def split_path(path: str) -> tuple:
    """ "sections.1.key" -> ("sections", 1, "key")."""
    return tuple(int(step) if step.isdigit() else step for step in path.split("."))


def apply(data: dict, path: str, value) -> None:
    *parents, last = split_path(path)
    node = data
    for step in parents:
        node = node[step]
    if value is DELETE:
        del node[last]
    else:
        node[last] = value


INVALID = [
    case("duplicate section key", {"sections.1.key": "one"}, "sections.1.key",
         "duplicate section key"),
    case("duplicate question key across sections", {f"{S1}.1.key": "q_yes"}, f"{S1}.1.key",
         "duplicate question key"),
    case("unsorted bands", {BAND_PATH: band_list(10, 5, None)}, BAND_PATH,
         "bands must be sorted by max"),
    case("equal band maxes", {BAND_PATH: band_list(5, 5, None)}, BAND_PATH,
         "bands must be sorted by max"),
    case("bands not ending with null", {BAND_PATH: band_list(10, 20)}, BAND_PATH,
         "the last band must have max null"),
    case("null band not last", {BAND_PATH: band_list(None, 10, None)}, BAND_PATH,
         "only the last band may have max null"),
    case("null band first, none last", {BAND_PATH: band_list(None, 10)}, BAND_PATH,
         "only the last band may have max null", "the last band must have max null"),
    case("band score above 1", {f"{BAND_PATH}.0.score": 2}, f"{BAND_PATH}.0.score", BETWEEN_0_1),
    case("band without max", {f"{BAND_PATH}.0.max": DELETE}, f"{BAND_PATH}.0.max", REQUIRED),
    case("numeric without bands", {BAND_PATH: DELETE}, BAND_PATH, REQUIRED),
    case("empty bands", {BAND_PATH: []}, BAND_PATH, "at least one band is needed"),
    case("unknown type", {f"{S0}.0.type": "yesno"}, f"{S0}.0.type",
         "Must be one of: yes_no, scale, choice, numeric, text."),
    case("missing type", {f"{S0}.0.type": DELETE}, f"{S0}.0.type", REQUIRED),
    case("negative question weight", {f"{S0}.0.weight": -1}, f"{S0}.0.weight",
         "Must be greater than or equal to 0 and less than or equal to 1000."),
    case("zero section weight", {"sections.0.weight": 0}, "sections.0.weight",
         "Must be greater than 0 and less than or equal to 1000."),
    case("negative section weight", {"sections.0.weight": -2}, "sections.0.weight",
         "Must be greater than 0 and less than or equal to 1000."),
    case("weight as a string", {"sections.0.weight": "20"}, "sections.0.weight",
         "Not a valid number."),
    case("weight as a boolean", {f"{S0}.0.weight": True}, f"{S0}.0.weight", "Not a valid number."),
    case("weight too large for a float", {f"{S0}.0.weight": 10**400}, f"{S0}.0.weight",
         "Not a valid number."),
    case("weight NaN", {f"{S0}.0.weight": float("nan")}, f"{S0}.0.weight", "Not a valid number."),
    case("unknown phase", {"sections.0.phase": "after"}, "sections.0.phase",
         "Must be one of: visit, post_visit."),
    case("unknown photo mode", {f"{S0}.0.photo": "yes"}, f"{S0}.0.photo",
         "Must be one of: none, optional, required."),
    case("critical as a string", {f"{S0}.0.critical": "yes"}, f"{S0}.0.critical",
         "Not a valid boolean."),
    case("show_if naming a missing question", {f"{S0}.1.show_if": show_if("nowhere")},
         f"{S0}.1.show_if", "unknown question 'nowhere'"),
    case("show_if naming itself", {f"{S0}.1.show_if": show_if("q_scale", 3)},
         f"{S0}.1.show_if", "cannot refer to the question itself"),
    case("show_if naming a later question", {f"{S0}.0.show_if": show_if("q_scale", 3)},
         f"{S0}.0.show_if", "must refer to an earlier question"),
    case("show_if naming a question of a later section", {f"{S0}.2.show_if": show_if("q_num", 3)},
         f"{S0}.2.show_if", "must refer to an earlier question"),
    case("show_if without equals", {f"{S0}.1.show_if": {"question": "q_yes"}},
         f"{S0}.1.show_if.equals", REQUIRED),
    case("show_if equals null", {f"{S0}.1.show_if": show_if("q_yes", None)},
         f"{S0}.1.show_if.equals", "Field may not be null."),
    case("show_if with an unknown field", {f"{S0}.1.show_if": {**show_if("q_yes"), "not": 1}},
         f"{S0}.1.show_if.not",
         UNKNOWN),
    case("show_if equals a string for a yes_no", {f"{S0}.1.show_if": show_if("q_yes", "yes")},
         f"{S0}.1.show_if", "equals must be true or false to match 'q_yes'"),
    case("show_if equals out of the scale", {f"{S0}.2.show_if": show_if("q_scale", 6)},
         f"{S0}.2.show_if", "equals must be an integer from 1 to 5 to match 'q_scale'"),
    case("show_if equals no option", {f"{S1}.0.show_if": show_if("q_choice", "ugly")},
         f"{S1}.0.show_if", "equals must be one of: good, bad to match 'q_choice'"),
    case("show_if equals a list", {f"{S0}.1.show_if": show_if("q_yes", [True])},
         f"{S0}.1.show_if.equals", "Must be true, false, a number or a string."),
    case("show_if equals a number for a text",
         {f"{S0}.0": {"key": "q_note", "text": "Note", "type": "text"},
          f"{S0}.1.show_if": show_if("q_note", 1)},
         f"{S0}.1.show_if", "equals must be a string to match 'q_note'"),
    case("show_if equals a string for a numeric", {f"{S1}.1.show_if": show_if("q_num", "10")},
         f"{S1}.1.show_if", "equals must be a number to match 'q_num'"),
    case("visit question depending on a post_visit one",
         {"sections.0.phase": "post_visit", f"{S1}.0.show_if": show_if("q_yes")},
         f"{S1}.0.show_if", "a visit question cannot depend on a post_visit question"),
    case("choice without options", {f"{S0}.2.options": DELETE}, f"{S0}.2.options", REQUIRED),
    case("choice with empty options", {f"{S0}.2.options": []}, f"{S0}.2.options",
         "at least one option is needed"),
    case("choice with duplicate option keys", {f"{S0}.2.options.1.key": "good"},
         f"{S0}.2.options.1.key", "duplicate option key"),
    case("option score out of range", {f"{S0}.2.options.0.score": 1.5},
         f"{S0}.2.options.0.score", BETWEEN_0_1),
    case("option without label", {f"{S0}.2.options.0.label": DELETE},
         f"{S0}.2.options.0.label", REQUIRED),
    case("scale min equal to max", {f"{S0}.1.min": 3, f"{S0}.1.max": 3}, f"{S0}.1.max",
         "must be greater than min"),
    case("scale max below the default min", {f"{S0}.1.max": 0}, f"{S0}.1.max",
         "must be greater than min"),
    case("scale min as a float", {f"{S0}.1.min": 1.5}, f"{S0}.1.min", "Not a valid integer."),
    case("scale setting on a yes_no", {f"{S0}.0.min": 0}, f"{S0}.0.min",
         "only for scale or numeric questions"),
    case("numeric max below its min", {f"{S1}.0.min": 5, f"{S1}.0.max": 4}, f"{S1}.0.max",
         "must not be less than min"),
    case("numeric min not a number", {f"{S1}.0.min": "0"}, f"{S1}.0.min", "Not a valid number."),
    case("numeric max of true", {f"{S1}.0.max": True}, f"{S1}.0.max", "Not a valid number."),
    case("bounds on a text question", {f"{S1}.1.max": 3}, f"{S1}.1.max",
         "only for scale or numeric questions"),
    case("scale max beyond the limit", {f"{S0}.1.max": 10**7}, f"{S0}.1.max",
         "Must be from -1000000 to 1000000."),
    case("min_minutes negative", {"min_minutes": -1}, "min_minutes",
         "Must be greater than or equal to 0 and less than or equal to 720."),
    case("min_minutes as a float", {"min_minutes": 8.5}, "min_minutes", "Not a valid integer."),
    case("pass_on on a scale", {f"{S0}.1.pass_on": False}, f"{S0}.1.pass_on",
         "only for yes_no questions"),
    case("options on a numeric", {f"{S1}.0.options": [{"key": "a", "label": "A", "score": 1}]},
         f"{S1}.0.options", "only for choice questions"),
    case("unit on a text", {f"{S1}.1.unit": "s"}, f"{S1}.1.unit", "only for numeric questions"),
    case("critical text question", {f"{S1}.1.critical": True}, f"{S1}.1.critical",
         "a text question is not scored, so it cannot be critical"),
    case("unknown field on the checklist", {"titel": "Mini"}, "titel", UNKNOWN),
    case("unknown field on a section", {"sections.1.wieght": 2}, "sections.1.wieght", UNKNOWN),
    case("unknown field on a question", {f"{S0}.0.requird": True}, f"{S0}.0.requird", UNKNOWN),
    case("unknown field on an option", {f"{S0}.2.options.0.points": 1},
         f"{S0}.2.options.0.points", UNKNOWN),
    case("unknown field on a band", {f"{BAND_PATH}.0.min": 0}, f"{BAND_PATH}.0.min", UNKNOWN),
    case("checklist key with capitals", {"key": "Store-Visit"}, "key", SLUG_MESSAGE),
    case("section key with a space", {"sections.0.key": "first one"}, "sections.0.key",
         SLUG_MESSAGE),
    case("question key starting with a dash", {f"{S0}.0.key": "-q"}, f"{S0}.0.key", SLUG_MESSAGE),
    case("option key with a trailing newline", {f"{S0}.2.options.0.key": "good\n"},
         f"{S0}.2.options.0.key", SLUG_MESSAGE),
    case("key of 65 characters", {"key": "k" * 65}, "key", SLUG_MESSAGE),
    case("empty title", {"title": ""}, "title", "Length must be between 1 and 200."),
    case("question text too long", {f"{S0}.0.text": "x" * 501}, f"{S0}.0.text",
         "Length must be between 1 and 500."),
    case("missing title", {"title": DELETE}, "title", REQUIRED),
    case("negative follow_up_days", {"follow_up_days": -1}, "follow_up_days",
         "Must be greater than or equal to 0 and less than or equal to 365."),
    case("action_threshold above 100", {"action_threshold": 101}, "action_threshold",
         "Must be greater than or equal to 0 and less than or equal to 100."),
    case("empty sections", {"sections": []}, "sections", "at least one section is needed"),
    case("missing sections", {"sections": DELETE}, "sections", REQUIRED),
    case("sections not a list", {"sections": {"key": "one"}}, "sections", "Not a valid list."),
    case("empty questions", {S1: []}, S1, "at least one question is needed"),
]  # fmt: skip


@pytest.mark.parametrize(("changes", "at", "messages"), INVALID)
def test_invalid_definition(changes, at, messages):
    data = minimal()
    for path, value in changes.items():
        apply(data, path, value)
    with pytest.raises(ValidationError) as caught:
        load_definition(data)
    assert caught.value.messages == nest(split_path(at), messages)


def test_several_errors_come_out_together():
    data = minimal()
    data["sections"][1]["key"] = "one"
    q(data, 1, 1)["key"] = "q_yes"
    q(data, 0, 1)["show_if"] = {"question": "q_num", "equals": 1}
    with pytest.raises(ValidationError) as caught:
        load_definition(data)
    assert caught.value.messages == {
        "sections": {
            0: {"questions": {1: {"show_if": ["must refer to an earlier question"]}}},
            1: {
                "key": ["duplicate section key"],
                "questions": {1: {"key": ["duplicate question key"]}},
            },
        }
    }


@pytest.mark.parametrize("data", [None, [], "store-visit", 3])
def test_not_an_object(data):
    with pytest.raises(ValidationError) as caught:
        load_definition(data)
    assert caught.value.messages == {"_schema": ["Invalid input type."]}


def test_a_single_numeric_band_is_enough():
    data = minimal()
    q(data, 1, 0)["bands"] = [{"max": None, "score": 0.75}]
    assert q(load_definition(data), 1, 0)["bands"] == [{"max": None, "score": 0.75}]


def test_show_if_may_follow_visit_answers_and_text():
    data = minimal()
    data["sections"][1]["phase"] = "post_visit"
    q(data, 1, 0)["show_if"] = {"question": "q_scale", "equals": 5}
    q(data, 1, 1)["show_if"] = {"question": "q_num", "equals": 2.5}
    q(data, 0, 2)["show_if"] = {"question": "q_yes", "equals": False}
    loaded = load_definition(data)
    assert q(loaded, 1, 0)["show_if"] == {"question": "q_scale", "equals": 5}
    assert q(loaded, 1, 1)["show_if"] == {"question": "q_num", "equals": 2.5}
    assert q(loaded, 0, 2)["show_if"] == {"question": "q_yes", "equals": False}


# --- answers the world allows (DESIGN §10.1) ---------------------------------------------


def test_numeric_bounds_are_optional_inclusive_and_round_trip():
    data = minimal()
    q(data, 1, 0).update(min=-2.5, max=-2.5)
    loaded = load_definition(data)
    assert (q(loaded, 1, 0)["min"], q(loaded, 1, 0)["max"]) == (-2.5, -2.5)
    assert load_definition(dump_definition(loaded)) == loaded
    assert "min" not in q(load_definition(minimal()), 1, 0)


def test_min_minutes_defaults_to_0_and_is_kept():
    assert load_definition(minimal())["min_minutes"] == 0
    assert load_definition({**minimal(), "min_minutes": 30})["min_minutes"] == 30


def test_shipped_bounds_and_min_minutes():
    d = load_definition(shipped())
    questions = {q["key"]: q for s in d["sections"] for q in s["questions"]}
    bounds = {key: (q.get("min"), q.get("max")) for key, q in questions.items()}
    assert bounds["greet_seconds"] == (0, 3600)
    assert bounds["music_db"] == (20, 140)
    assert bounds["manager_response_hours"] == (0, 2160)
    assert d["min_minutes"] == 8


def test_show_if_equals_outside_numeric_bounds_never_shows():
    data = minimal()
    q(data, 1, 0).update(min=0, max=10)
    q(data, 1, 1)["show_if"] = {"question": "q_num", "equals": 11}
    with pytest.raises(ValidationError) as caught:
        load_definition(data)
    assert caught.value.messages == nest(
        split_path(f"{S1}.1.show_if"), ["equals must be a number from 0 to 10 to match 'q_num'"]
    )
