"""In-store helpers: the greeting stopwatch, the sound-level meter with its calibration, the
client-side rules, which must score exactly as the server does, and the review before submit,
which lists what is missing."""

import random

import pytest

from auditor.checklists import scoring, versions
from tests.browser.conftest import log_in, start_visit


@pytest.fixture
def audit_page(phone, visit, page_errors):
    page = page_errors.watch(phone.new_page())
    log_in(page, visit.auditor.email)
    start_visit(page)
    return page


def answer_of(page, key: str):
    uuid = page.url.split("id=")[1].split("&")[0]
    script = "async ([uuid, key]) => (await AuditorStore.getDraft(uuid)).answers[key]"
    return page.evaluate(script, [uuid, key])


PLACE = """(node) => {
    const box = node.getBoundingClientRect();
    return [box.left, box.top + window.scrollY, box.width, box.height];
}"""


def test_the_stopwatch_fills_the_seconds_until_greeted(audit_page, page_errors):
    page = audit_page
    page.set_viewport_size({"width": 360, "height": 780})  # the narrowest phone we serve
    helper = page.get_by_role("group", name="Greeting stopwatch")
    greeted = helper.get_by_role("button", name="Greeted")
    before = greeted.evaluate(PLACE)
    helper.get_by_role("button", name="Walked in").click()
    # "Greeted" stays where the thumb expects it when "Walked in" turns into "Restart"
    assert greeted.evaluate(PLACE) == before
    page.wait_for_timeout(2200)
    page.reload()  # a reload in between keeps the start time
    page.wait_for_selector("body[data-ready=true]")
    helper = page.get_by_role("group", name="Greeting stopwatch")
    helper.get_by_role("button", name="Greeted").click()
    seconds = int(page.locator("#v-greet_seconds").input_value())
    assert 2 <= seconds <= 5
    assert answer_of(page, "greet_seconds")["value"] == seconds
    assert page_errors == []


def test_the_sound_meter_measures_an_estimate_with_the_calibration_offset(
    phone, audit_page, page_errors
):
    page = audit_page
    page.goto("/app/settings")
    page.get_by_label("Calibration offset (dB)").fill("3.5")
    page.get_by_role("button", name="Save offset").click()
    page.get_by_text("readings on this phone get +3.5 dB").wait_for()
    page.go_back()
    page.wait_for_selector("body[data-ready=true]")
    meter = page.get_by_role("group", name="Sound level meter")
    assert "estimate" in meter.text_content()
    meter.get_by_role("button", name="Measure (5 s)").click()  # chromium's fake microphone
    meter.get_by_text("(estimate, calibration +3.5 dB)").wait_for(timeout=15_000)
    value = float(page.locator("#v-music_db").input_value())
    assert 20 < value < 130
    assert answer_of(page, "music_db")["value"] == value
    assert page_errors == []


def within(question: dict, value: float) -> float:
    """The value moved inside the question's bounds (DESIGN §10.1), which both sides enforce."""
    return min(max(value, question.get("min", value)), question.get("max", value))


def random_answers(definition: dict, rng: random.Random) -> dict:
    answers = {}
    for section in definition["sections"]:
        for question in section["questions"]:
            roll = rng.random()
            if roll < 0.15:
                continue  # unanswered
            if roll < 0.25 and question["allow_na"]:
                answers[question["key"]] = {"value": None, "na": True}
                continue
            value = {
                "yes_no": lambda: rng.choice([True, False]),
                "scale": lambda q=question: rng.randint(q["min"], q["max"]),
                "numeric": lambda q=question: within(
                    q, rng.choice([0, 12, 30, 30.5, 60, 61, 65, 70.2, 75, 99, 200])
                ),
                "choice": lambda q=question: rng.choice(q["options"])["key"],
                "text": lambda: "fine",
            }[question["type"]]()
            answers[question["key"]] = {"value": value, "na": False}
    return answers


def with_every_type(definition: dict) -> dict:
    """The default checklist plus a section with a choice, a text and show_if chains."""
    extra = {
        "key": "extra",
        "title": "Extra",
        "weight": 10,
        "phase": "visit",
        "questions": [
            {"key": "fitting", "text": "Used the fitting room", "type": "yes_no"},
            {
                "key": "fitting_clean",
                "text": "Fitting room state",
                "type": "choice",
                "photo": "required",
                "critical": True,
                "show_if": {"question": "fitting", "equals": True},
                "options": [
                    {"key": "clean", "label": "Clean", "score": 1},
                    {"key": "ok", "label": "Acceptable", "score": 0.6},
                    {"key": "dirty", "label": "Dirty", "score": 0},
                ],
            },
            {
                "key": "fitting_note",
                "text": "What was wrong",
                "type": "text",
                "show_if": {"question": "fitting_clean", "equals": "dirty"},
            },
        ],
    }
    return versions.parse_definition({**definition, "sections": [*definition["sections"], extra]})


def test_the_phone_scores_and_checks_exactly_as_the_server(audit_page):
    definition = with_every_type(versions.default_definition())
    rng = random.Random(20261122)
    cases = []
    for _ in range(150):
        answers = random_answers(definition, rng)
        photos = {"tidy": rng.randint(0, 1), "fitting_clean": rng.randint(0, 1)}
        cases.append({"answers": answers, "photos": photos})
    results = audit_page.evaluate(
        """async ({definition, cases}) => {
            const rules = await import('/static/js/rules.js');
            return cases.map(({answers, photos}) => ({
                score: rules.scoreAudit(definition, answers),
                errors: rules.submitErrors(definition, answers, photos),
                visible: [...rules.visibleQuestions(definition, answers)].sort(),
            }));
        }""",
        {"definition": definition, "cases": cases},
    )
    for case, result in zip(cases, results, strict=True):
        answers = {
            k: scoring.Answer(value=a["value"], na=a["na"]) for k, a in case["answers"].items()
        }
        expected = scoring.score_audit(definition, answers)
        assert result["score"]["critical_failed"] == expected.critical_failed
        assert result["score"]["overall"] == pytest.approx(expected.overall)
        assert result["score"]["sections"] == pytest.approx(expected.sections)
        assert result["errors"] == scoring.submit_errors(definition, answers, case["photos"])
        assert result["visible"] == sorted(scoring.visible_questions(definition, answers))


def test_the_review_lists_what_is_missing_and_leads_to_it(audit_page, page_errors):
    page = audit_page
    page.locator("#q-welcome").get_by_role("radio", name="Yes", exact=True).check()
    page.get_by_role("link", name="Review and submit").click()
    page.wait_for_selector("body[data-ready=true]")
    assert page.locator("#summary").text_content() == (
        "12 question(s) still need an answer or a photo."
    )
    assert page.locator("#errors li").count() == 12
    tidy = page.locator("#errors li", has_text="Aisles clear and tidy")
    assert "answer required, photo required" in tidy.text_content()
    # a partial score is not passed off as the audit's
    assert page.locator("#score").text_content() == "100.0 of 100, from the answers so far"
    assert page.get_by_role("button", name="Submit").is_disabled()

    tidy.get_by_role("link").click()
    page.wait_for_selector("body[data-ready=true]")
    question = page.locator("#q-tidy")
    assert "answer required; photo required" in question.locator(".error").text_content()
    # the question shows below the sticky app bar, not under it
    bar = page.locator("header.appbar").bounding_box()
    legend = question.locator("legend").bounding_box()
    assert legend["y"] >= bar["y"] + bar["height"]
    assert page_errors == []
