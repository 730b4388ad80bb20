"""Dispute pages (DESIGN §10.4): the lead's phone-friendly store audits with a dispute form on
each question (other staff members' names hidden), the admin's open disputes to uphold or reject,
the marks on the manager's store and audit pages and in the CSV export, and the dispute rates."""

import csv
import io
import uuid

import pytest
from sqlalchemy import select

from auditor.core.extensions import db
from auditor.models import Audit, Dispute, Location, User
from tests.api.audit_helpers import published_store
from tests.api.dispute_helpers import (
    approved_audit,
    approved_days_ago,
    cast_of,
    decide,
    dispute,
)
from tests.api.images import jpeg
from tests.factories import LocationFactory, UserFactory
from tests.web.page_world import browse_as, csrf_of


@pytest.fixture
def store(app):
    return published_store()


@pytest.fixture
def cast(login_as, store):
    return cast_of(login_as, store, login_as("auditor", name="Otto Auditor"))


@pytest.fixture
def audit_id(cast, store) -> str:
    """An approved audit that names the lead and a colleague, and a badge name."""
    colleague = UserFactory(role="staff", name="Kim Colleague", location_id=store.location_id)
    return approved_audit(
        cast, store, staff_ids=[cast.lead.user.id, colleague.id], staff_names=["Badge Bert"]
    )


def as_user(client, user: User):
    """A browser of its own for the user (the fixture's client carries the API tokens)."""
    return browse_as(client.application.test_client(), db.session.get(User, user.id))


def post_dispute(client, audit_id, question="music_db", comment="It was quiet.", photo=None):
    data = {"csrf_token": csrf_of(client, "/lead"), "question": question, "comment": comment}
    if photo is not None:
        data["photo"] = (io.BytesIO(photo), "evidence.jpg")
    return client.post(
        f"/lead/audits/{audit_id}/disputes", data=data, content_type="multipart/form-data"
    )


def test_the_lead_sees_the_stores_approved_audits_only(client, cast, store, audit_id):
    other = LocationFactory(region=db.session.get(Location, store.location_id).region)
    elsewhere = approved_audit(cast, store, location_id=other.id, staff_ids=[])
    client = as_user(client, cast.lead.user)
    page = client.get("/lead")
    assert page.status_code == 200
    text = page.get_data(as_text=True)
    assert f"/lead/audits/{audit_id}" in text
    assert elsewhere not in text
    assert client.get(f"/lead/audits/{elsewhere}").status_code == 404


def test_the_lead_audit_page_hides_other_staff_and_serves_photos(client, cast, audit_id):
    client = as_user(client, cast.lead.user)
    page = client.get(f"/lead/audits/{audit_id}")
    assert page.status_code == 200
    text = page.get_data(as_text=True)
    assert "Kim Colleague" not in text
    assert "Badge Bert" not in text
    assert "Otto Auditor" not in text
    assert "you (other staff members are not named here)" in text
    assert "74.3" in text  # the overall score, shown to one decimal
    assert text.count('name="question"') == 17  # a dispute form on every question
    photo = db.session.get(Audit, uuid.UUID(audit_id)).photos[0]
    assert f"/lead/photos/{photo.id}?size=thumb" in text
    image = client.get(f"/lead/photos/{photo.id}?size=thumb")
    assert (image.status_code, image.mimetype) == (200, "image/jpeg")
    assert client.get(f"/lead/photos/{uuid.uuid4()}").status_code == 404


def test_only_a_lead_sees_the_lead_pages(client, cast, store, audit_id):
    plain = as_user(client, UserFactory(role="staff", location_id=store.location_id))
    assert plain.get("/lead").status_code == 403
    assert plain.get(f"/lead/audits/{audit_id}").status_code == 403
    assert as_user(client, cast.manager.user).get("/lead").status_code == 403


