"""A store's lead staff member reads the store's approved audits through the API (DESIGN
§10.4): answers, scores and photos, with no other staff member's name; nothing else."""

import pytest

from auditor.core.extensions import db
from auditor.models import Location
from tests.api.dispute_helpers import approved_audit, cast_of
from tests.api.review_helpers import submitted
from tests.factories import LocationFactory, UserFactory


@pytest.fixture
def cast(login_as, store, auditor):
    return cast_of(login_as, store, auditor)


def test_a_lead_lists_the_stores_approved_audits_only(cast, store):
    colleague = UserFactory(role="staff", name="Kim Colleague", location_id=store.location_id)
    named = approved_audit(
        cast, store, staff_ids=[cast.lead.user.id, colleague.id], staff_names=["Badge Bert"]
    )
    unnamed = approved_audit(cast, store, staff_ids=[colleague.id])
    submitted(cast.auditor, store)  # not approved: not the lead's to see
    other = LocationFactory(region=db.session.get(Location, store.location_id).region)
    elsewhere = approved_audit(cast, store, location_id=other.id, staff_ids=[])
    page = cast.lead.get("/api/v1/audits").get_json()
    assert page["total"] == 2
    by_id = {item["uuid"]: item for item in page["items"]}
    assert set(by_id) == {named, unnamed}
    assert (by_id[named]["staff_ids"], by_id[named]["staff_names"]) == ([cast.lead.user.id], [])
    assert (by_id[unnamed]["staff_ids"], by_id[unnamed]["staff_names"]) == ([], [])
    one = cast.lead.get(f"/api/v1/audits/{named}").get_json()
    assert one["score"]["overall"] == pytest.approx(74.296875)
    assert {a["question"] for a in one["answers"]} >= {"music_db", "tidy"}
    assert (one["staff_ids"], one["staff_names"]) == ([cast.lead.user.id], [])
    assert "Kim Colleague" not in str(one)
    photo = cast.lead.get(one["photos"][0]["thumb_url"])
    assert (photo.status_code, photo.mimetype) == (200, "image/jpeg")
    assert cast.lead.get(f"/api/v1/audits/{elsewhere}").status_code == 404
    # the manager still reads every name
    assert cast.manager.get(f"/api/v1/audits/{named}").get_json()["staff_names"] == ["Badge Bert"]


def test_a_lead_reads_and_writes_nothing_else(cast, store, login_as):
    pending = submitted(cast.auditor, store)
    assert cast.lead.get(f"/api/v1/audits/{pending}").status_code == 404
    audit_id = approved_audit(cast, store)
    assert cast.lead.put(f"/api/v1/audits/{audit_id}", json={}).status_code in (403, 422)
    review = cast.lead.post(f"/api/v1/audits/{audit_id}/review", json={"decision": "approve"})
    assert review.status_code == 403
    plain = login_as("staff", location_id=store.location_id)
    assert plain.get("/api/v1/audits").status_code == 403
    assert plain.get(f"/api/v1/audits/{audit_id}").status_code == 403
