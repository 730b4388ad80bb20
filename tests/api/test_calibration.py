"""GET /api/v1/calibration (DESIGN §10.5) against figures computed by hand."""

import math
import statistics

import pytest
from sqlalchemy import event

from auditor.core.extensions import db
from auditor.models import Region
from tests.api.audit_helpers import published_store
from tests.api.insight_helpers import approved
from tests.conftest import problem_of
from tests.factories import LocationFactory, RegionFactory, UserFactory

# Student's t, 0.975 quantile, from the printed tables (df: value)
T_975 = {1: 12.706204736174707, 2: 4.302652729749464, 3: 3.182446305284263}


def by_hand(audits, auditor_id):
    """One difference per audit of the auditor at a location another auditor visited: its
    score minus the plain mean of every other auditor's audits there; then n, mean, interval."""
    differences = []
    for who, location, score in audits:
        others = [s for w, loc, s in audits if loc == location and w != who]
        if who == auditor_id and others:
            differences.append(score - statistics.mean(others))
    n = len(differences)
    bias = statistics.mean(differences)
    if n < 2:
        return n, bias, None
    half = T_975[n - 1] * statistics.stdev(differences) / math.sqrt(n)
    return n, bias, [bias - half, bias + half]


@pytest.fixture
def world(app):
    """Region R: stores S1 (A 80, 90; B 70; C 60), S2 (A 75, 95; B 85), S3 (A alone 50);
    region Q: S4 (B 40; C 100). Plus audits that never count: too old, another status."""
    store = published_store()
    region = db.session.get(Region, store.region_id)
    other_region = RegionFactory()
    s1, s2, s3 = (LocationFactory(region=region, code=c) for c in ("S1", "S2", "S3"))
    s4 = LocationFactory(region=other_region, code="S4")
    a, b, c = (UserFactory(role="auditor", name=name) for name in ("Ann", "Ben", "Cat"))
    audits = [
        (a, s1, 80),
        (a, s1, 90),
        (b, s1, 70),
        (c, s1, 60),
        (a, s2, 75),
        (a, s2, 95),
        (b, s2, 85),
        (a, s3, 50),
        (b, s4, 40),
        (c, s4, 100),
    ]
    for day, (who, where, score) in enumerate(audits, start=1):
        approved(store, where.id, score, day, auditor_id=who.id)
    approved(store, s1.id, 0, 400, auditor_id=b.id)  # outside any window asked for here
    returned = approved(store, s2.id, 0, 3, auditor_id=c.id)
    returned.status = "returned"
    db.session.commit()
    rows = [(who.id, where.id, float(score)) for who, where, score in audits]
    return {
        "store": store,
        "region": region,
        "other": other_region,
        "rows": rows,
        "a": a,
        "b": b,
        "c": c,
        "s4": s4,
    }


def items_by_name(response):
    assert response.status_code == 200, response.get_json()
    return {item["auditor"]["name"]: item for item in response.get_json()["items"]}


def assert_matches(item, expected):
    n, bias, ci = expected
    assert item["n"] == n
    assert item["bias"] == pytest.approx(bias, abs=1e-6)
    if ci is None:
        assert item["ci"] is None
    else:
        assert item["ci"] == pytest.approx(ci, abs=1e-6)


def test_figures_equal_a_hand_computation(admin, world):
    items = items_by_name(admin.get("/api/v1/calibration?days=180"))
    rows = world["rows"]
    for auditor in ("a", "b", "c"):
        user = world[auditor]
        assert_matches(items[user.name], by_hand(rows, user.id))
        assert items[user.name]["auditor"] == {"id": user.id, "name": user.name}
    # by hand once more, in numbers: Ann's differences are 80-65, 90-65, 75-85, 95-85
    assert items["Ann"]["n"] == 4
    assert items["Ann"]["bias"] == pytest.approx(10.0, abs=1e-6)
    half = T_975[3] * statistics.stdev([15, 25, -10, 10]) / 2
    assert items["Ann"]["ci"] == pytest.approx([10 - half, 10 + half], abs=1e-6)


