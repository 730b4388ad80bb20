"""The calibration page (DESIGN §10.5): flags first, figures as the API's, charts of the
auditor's scores against their peers' at the same stores, scoped to the manager's regions."""

import re
from datetime import timedelta

import pytest
from sqlalchemy import event

from auditor.core.extensions import db
from auditor.insights import score_spread
from auditor.insights.queries import Scope
from auditor.models import Region, utcnow
from tests.api.audit_helpers import published_store
from tests.api.insight_helpers import approved
from tests.factories import LocationFactory, RegionFactory, UserFactory
from tests.web.page_world import browse_as


@pytest.fixture
def calibrated(app):
    """Region A: stores S1, S2 visited by Hugo (high: 95, 92, 90), Lena (low: 40, 44, 41) and
    Fay (70, 72, 69, 71); region B: a store only Bea and Bo visit."""
    store = published_store()
    region = db.session.get(Region, store.region_id)
    region.name = "Alpha Region"
    s1, s2 = LocationFactory(region=region), LocationFactory(region=region)
    hugo, lena, fay = (UserFactory(role="auditor", name=n) for n in ("Hugo", "Lena", "Fay"))
    visits = [
        (hugo, s1, 95),
        (hugo, s2, 92),
        (hugo, s1, 90),
        (lena, s1, 40),
        (lena, s2, 44),
        (lena, s2, 41),
        (fay, s1, 70),
        (fay, s2, 72),
        (fay, s1, 69),
        (fay, s2, 71),
    ]
    for day, (who, where, score) in enumerate(visits, start=1):
        approved(store, where.id, score, day, auditor_id=who.id)
    other = RegionFactory(name="Bravo Region")
    secret = LocationFactory(region=other)
    bea, bo = UserFactory(role="auditor", name="Bea Secret"), UserFactory(role="auditor", name="Bo")
    approved(store, secret.id, 60, 1, auditor_id=bea.id)
    approved(store, secret.id, 80, 2, auditor_id=bo.id)
    manager = UserFactory(role="manager", regions=[region], name="Mara")
    return {
        "store": store,
        "region": region,
        "manager": manager,
        "visits": visits,
        "s1": s1,
        "s2": s2,
        "hugo": hugo,
        "other": other,
    }


def test_the_page_lists_flagged_auditors_first_with_charts(client, calibrated):
    browse_as(client, calibrated["manager"])
    response = client.get("/manager/calibration")
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    names = re.findall(r'<th scope="row">([^<]+)</th>', page)
    assert set(names[:2]) == {"Hugo", "Lena"}
    assert names[2:] == ["Fay"]
    assert "High ▲" in page
    assert "Low ▼" in page
    assert "Bea Secret" not in page
    assert "Bravo Region" not in page
    assert page.count('class="spark spread"') == 3
    assert "Scores of Hugo against their peers" in page
    assert 'aria-current="page">Calibration' in page


def test_the_figures_are_the_apis(client, calibrated, login_as):
    api = login_as("manager", regions=[calibrated["region"]])
    body = api.get("/api/v1/calibration").get_json()
    browse_as(client, calibrated["manager"])
    page = client.get("/manager/calibration?days=180").get_data(as_text=True)
    for item in body["items"]:
        assert f"{item['bias']:+.1f}" in page
        assert f"{item['ci'][0]:+.1f} to {item['ci'][1]:+.1f}" in page


def test_spreads_count_own_and_peer_scores_by_band(calibrated):
    now = utcnow()
    found = score_spread.spreads(
        db.session, Scope([calibrated["region"].id], "store-visit"), now - timedelta(days=30), now
    )
    hugo = found[calibrated["hugo"].id]
    # Hugo's own: 95, 92, 90 -> band 9 three times; peers at S1 and S2 (every other audit):
    # 40, 44, 41 (band 4) and 70, 72, 69, 71 (bands 7, 7, 6, 7)
    assert hugo.own == [0, 0, 0, 0, 0, 0, 0, 0, 0, 3]
    assert hugo.peers == [0, 0, 0, 0, 3, 0, 1, 3, 0, 0]
    assert len(found) == 3


def test_a_region_outside_answers_404_and_other_roles_403(client, calibrated):
    browse_as(client, calibrated["manager"])
    other = calibrated["other"].id
    assert client.get(f"/manager/calibration?region_id={other}").status_code == 404
    browse_as(client, calibrated["hugo"])
    assert client.get("/manager/calibration").status_code == 403


def test_the_page_costs_the_same_statements_for_more_auditors(app, client, calibrated):
    browse_as(client, calibrated["manager"])

    def count():
        seen = []
        with app.app_context():
            engine = db.engine
        listener = lambda *args: seen.append(1)  # noqa: E731
        event.listen(engine, "before_cursor_execute", listener)
        try:
            assert client.get("/manager/calibration").status_code == 200
        finally:
            event.remove(engine, "before_cursor_execute", listener)
        return len(seen)

    before = count()
    for _ in range(4):
        extra = UserFactory(role="auditor")
        approved(calibrated["store"], calibrated["s1"].id, 50, 3, auditor_id=extra.id)
    assert count() == before


def test_an_empty_window_says_so(client, calibrated):
    lonely = RegionFactory()
    admin = UserFactory(role="admin")
    browse_as(client, admin)
    page = client.get(f"/manager/calibration?region_id={lonely.id}").get_data(as_text=True)
    assert "No auditor has an audit at a store another auditor visited" in page
