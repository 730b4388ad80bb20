"""Staff scorecards (DESIGN §4): own numbers beside store and region, nobody else's name."""

import json

import pytest

from auditor.core.extensions import db
from auditor.models import Answer, Location, Region
from tests.api.audit_helpers import published_store
from tests.api.insight_helpers import approved
from tests.conftest import ApiClient, token_for
from tests.factories import LocationFactory, RegionFactory, UserFactory


def as_user(client, user) -> ApiClient:
    """An API client logged in as an existing user."""
    return ApiClient(client, token_for(client, user.email), user)


@pytest.fixture
def world(app):
    store = published_store()
    region = db.session.get(Region, store.region_id)
    home = db.session.get(Location, store.location_id)
    neighbour = LocationFactory(region=region)
    far = LocationFactory(region=RegionFactory())
    kim = UserFactory(role="staff", name="Kim Unique", location_id=home.id)
    lou = UserFactory(role="staff", name="Lou Secretname", location_id=home.id)
    auditor = UserFactory(role="auditor", name="Ann Shopper")

    def add(location, score, days, **kw):
        return approved(store, location.id, score, days, auditor_id=auditor.id, **kw)

    first = add(home, 80, 10, staff=[kim], sections={"greeting": 70, "music": 90})
    first.answers.append(Answer(question_key="welcome", value=True, comment="Warm welcome."))
    first.staff_names = ["Lou Secretname (badge)"]
    db.session.commit()
    add(home, 90, 40, staff=[kim, lou], sections={"greeting": 80})
    add(home, 60, 5, staff=[lou])
    add(neighbour, 50, 5)
    add(far, 100, 5)
    add(home, 10, 200, staff=[kim])  # outside the window
    return {"region": region, "home": home, "kim": kim, "lou": lou, "audits": (first,)}


def test_a_staff_member_sees_their_own_scorecard(login_as, world):
    kim = world["kim"]
    me = as_user(login_as("admin").client, kim)
    body = me.get("/api/v1/me/scorecard").get_json()
    assert body["staff"] == {
        "id": kim.id,
        "name": "Kim Unique",
        "location": {
            "id": world["home"].id,
            "code": world["home"].code,
            "name": world["home"].name,
        },
    }
    assert body["n"] == 2
    assert body["overall"] == 85.0
    assert body["sections"] == {"greeting": 75.0, "music": 90.0}
    assert body["location_mean"] == pytest.approx((80 + 90 + 60) / 3)
    assert body["region_mean"] == pytest.approx((80 + 90 + 60 + 50) / 4)
    assert sum(month["n"] for month in body["trend"]) == 2
    assert [r["score"] for r in body["recent"]] == [80.0, 90.0]
    assert body["recent"][0]["comments"] == [{"question": "welcome", "comment": "Warm welcome."}]
    text = json.dumps(body)
    assert "Secretname" not in text  # another staff member, by account or badge
    assert "Shopper" not in text  # the mystery shopper stays anonymous
    same = me.get(f"/api/v1/staff/{kim.id}/scorecard").get_json()
    assert {k: v for k, v in same.items() if k not in ("from", "to")} == {
        k: v for k, v in body.items() if k not in ("from", "to")
    }


def test_staff_never_see_another_staff_members_scorecard(login_as, world):
    lou = world["lou"]
    me = as_user(login_as("admin").client, world["kim"])
    assert me.get(f"/api/v1/staff/{lou.id}/scorecard").status_code == 404
    assert me.get("/api/v1/rankings").status_code == 403
    assert me.get("/api/v1/audits").status_code == 403


def test_managers_see_their_regions_staff_only(login_as, world):
    manager = login_as("manager", regions=[world["region"]])
    assert manager.get(f"/api/v1/staff/{world['kim'].id}/scorecard").status_code == 200
    outsider = login_as("manager", regions=[RegionFactory()])
    assert outsider.get(f"/api/v1/staff/{world['kim'].id}/scorecard").status_code == 404
    assert login_as("auditor").get(f"/api/v1/staff/{world['kim'].id}/scorecard").status_code == 403


def test_only_staff_accounts_have_scorecards(login_as, world):
    admin = login_as("admin")
    assert admin.get(f"/api/v1/staff/{admin.user.id}/scorecard").status_code == 404
    assert admin.get("/api/v1/me/scorecard").status_code == 403


def test_the_window_and_checklist_follow_the_query(login_as, world):
    manager = login_as("manager", regions=[world["region"]])
    path = f"/api/v1/staff/{world['kim'].id}/scorecard"
    assert manager.get(f"{path}?days=365").get_json()["n"] == 3
    assert manager.get(f"{path}?days=7").get_json()["n"] == 0
    assert manager.get(f"{path}?checklist=nope").status_code == 422


def test_a_staff_member_without_audits_has_an_empty_scorecard(login_as, world):
    newcomer = login_as("staff", location_id=world["home"].id)
    body = newcomer.get("/api/v1/me/scorecard").get_json()
    assert (body["n"], body["overall"], body["sections"], body["trend"]) == (0, None, {}, [])
    assert body["location_mean"] is not None
