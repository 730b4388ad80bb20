"""Review with quality control on the manager pages (DESIGN §10.1-10.3): resubmissions and
signals in the queue, bulk approval, what changed since a return, reject, notes per question,
an answer's correction."""

import re
import uuid

import pytest

from auditor.checklists import scoring, versions
from auditor.core.extensions import db
from auditor.models import Audit, AuditRevision, Checklist
from tests.api.audit_helpers import VISIT_ANSWERS
from tests.conftest import ApiClient
from tests.web.page_world import browse_as, csrf_of
from tests.web.review_helpers import FAR, auditor_client, resubmit, visit


@pytest.fixture
def manager(client, world):
    return browse_as(client, world.manager_a)


@pytest.fixture
def auditor(app, world) -> ApiClient:
    return auditor_client(app)


def post_form(client, page: str, path: str, **form):
    return client.post(path, data={"csrf_token": csrf_of(client, page), **form})


def review(client, audit_id, **form):
    page = f"/manager/audits/{audit_id}"
    return post_form(client, page, f"{page}/review", **form)


def text_of(html: str) -> str:
    """A page's text, tags dropped and whitespace folded, to read what a person reads."""
    return " ".join(re.sub(r"<[^>]+>", " ", html).split())


def row_of(html: str, audit_id) -> str:
    """The table row linking to the audit (empty when there is none)."""
    rows = re.findall(r"<tr[^>]*>.*?</tr>", html, re.S)
    return next((row for row in rows if f'href="/manager/audits/{audit_id}"' in row), "")


def fresh(audit_id) -> Audit:
    db.session.commit()  # end the test's snapshot: the app wrote meanwhile
    return db.session.get(Audit, audit_id)


def test_a_resubmission_opens_on_what_changed_beside_the_notes(manager, auditor, world):
    audit_id = visit(auditor, world)
    response = review(
        manager,
        audit_id,
        decision="return",
        note="Check the goodbye.",
        **{"question-thanked_goodbye": "Were you thanked at the till?", "question-tidy": " "},
    )
    assert response.status_code == 302
    returned = fresh(audit_id)
    assert (returned.status, returned.review_decision) == ("returned", "return")
    assert returned.review_questions == {"thanked_goodbye": "Were you thanked at the till?"}
    thanked = {"thanked_goodbye": {"value": True, "comment": "Thanked by Jo."}}
    resubmit(auditor, world, audit_id, thanked)

    queue = manager.get("/manager/review").get_data(as_text=True)
    assert "resubmitted" in row_of(queue, audit_id)
    assert "resubmitted" not in row_of(queue, world.submitted_a)

    page = text_of(manager.get(f"/manager/audits/{audit_id}").get_data(as_text=True))
    assert page.index("What changed since you returned it") < page.index("Overall")
    changes = page.split("What changed since you returned it")[1].split("Your notes")[0]
    assert "Thanked goodbye" in changes or "thank" in changes.lower()
    assert re.search(r"no “No goodbye at the till.” yes “Thanked by Jo.”", changes)
    assert "Greeting" not in changes  # only what changed is listed
    notes = page.split("Your notes when returning it")[1].split("By Mara Manager")[0]
    assert "Check the goodbye." in notes
    assert "Were you thanked at the till?" in notes
    assert "Returned with: Were you thanked at the till?" in page
    # approved, the page still shows what the resubmission changed, and the approval's note
    assert review(manager, audit_id, decision="approve", note="Fine now.").status_code == 302
    page = text_of(manager.get(f"/manager/audits/{audit_id}").get_data(as_text=True))
    assert "What changed since you returned it" in page
    assert "Your notes when returning it" not in page
    assert "Review note Fine now." in page


def test_a_first_submission_shows_no_changes_and_its_revision(manager, auditor, world):
    audit_id = visit(auditor, world)
    page = text_of(manager.get(f"/manager/audits/{audit_id}").get_data(as_text=True))
    assert "What changed" not in page
    assert "1. Submitted by Ali Auditor" in page
    assert f"{len(VISIT_ANSWERS)} answers changed" in page


def test_the_queue_shows_signals_with_detail_and_filters_by_code(manager, auditor, world):
    far = visit(auditor, world, geo=FAR)
    clean = visit(auditor, world)
    assert [s.code for s in fresh(far).signals] == ["far_from_location"]
    assert fresh(clean).signals == []
    queue = manager.get("/manager/review").get_data(as_text=True)
    row = row_of(queue, far)
    assert "far from the store" in row
    assert fresh(far).signals[0].detail in text_of(row)
    flagged = manager.get("/manager/review?signal=far_from_location").get_data(as_text=True)
    assert str(far) in flagged
    assert str(clean) not in flagged
    assert str(world.submitted_a) not in flagged
    assert 'class="card bulk' not in flagged
    assert "(1 waiting with “far from the store”)" in text_of(flagged).replace(" )", ")")
    none = manager.get("/manager/review?signal=short_visit").get_data(as_text=True)
    assert "Nothing waiting for review with this signal." in none
    page = text_of(manager.get(f"/manager/audits/{far}").get_data(as_text=True))
    assert "Visit-confidence signals far from the store" in page


