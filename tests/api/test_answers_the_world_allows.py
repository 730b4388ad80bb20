"""DESIGN §10.1 through the API: answers within their bounds, visit times in order and in the
past, and the post-visit window counted from the server's own submit time."""

import json
import uuid
from datetime import UTC, datetime, timedelta

import pytest

from auditor.core.extensions import db
from auditor.models import Audit
from tests.api.audit_helpers import (
    POST_VISIT_ANSWERS,
    VISIT_ANSWERS,
    audit_body,
    new_uuid,
)
from tests.api.images import jpeg
from tests.conftest import problem_of


def stamp(moment: datetime) -> str:
    return moment.strftime("%Y-%m-%dT%H:%M:%SZ")


def now() -> datetime:
    return datetime.now(UTC).replace(microsecond=0)


def with_answer(question, value):
    """The full visit answers with one value changed."""
    others = [a for a in VISIT_ANSWERS if a["question"] != question]
    return [*others, {"question": question, "value": value}]


def refused(auditor, audit_id, body) -> dict:
    """PUT the body, expect 422 and no audit; answer the errors."""
    response = auditor.put(f"/api/v1/audits/{audit_id}", json=body)
    assert response.status_code == 422, response.get_json()
    assert auditor.get(f"/api/v1/audits/{audit_id}").status_code == 404
    return problem_of(response)["errors"]


@pytest.mark.parametrize(
    ("question", "value", "message"),
    [
        ("greet_seconds", -1, "must be from 0 to 3600 s"),
        ("greet_seconds", 3601, "must be from 0 to 3600 s"),
        ("greet_seconds", 1e300, "must be from 0 to 3600 s"),
        ("music_db", 19.5, "must be from 20 to 140 dB"),
        ("music_db", 141, "must be from 20 to 140 dB"),
        ("music_db", "70", "must be a number"),
        ("welcome", 1, "must be true or false"),
        ("found_without_help", 4.5, "must be a whole number from 1 to 5"),
        ("manager_response_hours", 2161, "must be from 0 to 2160 h"),
    ],
)
def test_an_answer_out_of_bounds_answers_422_keyed_by_question(
    auditor, store, question, value, message
):
    errors = refused(auditor, new_uuid(), audit_body(store, answers=with_answer(question, value)))
    assert errors == {question: [message]}


@pytest.mark.parametrize("literal", ["NaN", "Infinity", "-Infinity", "1e400"])
def test_a_non_finite_number_is_refused(auditor, store, literal):
    audit_id = new_uuid()
    body = audit_body(store, answers=[{"question": "greet_seconds", "value": 0}])
    text = json.dumps(body).replace('"value": 0', f'"value": {literal}')
    response = auditor.put(f"/api/v1/audits/{audit_id}", data=text, content_type="application/json")
    assert response.status_code in (400, 422), response.get_data(as_text=True)
    problem_of(response)
    assert auditor.get(f"/api/v1/audits/{audit_id}").status_code == 404


def test_bounds_are_inclusive(auditor, store):
    answers = with_answer("greet_seconds", 3600)
    answers = [a for a in answers if a["question"] != "music_db"]
    answers.append({"question": "music_db", "value": 20})
    response = auditor.put(f"/api/v1/audits/{new_uuid()}", json=audit_body(store, answers=answers))
    assert response.status_code == 201, response.get_json()


@pytest.mark.parametrize(
    ("times", "errors"),
    [
        (
            {"finished_at": timedelta(minutes=11)},
            {"finished_at": ["Must not be more than 10 minutes in the future."]},
        ),
        (
            {"started_at": timedelta(minutes=30), "finished_at": timedelta(minutes=40)},
            {
                "started_at": ["Must not be more than 10 minutes in the future."],
                "finished_at": ["Must not be more than 10 minutes in the future."],
            },
        ),
        (
            {"started_at": timedelta(hours=-13), "finished_at": timedelta(minutes=-30)},
            {"finished_at": ["A visit lasts at most 12 hours."]},
        ),
        (
            {"started_at": timedelta(minutes=-10), "finished_at": timedelta(minutes=-20)},
            {"finished_at": ["Must not be before started_at."]},
        ),
    ],
)
def test_impossible_visit_times_answer_422_keyed_by_field(auditor, store, times, errors):
    moment = now()
    body = audit_body(store, **{field: stamp(moment + delta) for field, delta in times.items()})
    assert refused(auditor, new_uuid(), body) == errors


def test_a_finish_in_2099_is_refused(auditor, store):
    errors = refused(auditor, new_uuid(), audit_body(store, finished_at="2099-01-01T00:00:00Z"))
    assert "finished_at" in errors


def test_times_the_world_allows_are_kept(auditor, store):
    moment = now()
    body = audit_body(
        store,
        started_at=stamp(moment - timedelta(hours=11, minutes=55)),
        finished_at=stamp(moment + timedelta(minutes=5)),  # a phone clock a little ahead
    )
    assert auditor.put(f"/api/v1/audits/{new_uuid()}", json=body).status_code == 201


def submitted(auditor, store, **fields) -> str:
    """A submitted audit of the store (with its required photo); answers its uuid."""
    audit_id = new_uuid()
    saved = auditor.put(f"/api/v1/audits/{audit_id}", json=audit_body(store, **fields))
    assert saved.status_code == 201, saved.get_json()
    photo = auditor.put(
        f"/api/v1/audits/{audit_id}/photos/{new_uuid()}?question=tidy",
        data=jpeg(64, 48),
        headers={"Content-Type": "image/jpeg"},
    )
    assert photo.status_code == 201, photo.get_json()
    response = auditor.post(f"/api/v1/audits/{audit_id}/submit")
    assert response.status_code == 200, response.get_json()
    return audit_id


def post_visit(auditor, audit_id, answers=POST_VISIT_ANSWERS):
    return auditor.patch(f"/api/v1/audits/{audit_id}/post-visit", json={"answers": answers})


def test_the_server_records_submitted_at(auditor, store):
    before = now()
    audit_id = submitted(auditor, store)
    recorded = auditor.get(f"/api/v1/audits/{audit_id}").get_json()["submitted_at"]
    assert before <= datetime.fromisoformat(recorded) <= now() + timedelta(seconds=1)


def test_post_visit_window_counts_from_submitted_at_not_finished_at(auditor, store):
    # visited 20 days ago and submitted today: the 14-day window is still open
    moment = now()
    audit_id = submitted(
        auditor,
        store,
        started_at=stamp(moment - timedelta(days=20, minutes=40)),
        finished_at=stamp(moment - timedelta(days=20)),
    )
    assert post_visit(auditor, audit_id).status_code == 200


def test_post_visit_window_closes_follow_up_days_after_submit(auditor, store):
    audit_id = submitted(auditor, store)
    audit = db.session.get(Audit, uuid.UUID(audit_id))
    audit.submitted_at = datetime.now(UTC) - timedelta(days=14, minutes=1)
    db.session.commit()
    response = post_visit(auditor, audit_id)
    assert response.status_code == 409
    assert "window closed" in problem_of(response)["detail"]


def test_post_visit_answers_are_bounded_too(auditor, store):
    audit_id = submitted(auditor, store)
    response = post_visit(auditor, audit_id, [{"question": "manager_response_hours", "value": -1}])
    assert response.status_code == 422
    assert problem_of(response)["errors"] == {
        "manager_response_hours": ["must be from 0 to 2160 h"]
    }
