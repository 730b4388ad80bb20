"""GET /api/v1/rankings against hand-computed cases (DESIGN §4)."""

import math

import pytest
from sqlalchemy import event

from auditor.core.extensions import db
from auditor.models import Region
from tests.api.audit_helpers import published_store
from tests.api.insight_helpers import approved
from tests.conftest import problem_of
from tests.factories import LocationFactory, RegionFactory, UserFactory

T_1 = 12.706204736174707  # t(0.975, 1)
T_2 = 4.302652729749464  # t(0.975, 2)


@pytest.fixture
def world(app):
    store = published_store()
    region = db.session.get(Region, store.region_id)
    a, b, c, d = (LocationFactory(region=region, code=code) for code in "ABCD")
    auditor = UserFactory(role="auditor")

    def add(loc, score, days, **kw):
        return approved(store, loc.id, score, days, auditor_id=auditor.id, **kw)

    for loc, scores in ((a, [80, 90]), (b, [70]), (c, [60, 70, 80])):
        for offset, score in enumerate(scores):
            add(loc, score, 10 + offset, sections={"greeting": score - 10})
    add(a, 60, 100)  # the previous window
    add(b, 95, 120)
    add(c, 10, 200)  # before both windows
    return {"store": store, "region": region, "a": a, "b": b, "c": c, "d": d}


def by_code(body):
    return {item["location"]["code"]: item for item in body["items"]}


def test_the_ranking_matches_hand_computed_values(login_as, world):
    manager = login_as("manager", regions=[world["region"]])
    response = manager.get("/api/v1/rankings")
    assert response.status_code == 200
    body = response.get_json()
    items = by_code(body)
    assert [item["location"]["code"] for item in body["items"]] == ["A", "B", "C"]
    assert [item["rank"] for item in body["items"]] == [1, 2, 3]
    assert items["A"]["score"] == pytest.approx(79.0, rel=1e-12)
    assert items["B"]["score"] == pytest.approx(73.75, rel=1e-12)
    assert items["C"]["score"] == pytest.approx(72.5, rel=1e-12)
    assert (items["A"]["mean"], items["A"]["n"]) == (85.0, 2)
    half_a = T_1 * math.sqrt(50) / math.sqrt(2)
    assert items["A"]["ci"] == pytest.approx([85 - half_a, 85 + half_a], rel=1e-9)
    half_c = T_2 * 10 / math.sqrt(3)
    assert items["C"]["ci"] == pytest.approx([70 - half_c, 70 + half_c], rel=1e-9)
    assert items["B"]["ci"] is None
    # previous window: B 95 and A 60 -> m = 77.5; B 81.875, A 73.125; C unranked then
    assert (items["A"]["previous_rank"], items["B"]["previous_rank"]) == (2, 1)
    assert items["C"]["previous_rank"] is None
    store_codes = {u["location"]["code"] for u in body["unranked"]}
    assert "D" in store_codes
    assert body["from"] < body["to"]


def test_prior_weight_comes_from_the_setting(app, login_as, world):
    app.config["RANKING_PRIOR_WEIGHT"] = 0
    manager = login_as("manager", regions=[world["region"]])
    items = by_code(manager.get("/api/v1/rankings").get_json())
    assert items["A"]["score"] == 85.0  # no shrinkage: the raw mean


def test_section_rankings_use_section_scores(login_as, world):
    manager = login_as("manager", regions=[world["region"]])
    body = manager.get("/api/v1/rankings?section=greeting").get_json()
    items = by_code(body)
    assert items["A"]["mean"] == 75.0
    assert items["C"]["mean"] == 60.0
    assert items["A"]["score"] == pytest.approx((2 * 75 + 3 * 65) / 5)


def test_ties_share_a_rank(login_as, app):
    store = published_store()
    region = db.session.get(Region, store.region_id)
    auditor = UserFactory(role="auditor")
    for code, score in (("T1", 70), ("T2", 70), ("T3", 50)):
        location = LocationFactory(region=region, code=code)
        approved(store, location.id, score, 5, auditor_id=auditor.id)
    body = login_as("admin").get(f"/api/v1/rankings?region_id={region.id}").get_json()
    assert [item["rank"] for item in body["items"]] == [1, 1, 3]


def test_the_window_follows_days(login_as, world):
    manager = login_as("manager", regions=[world["region"]])
    body = manager.get("/api/v1/rankings?days=365").get_json()
    assert by_code(body)["C"]["n"] == 4


def test_scope_rules(login_as, world):
    other = RegionFactory()
    outsider = login_as("manager", regions=[other])
    assert outsider.get("/api/v1/rankings").get_json()["items"] == []
    assert outsider.get(f"/api/v1/rankings?region_id={world['region'].id}").status_code == 404
    for role in ("auditor", "staff"):
        assert login_as(role).get("/api/v1/rankings").status_code == 403


@pytest.mark.parametrize(
    ("query", "field"),
    [("section=nope", "section"), ("checklist=nope", "checklist"), ("days=0", "days")],
)
def test_bad_parameters_answer_422(login_as, world, query, field):
    response = login_as("admin").get(f"/api/v1/rankings?{query}")
    assert response.status_code == 422
    assert field in problem_of(response)["errors"]


def count_queries(app, call) -> int:
    statements = []
    with app.app_context():
        engine = db.engine
    listener = lambda *args: statements.append(args[2])  # noqa: E731
    event.listen(engine, "before_cursor_execute", listener)
    try:
        assert call().status_code == 200
    finally:
        event.remove(engine, "before_cursor_execute", listener)
    return len(statements)


def test_the_query_count_does_not_grow_with_the_locations(app, login_as, world):
    admin = login_as("admin")
    few = count_queries(app, lambda: admin.get("/api/v1/rankings"))
    auditor = UserFactory(role="auditor")
    for index in range(30):
        location = LocationFactory(region=world["region"], code=f"X{index}")
        approved(world["store"], location.id, 50 + index, 3, auditor_id=auditor.id)
    many = count_queries(app, lambda: admin.get("/api/v1/rankings"))
    assert many == few
