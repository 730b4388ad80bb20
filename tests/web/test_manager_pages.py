"""Manager pages: scope (region A never sees region B), roles, the three-click path, queries."""

import pytest
from sqlalchemy import event

from auditor.core.extensions import db
from tests.web.page_world import browse_as


@pytest.fixture
def manager(client, world):
    return browse_as(client, world.manager_a)


def pages(world) -> list[str]:
    a, weak = world.store_a.id, world.weak_a.id
    return [
        "/manager",
        "/manager?section=greeting&days=30",
        f"/manager?region_id={world.region_a.id}",
        "/manager/heatmap",
        "/manager/weakest",
        "/manager/weakest?section=greeting",
        f"/manager/locations/{a}",
        f"/manager/locations/{weak}",
        "/manager/questions/welcome",
        f"/manager/questions/welcome?location_id={weak}",
        "/manager/review",
        f"/manager/audits/{world.submitted_a}",
        "/manager/actions",
        "/manager/actions?status=all",
        "/manager/export/audits.csv",
        "/manager/export/ranking.csv",
        f"/staff/{world.staff_a.id}",
    ]


def test_every_page_shows_region_a_and_nothing_of_region_b(manager, world):
    for path in pages(world):
        response = manager.get(path)
        assert response.status_code == 200, path
        body = response.get_data(as_text=True)
        for secret in world.secrets:
            assert secret not in body, (path, secret)
    assert "Altona Flagship" in manager.get("/manager").get_data(as_text=True)


def test_region_b_objects_answer_404(manager, world):
    b = world.store_b.id
    for path in [
        f"/manager/locations/{b}",
        f"/manager/audits/{world.submitted_b}",
        f"/manager/audits/{world.approved_b}",
        f"/manager?region_id={world.region_b.id}",
        f"/manager/heatmap?region_id={world.region_b.id}",
        f"/manager/questions/welcome?location_id={b}",
        f"/manager/export/ranking.csv?region_id={world.region_b.id}",
        f"/manager/export/audits.csv?region_id={world.region_b.id}",
        f"/staff/{world.staff_b.id}",
        "/manager/questions/no_such_question",
    ]:
        assert manager.get(path).status_code == 404, path


@pytest.mark.parametrize("key", ["%00", "a%0D%0ASet-Cookie:x=1", "%22q%22", "caf%C3%A9", "x" * 65])
@pytest.mark.parametrize("page", ["/manager", "/manager/heatmap", "/manager/weakest"])
def test_a_checklist_key_no_checklist_can_have_answers_404(manager, world, page, key):
    response = manager.get(f"{page}?checklist={key}")
    assert response.status_code == 404
    assert "Set-Cookie" not in response.headers or "x=1" not in response.headers["Set-Cookie"]


def test_anonymous_visitors_are_sent_to_log_in(client, world):
    response = client.get("/manager/heatmap?days=30")
    assert response.status_code == 302
    assert response.location.startswith("/login?next=")
    assert "heatmap" in response.location


@pytest.mark.parametrize("role", ["auditor", "staff"])
def test_other_roles_get_403(client, world, role):
    from tests.factories import UserFactory

    user = UserFactory(role=role, location_id=world.store_a.id if role == "staff" else None)
    browse_as(client, user)
    for path in ["/manager", "/manager/review", "/manager/export/audits.csv"]:
        assert client.get(path).status_code == 403, path


def test_admins_see_every_region(client, world):
    browse_as(client, world.admin)
    body = client.get("/manager").get_data(as_text=True)
    assert "Bremen Secret" in body
    assert "Altona Flagship" in body


def test_the_weakest_store_and_the_question_that_sinks_it_in_three_clicks(manager, world):
    body = manager.get("/manager").get_data(as_text=True)
    rows = body.split("<tbody>")[1]
    assert rows.index("Altona Flagship") < rows.index("Wedel Corner")  # weakest at the bottom
    location_link = f"/manager/locations/{world.weak_a.id}"
    assert location_link in body
    store_page = manager.get(location_link + "?checklist=store-visit&days=90").get_data(
        as_text=True
    )
    weakest = store_page.split("Weakest questions here")[1]
    first = weakest.split('<a href="')[1].split('"')[0].replace("&amp;", "&")
    assert first.startswith(("/manager/questions/tidy?", "/manager/questions/welcome?"))
    text = manager.get(first).get_data(as_text=True)
    assert text.count("/manager/audits/") == 3  # the three audits where it failed
    assert "Wedel Corner" in text


def test_dashboard_shows_n_ci_movement_and_sparklines(manager, world):
    body = manager.get("/manager").get_data(as_text=True)
    assert "<polyline" in body
    assert "95 % CI" in body
    assert "new in the ranking" in body  # no previous window in the data


COUNTED = [
    "/manager",
    "/manager/heatmap",
    "/manager/weakest",
    "/manager/review",
    "/manager/actions?status=all",
    "/manager/questions/welcome",
]


def test_pages_run_a_constant_number_of_queries_whatever_the_data_size(app, manager, world):
    from tests.factories import LocationFactory, UserFactory
    from tests.web.page_world import action_for, audit

    class Store:
        checklist_id = world.checklist_id

    before = {path: _count(app, manager, path) for path in COUNTED}
    auditor = UserFactory(role="auditor")
    for index in range(8):
        extra = LocationFactory(region=world.region_a, code=f"AAA-X{index}")
        for days in (5, 40):
            made = audit(Store, extra, days, 60 + index, auditor, failed=("welcome",))
        action_for(made, f"Follow up {index}")
        audit(Store, extra, 1, 50.0, auditor, status="submitted")
    assert before["/manager"] > 5
    assert {path: _count(app, manager, path) for path in COUNTED} == before


def _count(app, client, path):
    with app.app_context():
        seen = []
        engine = db.engine

        def record(*_args):
            seen.append(1)

        event.listen(engine, "before_cursor_execute", record)
        try:
            assert client.get(path).status_code == 200
        finally:
            event.remove(engine, "before_cursor_execute", record)
        return len(seen)


def test_rank_movement_against_the_previous_window(manager, world):
    from tests.factories import UserFactory
    from tests.web.page_world import audit

    class Store:
        checklist_id = world.checklist_id

    auditor = UserFactory(role="auditor")
    audit(Store, world.store_a, 100, 30.0, auditor)
    audit(Store, world.weak_a, 100, 99.0, auditor)
    body = manager.get("/manager").get_data(as_text=True)
    assert "up 1 from 2" in body
    assert "down 1 from 1" in body


def test_moving_between_insight_pages_keeps_the_filters(manager, world):
    region = world.region_a.id
    body = manager.get(f"/manager?region_id={region}&days=30").get_data(as_text=True)
    kept = f"region_id={region}&amp;checklist=store-visit&amp;days=30"
    assert f'href="/manager/heatmap?{kept}"' in body
    assert f'href="/manager/weakest?{kept}"' in body
    assert 'href="/manager/review"' in body  # the queue is not filtered by window