@pytest.mark.parametrize("code", ["bogus", "FAR_FROM_LOCATION", "short_visit\n", "x" * 300])
def test_an_unknown_signal_answers_404(manager, code):
    response = manager.get("/manager/review", query_string={"signal": code})
    assert response.status_code == 404
    assert "No such signal" in response.get_data(as_text=True)


def test_bulk_approval_takes_the_audits_without_signals_after_one_confirmation(
    manager, auditor, world
):
    far = visit(auditor, world, geo=FAR)
    clean = visit(auditor, world)
    queue = manager.get("/manager/review").get_data(as_text=True)
    form = queue.split('class="card bulk')[1]
    listed = re.findall(r'name="audits" value="([^"]+)"', form)
    assert sorted(listed) == sorted(str(i) for i in (world.submitted_a, clean))
    assert "Approve these 2 audits" in form
    path = "/manager/review/approvals"
    # without the tick nothing happens
    response = post_form(manager, "/manager/review", path, audits=listed)
    assert "Tick" in manager.get(response.location).get_data(as_text=True)
    assert fresh(clean).status == "submitted"
    # a flagged audit slipped into the form is passed over, with the reason
    response = post_form(manager, "/manager/review", path, audits=[*listed, str(far)], confirm="3")
    assert response.location == "/manager/review"
    shown = text_of(manager.get(response.location).get_data(as_text=True))
    assert "Approved 2 of 3 audits." in shown
    assert "far_from_location" in shown
    assert str(far) in shown
    assert [fresh(i).status for i in (world.submitted_a, clean, far)] == [
        "approved",
        "approved",
        "submitted",
    ]
    assert fresh(clean).reviewed_by_id == world.manager_a.id


def test_bulk_approval_refuses_bad_input_and_changes_nothing(manager, world):
    path = "/manager/review/approvals"
    ids = [str(world.submitted_a)]
    assert manager.post(path, data={"audits": ids, "confirm": "1"}).status_code == 400  # CSRF
    response = post_form(manager, "/manager/review", path, audits=[*ids, "not-a-uuid"], confirm="2")
    assert "Not an audit id." in manager.get(response.location, follow_redirects=True).text
    too_many = [str(uuid.uuid4()) for _ in range(101)]
    response = post_form(manager, "/manager/review", path, audits=too_many, confirm="101")
    assert "At most 100 audits" in manager.get(response.location, follow_redirects=True).text
    # another region's audit is not found, so not approved
    response = post_form(
        manager, "/manager/review", path, audits=[str(world.submitted_b)], confirm="1"
    )
    assert "Approved 0 of 1" in text_of(manager.get(response.location).get_data(as_text=True))
    assert fresh(world.submitted_a).status == "submitted"
    assert fresh(world.submitted_b).status == "submitted"


def test_rejecting_needs_a_note_and_leaves_the_audit_read_only(manager, world):
    response = review(manager, world.submitted_a, decision="reject", note="  ")
    assert "Say why." in text_of(manager.get(response.location).get_data(as_text=True))
    assert fresh(world.submitted_a).status == "submitted"
    response = review(manager, world.submitted_a, decision="reject", note="Not a real visit.")
    assert response.location == "/manager/review"
    assert "Rejected: Altona Flagship" in manager.get(response.location).get_data(as_text=True)
    rejected = fresh(world.submitted_a)
    assert (rejected.status, rejected.review_note) == ("rejected", "Not a real visit.")
    html = manager.get(f"/manager/audits/{world.submitted_a}").get_data(as_text=True)
    assert "Rejected by Mara Manager" in text_of(html)
    assert "Not a real visit." in html
    assert 'name="decision"' not in html
    assert 'name="reason"' not in html
    again = review(manager, world.submitted_a, decision="approve")
    assert "Only submitted audits" in manager.get(again.location).get_data(as_text=True)
    assert fresh(world.submitted_a).status == "rejected"
    store = text_of(manager.get(f"/manager/locations/{world.store_a.id}").get_data(as_text=True))
    assert re.search(r"rejected ?: Not a real visit\.", store)


def test_question_notes_go_only_with_a_return(manager, world):
    response = review(manager, world.submitted_a, decision="approve", **{"question-tidy": "x"})
    assert response.location == "/manager/review"
    approved = fresh(world.submitted_a)
    assert (approved.status, approved.review_questions) == ("approved", {})


def test_an_unknown_question_note_is_refused_and_changes_nothing(manager, world):
    response = review(
        manager, world.submitted_a, decision="return", note="Fix", **{"question-nope": "x"}
    )
    assert "No such question" in manager.get(response.location).get_data(as_text=True)
    assert fresh(world.submitted_a).status == "submitted"


def correct(client, audit_id, question, **form):
    page = f"/manager/audits/{audit_id}"
    return post_form(client, page, f"{page}/answers/{question}", **form)