def test_a_manager_sees_their_regions_only_and_n_0_is_omitted(login_as, world):
    manager = login_as("manager", regions=[world["region"]])
    items = items_by_name(manager.get("/api/v1/calibration"))
    in_region = [row for row in world["rows"] if row[1] != world["s4"].id]
    assert set(items) == {"Ann", "Ben", "Cat"}
    for auditor in ("a", "b", "c"):
        assert_matches(items[world[auditor].name], by_hand(in_region, world[auditor].id))
    # Cat has one audit at a shared store in region R: n = 1, no interval, no flag
    assert (items["Cat"]["n"], items["Cat"]["ci"], items["Cat"]["flag"]) == (1, None, None)
    # a region of their own with a store only one auditor visited: nobody has a difference
    lonely = RegionFactory()
    shop = LocationFactory(region=lonely)
    approved(world["store"], shop.id, 70, 2, auditor_id=world["a"].id)
    admin = login_as("admin")
    assert admin.get(f"/api/v1/calibration?region_id={lonely.id}").get_json()["items"] == []


def test_only_the_window_counts(admin, world):
    # within 5 days: S1 has A 80 (day 1), A 90 (day 2), B 70 (day 3), C 60 (day 4); S2 A 75
    items = items_by_name(admin.get("/api/v1/calibration?days=5"))
    recent = [row for day, row in enumerate(world["rows"], start=1) if day < 5]
    assert set(items) == {"Ann", "Ben", "Cat"}
    for auditor in ("a", "b", "c"):
        assert_matches(items[world[auditor].name], by_hand(recent, world[auditor].id))


def test_flags_high_and_low_first(admin, app):
    store = published_store()
    region = db.session.get(Region, store.region_id)
    shops = [LocationFactory(region=region) for _ in range(4)]
    high, low, fair = (UserFactory(role="auditor", name=n) for n in ("High", "Low", "Fair"))
    for offset, shop in enumerate(shops):
        for who, score in ((high, 90 + offset), (low, 50 - offset), (fair, 70 + offset % 2)):
            approved(store, shop.id, score, 1 + offset, auditor_id=who.id)
    body = admin.get("/api/v1/calibration").get_json()
    flags = [(item["auditor"]["name"], item["flag"]) for item in body["items"]]
    assert flags[:2] == [("High", "high"), ("Low", "low")] or flags[:2] == [
        ("Low", "low"),
        ("High", "high"),
    ]
    assert flags[2] == ("Fair", None)
    items = {item["auditor"]["name"]: item for item in body["items"]}
    assert items["High"]["ci"][0] > 0
    assert items["Low"]["ci"][1] < 0
    assert items["Fair"]["ci"][0] < 0 < items["Fair"]["ci"][1]


@pytest.mark.parametrize("role", ["auditor", "staff"])
def test_other_roles_are_refused(login_as, world, role):
    response = login_as(role).get("/api/v1/calibration")
    assert response.status_code == 403
    problem_of(response)


def test_a_region_outside_the_managers_answers_404(login_as, world):
    manager = login_as("manager", regions=[world["region"]])
    response = manager.get(f"/api/v1/calibration?region_id={world['other'].id}")
    assert response.status_code == 404
    problem_of(response)


@pytest.mark.parametrize(
    ("query", "field"),
    [("days=0", "days"), ("days=abc", "days"), ("checklist=nope", "checklist")],
)
def test_bad_parameters_answer_422(admin, world, query, field):
    response = admin.get(f"/api/v1/calibration?{query}")
    assert response.status_code == 422
    assert field in problem_of(response)["errors"]


def test_the_query_count_does_not_grow_with_the_auditors(app, admin, world):
    def count():
        seen = []
        with app.app_context():
            engine = db.engine
        listener = lambda *args: seen.append(args[2])  # noqa: E731
        event.listen(engine, "before_cursor_execute", listener)
        try:
            assert admin.get("/api/v1/calibration").status_code == 200
        finally:
            event.remove(engine, "before_cursor_execute", listener)
        return len(seen)

    before = count()
    for _ in range(5):
        extra = UserFactory(role="auditor")
        shop = LocationFactory(region=world["region"])
        approved(world["store"], shop.id, 60, 1, auditor_id=extra.id)
        approved(world["store"], shop.id, 70, 1, auditor_id=world["a"].id)
    assert count() == before
