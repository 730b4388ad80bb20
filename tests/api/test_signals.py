"""Visit-confidence signals (DESIGN §10.3) through the API: visits built to trigger each code,
and a clean visit that triggers none. Signals flag; they never block submit or approval."""

import io
import uuid
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from PIL import Image

from auditor.core.extensions import db
from auditor.models import Location, Region
from tests.api.audit_helpers import audit_body, new_uuid
from tests.api.signal_helpers import scene, taken
from tests.conftest import problem_of


@pytest.fixture
def manager(login_as, store):
    return login_as("manager", regions=[db.session.get(Region, store.region_id)])


CHRISTMAS = datetime(2025, 12, 24, 12, 0)  # noqa: DTZ001 -- EXIF's local wall-clock time


def iso(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def visit(auditor, store, photo=None, **fields) -> str:
    """Save a draft with its tidy photo (a scene of its own unless given) and submit it."""
    audit_id = new_uuid()
    assert (
        auditor.put(f"/api/v1/audits/{audit_id}", json=audit_body(store, **fields)).status_code
        == 201
    )
    photo = photo if photo is not None else scene(uuid.UUID(audit_id).int % 10**9)
    url = f"/api/v1/audits/{audit_id}/photos/{new_uuid()}?question=tidy"
    assert auditor.put(url, data=photo).status_code == 201
    assert auditor.post(f"/api/v1/audits/{audit_id}/submit").status_code == 200
    return audit_id


def signals_of(client, audit_id) -> list[dict]:
    return client.get(f"/api/v1/audits/{audit_id}").get_json()["signals"]


def codes_of(client, audit_id) -> list[str]:
    return [signal["code"] for signal in signals_of(client, audit_id)]


def test_a_clean_visit_has_no_signals(login_as, store, manager):
    audit_id = visit(login_as("auditor"), store)
    assert signals_of(manager, audit_id) == []


def test_a_start_far_from_the_store(login_as, store, manager):
    audit_id = visit(login_as("auditor"), store, geo={"lat": 52.53, "lon": 13.405, "accuracy": 5})
    [signal] = signals_of(manager, audit_id)
    assert signal["code"] == "far_from_location"
    assert signal["detail"] == "1112 m from the location"


def test_a_visit_under_the_checklists_minimum(login_as, store, manager):
    finished = datetime.now(UTC) - timedelta(minutes=30)
    times = {"started_at": iso(finished - timedelta(minutes=5)), "finished_at": iso(finished)}
    audit_id = visit(login_as("auditor"), store, **times)
    assert signals_of(manager, audit_id) == [
        {"code": "short_visit", "detail": "5.0 minutes (minimum 8)"}
    ]


def test_a_photo_taken_hours_before_the_visit_by_its_exif_offset(login_as, store, manager):
    # the visit ran from 60 to 35 minutes ago; the photo says 3 hours ago, in Tokyo's offset
    moment = (datetime.now(UTC) - timedelta(hours=3)).astimezone(ZoneInfo("Asia/Tokyo"))
    photo = scene(7, exif=taken(moment.replace(tzinfo=None), "+09:00"))
    audit_id = visit(login_as("auditor"), store, photo=photo)
    [signal] = signals_of(manager, audit_id)
    assert signal["code"] == "photo_time_outside_visit"
    assert "taken 2.0 hours before the visit" in signal["detail"]


def test_an_exif_time_without_offset_is_read_in_the_stores_time_zone(login_as, store, manager):
    location = db.session.get(Location, store.location_id)
    location.timezone = "America/New_York"
    db.session.commit()
    during = (datetime.now(UTC) - timedelta(minutes=50)).astimezone(ZoneInfo("America/New_York"))
    photo = scene(8, exif=taken(during.replace(tzinfo=None), None))
    auditor = login_as("auditor")
    assert signals_of(manager, visit(auditor, store, photo=photo)) == []
    # the same wall-clock time read as UTC would lie hours away: it is New York's, so it fits
    in_utc = (datetime.now(UTC) - timedelta(minutes=50)).replace(tzinfo=None)
    photo = scene(9, exif=taken(in_utc, None))
    assert codes_of(manager, visit(auditor, store, photo=photo)) == ["photo_time_outside_visit"]


def test_a_photo_reused_from_another_audit_names_it(login_as, store, manager):
    first = visit(login_as("auditor"), store, photo=scene(42))
    # the same picture, smaller and recompressed, by another auditor
    smaller = io.BytesIO()
    Image.open(io.BytesIO(scene(42))).resize((900, 675)).save(smaller, "JPEG", quality=55)
    second = visit(login_as("auditor"), store, photo=smaller.getvalue())
    [signal] = signals_of(manager, second)
    assert signal["code"] == "photo_reused"
    assert signal["detail"].startswith(f"a photo of audit {first} (distance ")
    assert signals_of(manager, first) == []  # computed at its own submit: the original


def test_text_copied_from_another_audit_names_it(login_as, store, manager):
    text = "The fitting rooms were untidy and nobody offered any help at all."
    first = visit(login_as("auditor"), store, notes=text)
    answers = list(audit_body(store)["answers"])  # a copy: the shared list stays as it is
    answers[0] = {
        **answers[0],
        "comment": "  THE fitting rooms were untidy\n and nobody offered any help at all. ",
    }
    second = visit(login_as("auditor"), store, answers=answers)
    assert signals_of(manager, second) == [
        {"code": "text_copied", "detail": f"text of audit {first}"}
    ]
    # under 40 characters once folded, a shared phrase is no copy
    short = visit(login_as("auditor"), store, notes="No goodbye at the till.")
    assert signals_of(manager, short) == []


def test_a_visit_outside_opening_hours_and_a_late_submit(login_as, store, manager):
    location = db.session.get(Location, store.location_id)
    location.opening_hours = {"sun": ["10:00", "11:00"]}
    db.session.commit()
    finished = datetime(2026, 1, 6, 19, 0, tzinfo=UTC)  # a Tuesday, 20:00 in Berlin
    times = {"started_at": iso(finished - timedelta(minutes=20)), "finished_at": iso(finished)}
    audit_id = visit(login_as("auditor"), store, **times)
    [signal] = signals_of(manager, audit_id)
    assert signal["code"] == "odd_timestamps"
    assert signal["detail"].startswith(
        "started Tue 19:40 local time, outside opening hours; "
        "finished Tue 20:00 local time, outside opening hours; submitted "
    )
    assert signal["detail"].endswith("days after the visit")


def test_every_signal_at_once_is_listed_in_code_order(login_as, store, manager):
    location = db.session.get(Location, store.location_id)
    location.opening_hours = {"sun": ["10:00", "11:00"]}
    db.session.commit()
    first = visit(login_as("auditor"), store, photo=scene(5), notes="x" * 45)
    finished = datetime(2026, 1, 6, 19, 0, tzinfo=UTC)
    photo = scene(5, exif=taken(CHRISTMAS, "+01:00"))
    audit_id = visit(
        login_as("auditor"),
        store,
        photo=photo,
        notes="X" * 45,
        started_at=iso(finished - timedelta(minutes=2)),
        finished_at=iso(finished),
        geo={"lat": 52.6, "lon": 13.405, "accuracy": 5},
    )
    # by code, as the document always lists them
    assert codes_of(manager, audit_id) == [
        "far_from_location",
        "odd_timestamps",
        "photo_reused",
        "photo_time_outside_visit",
        "short_visit",
        "text_copied",
    ]
    assert first in signals_of(manager, audit_id)[2]["detail"]


def test_signals_change_when_the_photos_of_a_draft_change(login_as, store):
    auditor, audit_id = login_as("auditor"), new_uuid()
    assert auditor.put(f"/api/v1/audits/{audit_id}", json=audit_body(store)).status_code == 201
    old = scene(11, exif=taken(CHRISTMAS, "+01:00"))
    photo_url = f"/api/v1/audits/{audit_id}/photos/{new_uuid()}"
    assert auditor.put(photo_url, data=old).status_code == 201
    assert codes_of(auditor, audit_id) == ["photo_time_outside_visit"]
    assert auditor.delete(photo_url).status_code == 204
    assert codes_of(auditor, audit_id) == []


def test_signals_never_block_submit_or_approval(login_as, store, manager):
    audit_id = visit(login_as("auditor"), store, geo={"lat": 52.6, "lon": 13.405, "accuracy": 5})
    assert codes_of(manager, audit_id) == ["far_from_location"]
    review = manager.post(f"/api/v1/audits/{audit_id}/review", json={"decision": "approve"})
    assert review.status_code == 200
    assert review.get_json()["status"] == "approved"


def test_audits_filter_by_signal(login_as, store, manager):
    auditor = login_as("auditor")
    far = visit(auditor, store, geo={"lat": 52.6, "lon": 13.405, "accuracy": 5})
    visit(auditor, store)
    listed = manager.get("/api/v1/audits?signal=far_from_location").get_json()
    assert [item["uuid"] for item in listed["items"]] == [far]
    assert manager.get("/api/v1/audits?signal=short_visit").get_json()["items"] == []
    refused = manager.get("/api/v1/audits?signal=looks_odd")
    assert refused.status_code == 422
    assert "signal" in problem_of(refused)["errors"]