def test_a_lead_disputes_a_question_with_a_photo_from_the_page(client, cast, audit_id):
    client = as_user(client, cast.lead.user)
    response = post_dispute(client, audit_id, photo=jpeg(1200, 900))
    assert response.status_code == 302
    assert "Dispute sent" in client.get(response.location).get_data(as_text=True)
    found = db.session.scalars(select(Dispute)).one()
    assert (found.question_key, found.comment, found.status) == (
        "music_db",
        "It was quiet.",
        "open",
    )
    assert found.opened_by_id == cast.lead.user.id
    assert found.photo is not None
    assert found.photo.width == 1200
    page = client.get(f"/lead/audits/{audit_id}").get_data(as_text=True)
    assert "It was quiet." in page
    assert page.count('name="question"') == 16  # no second form on the disputed question
    again = post_dispute(client, audit_id, comment="Twice.")
    assert "open dispute" in client.get(again.location).get_data(as_text=True)
    assert len(db.session.scalars(select(Dispute)).all()) == 1


def test_a_bad_photo_or_no_comment_opens_nothing(client, cast, audit_id):
    client = as_user(client, cast.lead.user)
    post_dispute(client, audit_id, photo=b"not an image")
    post_dispute(client, audit_id, comment="   ")
    assert db.session.scalars(select(Dispute)).all() == []


def test_after_14_days_there_is_no_form_and_a_post_is_refused(client, cast, audit_id):
    approved_days_ago(audit_id, 15)
    client = as_user(client, cast.lead.user)
    page = client.get(f"/lead/audits/{audit_id}").get_data(as_text=True)
    assert 'name="question"' not in page
    assert "closed (14 days after approval)" in page
    response = post_dispute(client, audit_id)
    assert "14 days" in client.get(response.location).get_data(as_text=True)
    assert db.session.scalars(select(Dispute)).all() == []


def admin_form(client, dispute_id, **fields):
    data = {"csrf_token": csrf_of(client, "/admin/disputes"), **fields}
    return client.post(f"/admin/disputes/{dispute_id}", data=data)


def test_the_admin_sees_answer_photos_and_comment_side_by_side(client, cast, audit_id):
    opened = dispute(cast.lead, audit_id, question="tidy", comment="Aisles were clear.")
    dispute_id = opened.get_json()["id"]
    path = f"/api/v1/disputes/{dispute_id}/photo"
    assert cast.lead.put(path, data=jpeg(), content_type="image/jpeg").status_code == 200
    page = as_user(client, cast.admin.user).get("/admin/disputes")
    assert page.status_code == 200
    text = page.get_data(as_text=True)
    assert "Aisles were clear." in text
    assert f"{path}?size=thumb" in text
    tidy_photo = db.session.get(Audit, uuid.UUID(audit_id)).photos[0]
    assert f"/api/v1/photos/{tidy_photo.id}?size=thumb" in text
    assert "Lea Lead" in text
    assert as_user(client, cast.manager.user).get("/admin/disputes").status_code == 403


def test_the_admin_upholds_from_the_page_and_the_audit_is_rescored(client, cast, audit_id):
    dispute_id = dispute(cast.lead, audit_id).get_json()["id"]
    client = as_user(client, cast.admin.user)
    response = admin_form(client, dispute_id, decision="uphold", value="60", note="Agreed.")
    assert response.status_code == 302
    assert "now scores 79.0" in client.get(response.location).get_data(as_text=True)
    assert db.session.get(Audit, uuid.UUID(audit_id)).score_overall == 78.984375
    assert db.session.get(Dispute, dispute_id).status == "upheld"
    assert "No open disputes." in client.get("/admin/disputes").get_data(as_text=True)