def expected_overall(answers) -> float:
    checklist = db.session.scalars(db.select(Checklist)).first()
    definition = versions.definition_for(db.session, checklist)
    given = {a["question"]: scoring.Answer(value=a.get("value"), na=False) for a in answers}
    return scoring.score_audit(definition, given).overall


def test_a_correction_rescores_exactly_and_is_a_revision(manager, auditor, world):
    audit_id = visit(auditor, world)
    html = manager.get(f"/manager/audits/{audit_id}").get_data(as_text=True)
    assert f'action="/manager/audits/{audit_id}/answers/tidy"' in html
    response = correct(manager, audit_id, "tidy", value="5", comment="Spotless.", reason="Photo")
    assert response.location == f"/manager/audits/{audit_id}"
    corrected = [dict(a, value=5) if a["question"] == "tidy" else a for a in VISIT_ANSWERS]
    audit = fresh(audit_id)
    assert audit.score_overall == pytest.approx(expected_overall(corrected))
    assert audit.score_overall != pytest.approx(expected_overall(VISIT_ANSWERS))
    tidy = next(a for a in audit.answers if a.question_key == "tidy")
    assert (tidy.value, tidy.comment) == (5, "Spotless.")
    latest = audit.revisions[-1]
    assert (latest.kind, latest.reason, latest.by_id) == ("correction", "Photo", world.manager_a.id)
    assert latest.changes == [
        {
            "question": "tidy",
            "before": {"value": 3, "na": False, "comment": ""},
            "after": {"value": 5, "na": False, "comment": "Spotless."},
        }
    ]
    page = text_of(manager.get(response.location).get_data(as_text=True))
    assert "Corrected “" in page
    assert "2. Corrected by Mara Manager" in page
    assert "reason: Photo" in page


@pytest.mark.parametrize(
    ("question", "form", "message"),
    [
        ("tidy", {"value": "4", "reason": " "}, "Say why the answer is corrected."),
        ("tidy", {"value": "abc", "reason": "r"}, "Enter a number."),
        ("tidy", {"value": "2.5", "reason": "r"}, "Enter a whole number."),
        ("tidy", {"value": "9", "reason": "r"}, "must be a whole number from 1 to 5"),
        ("welcome", {"value": "maybe", "reason": "r"}, "Choose yes or no."),
        ("music_db", {"value": "1e999", "reason": "r"}, "must be a finite number"),
    ],
)
def test_a_bad_correction_is_refused_and_changes_nothing(
    manager, auditor, world, question, form, message
):
    audit_id = visit(auditor, world)
    before = (fresh(audit_id).score_overall, len(fresh(audit_id).revisions))
    response = correct(manager, audit_id, question, **form)
    assert response.location == f"/manager/audits/{audit_id}"
    assert message in manager.get(response.location).get_data(as_text=True)
    audit = fresh(audit_id)
    assert (audit.score_overall, len(audit.revisions)) == before


def test_corrections_only_of_submitted_audits_in_scope(manager, world):
    response = correct(manager, world.approved_b, "tidy", value="1", reason="r")
    assert response.status_code == 404  # another region's
    response = correct(manager, world.submitted_a, "no_such_question", value="1", reason="r")
    assert response.status_code == 404
    assert review(manager, world.submitted_a, decision="approve").status_code == 302
    response = correct(manager, world.submitted_a, "tidy", value="1", reason="r")
    assert "Only submitted audits" in manager.get(response.location).get_data(as_text=True)
    assert db.session.scalars(db.select(AuditRevision)).all() == []


@pytest.mark.parametrize(
    ("form", "limit"),
    [
        ({"decision": "reject", "note": "x" * 5001}, 5000),
        ({"decision": "return", "note": "Fix", "question-tidy": "x" * 2001}, 2000),
    ],
)
def test_an_over_long_review_note_is_refused_not_cut(manager, world, form, limit):
    response = review(manager, world.submitted_a, **form)
    assert f"At most {limit} characters." in manager.get(response.location).text
    audit = fresh(world.submitted_a)
    assert (audit.status, audit.review_note, audit.review_questions) == ("submitted", "", {})


@pytest.mark.parametrize("field", ["comment", "reason"])
def test_an_over_long_correction_is_refused_not_cut(manager, world, field):
    form = {"value": "1", "reason": "r", field: "x" * 2001}
    response = correct(manager, world.submitted_a, "tidy", **form)
    assert "At most 2000 characters." in manager.get(response.location).text
    tidy = next(a for a in fresh(world.submitted_a).answers if a.question_key == "tidy")
    assert tidy.value == 5


def test_a_signal_links_the_other_audit_it_names(manager, auditor, world):
    notes = "The fitting rooms were closed and nobody could say why, twice."
    first = visit(auditor, world, notes=notes)
    copied = visit(auditor, world, notes=f"  {notes.upper()} ")
    signal = fresh(copied).signals[0]
    assert (signal.code, str(first) in signal.detail) == ("text_copied", True)
    row = row_of(manager.get("/manager/review").get_data(as_text=True), copied)
    assert "text copied" in row
    assert f'<a href="/manager/audits/{first}">{first}</a>' in row