def test_a_reject_needs_a_note_on_the_page_too(client, cast, audit_id):
    dispute_id = dispute(cast.lead, audit_id).get_json()["id"]
    client = as_user(client, cast.admin.user)
    refused = admin_form(client, dispute_id, decision="reject", note="")
    assert "Say why" in client.get(refused.location).get_data(as_text=True)
    assert db.session.get(Dispute, dispute_id).status == "open"
    admin_form(client, dispute_id, decision="reject", note="Photo shows 70 dB.")
    assert db.session.get(Dispute, dispute_id).status == "rejected"
    assert db.session.get(Audit, uuid.UUID(audit_id)).score_overall != 78.984375


def test_disputed_audits_are_marked_on_manager_pages_and_in_the_export(
    client, cast, store, audit_id
):
    untouched = approved_audit(cast, store)
    first = dispute(cast.lead, audit_id).get_json()["id"]
    dispute(cast.lead, audit_id, question="tidy")
    decide(cast.admin, first, decision="uphold", value=60)
    client = as_user(client, cast.manager.user)
    store_page = client.get(f"/manager/locations/{store.location_id}").get_data(as_text=True)
    assert "disputed: open 1, upheld 1" in store_page
    assert store_page.count("disputed:") == 1
    assert "1 of 2 approved audits disputed (50.0%), 1 changed by an upheld dispute (50.0%)" in (
        store_page
    )
    audit_page = client.get(f"/manager/audits/{audit_id}").get_data(as_text=True)
    assert 'href="#disputes">disputed</a>' in audit_page
    assert "It was quiet." not in audit_page  # the API helper's comment is "Music was quiet."
    assert "Music was quiet." in audit_page
    assert "Dispute upheld by Ada Admin" in audit_page
    rows = list(
        csv.reader(io.StringIO(client.get("/manager/export/audits.csv").get_data(as_text=True)))
    )
    header = rows[0]
    marks = {
        row[0]: (row[header.index("disputes")], row[header.index("disputes_upheld")])
        for row in rows[1:]
    }
    assert marks == {audit_id: ("2", "1"), untouched: ("0", "0")}


def test_the_rates_page_per_location_and_auditor(client, cast, store, login_as):
    audits = [approved_audit(cast, store) for _ in range(4)]
    other = login_as("auditor", name="Ute Other")
    for audit in (audits[0], audits[1]):
        dispute(cast.lead, audit)
    decide(
        cast.admin,
        dispute(cast.lead, audits[0], question="tidy").get_json()["id"],
        decision="reject",
        note="No.",
    )
    extra = approved_audit(
        cast_of.__globals__["Cast"](other, cast.lead, cast.manager, cast.admin), store
    )
    assert extra
    page = as_user(client, cast.manager.user).get("/manager/disputes")
    assert page.status_code == 200
    text = page.get_data(as_text=True)
    # the store: 5 approved, 2 disputed (40%), none upheld; Otto 2 of 4 (50%), Ute 0 of 1
    cells = '<td class="num">5</td><td class="num">2 <small>(40.0%)</small></td>'
    assert f'{cells}<td class="num">0 <small>(0.0%)</small></td>' in text
    assert 'Otto Auditor</th><td class="num">4</td><td class="num">2 <small>(50.0%)</small>' in text
    assert 'Ute Other</th><td class="num">1</td><td class="num">0 <small>(0.0%)</small>' in text
    assert "2 disputes open" in text


def test_a_manager_disputes_from_the_audit_page(client, cast, audit_id):
    client = as_user(client, cast.manager.user)
    page = client.get(f"/manager/audits/{audit_id}").get_data(as_text=True)
    assert "Dispute a result" in page
    data = {
        "csrf_token": csrf_of(client, f"/manager/audits/{audit_id}"),
        "question": "tidy",
        "comment": "Delivery day.",
    }
    response = client.post(f"/lead/audits/{audit_id}/disputes", data=data)
    assert response.location.endswith(f"/manager/audits/{audit_id}")
    found = db.session.scalars(select(Dispute)).one()
    assert (found.question_key, found.opened_by_id) == ("tidy", cast.manager.user.id)
    assert "Delivery day." in client.get(response.location).get_data(as_text=True)
