"""Managing planned visits on /admin/assignments: reschedule, reassign, cancel, filter, page."""

import re
from datetime import UTC, datetime, timedelta
from urllib.parse import parse_qs, urlsplit

import pytest
from sqlalchemy import select

from auditor.core.extensions import db
from auditor.models import Assignment, AuditLogEntry
from tests.factories import UserFactory
from tests.web.page_world import browse_as, csrf_of

TO = "\N{EN DASH}"  # between the first and last row shown
START = datetime(2030, 1, 1, tzinfo=UTC)  # a visit due 2030-01-01 to 2030-01-07 (whole days)


@pytest.fixture
def admin(client, world):
    return browse_as(client, world.admin)


@pytest.fixture
def ann(world):
    return UserFactory(role="auditor", name="Ann Auditor")


def planned(world, auditor, *, location=None, status="open") -> Assignment:
    """A visit due in the first week of 2030."""
    visit = Assignment(
        location_id=(location or world.store_a).id,
        auditor_id=auditor.id,
        checklist_id=world.checklist_id,
        due_from=START,
        due_to=START + timedelta(days=7),
        status=status,
    )
    db.session.add(visit)
    db.session.commit()
    return visit


@pytest.fixture
def visit(world, ann):
    return planned(world, ann)


def post(client, path, data):
    return client.post(path, data={"csrf_token": csrf_of(client, "/admin/assignments"), **data})


def edit(client, visit, **fields):
    form = {"due_from": "2030-01-01", "due_to": "2030-01-07", "auditor_id": str(visit.auditor_id)}
    return post(client, f"/admin/assignments/{visit.id}", {**form, **fields})


def cancel(client, visit, **fields):
    return post(client, f"/admin/assignments/{visit.id}/cancel", fields)


def state(visit) -> tuple:
    db.session.refresh(visit)
    return visit.status, visit.auditor_id, visit.due_from, visit.due_to


def log_of(visit) -> list[dict]:
    stmt = select(AuditLogEntry).where(
        AuditLogEntry.object_type == "assignment", AuditLogEntry.object_id == str(visit.id)
    )
    return [entry.detail for entry in db.session.scalars(stmt)]


def rows(page: str) -> list[int]:
    """The ids of the assignments listed on a page, in order."""
    return [int(i) for i in re.findall(r'<tr id="assignment-(\d+)"', page)]


def link(page: str, rel: str) -> dict | None:
    """The query of the page's rel=prev/next link, or None without one."""
    found = re.search(rf'<a href="([^"]+)" rel="{rel}"', page)
    if found is None:
        return None
    url = urlsplit(found.group(1).replace("&amp;", "&"))
    return {key: values[0] for key, values in parse_qs(url.query).items()}


def test_rescheduling_moves_the_window_to_whole_utc_days(admin, visit):
    page = admin.get(f"/admin/assignments/{visit.id}").get_data(as_text=True)
    assert 'value="2030-01-01"' in page
    assert 'value="2030-01-07"' in page
    response = edit(
        admin, visit, due_from="2030-02-01", due_to="2030-02-03", back_status="all", back_page="2"
    )
    assert response.status_code == 302
    assert parse_qs(urlsplit(response.location).query) == {"status": ["all"], "page": ["2"]}
    status, auditor_id, due_from, due_to = state(visit)
    assert (status, auditor_id) == ("open", visit.auditor_id)
    assert (due_from, due_to) == (
        datetime(2030, 2, 1, tzinfo=UTC),
        datetime(2030, 2, 4, tzinfo=UTC),
    )
    assert log_of(visit) == [{"fields": ["due_from", "due_to"]}]
    assert "Saved the visit to AAA-01" in admin.get(response.location).get_data(as_text=True)


def test_a_one_day_window_is_allowed(admin, visit):
    assert edit(admin, visit, due_from="2030-03-05", due_to="2030-03-05").status_code == 302
    assert state(visit)[2:] == (datetime(2030, 3, 5, tzinfo=UTC), datetime(2030, 3, 6, tzinfo=UTC))


def test_reassigning_to_another_active_auditor(admin, visit):
    ben = UserFactory(role="auditor", name="Ben Auditor")
    assert "Ben Auditor" in admin.get(f"/admin/assignments/{visit.id}").get_data(as_text=True)
    response = edit(admin, visit, auditor_id=str(ben.id))
    assert response.status_code == 302
    assert state(visit) == ("open", ben.id, START, START + timedelta(days=7))
    assert log_of(visit) == [{"fields": ["auditor_id"]}]
    assert "Ben Auditor" in admin.get("/admin/assignments").get_data(as_text=True)


def test_saving_the_form_unchanged_changes_and_logs_nothing(admin, visit):
    response = edit(admin, visit)
    assert "Nothing to change" in admin.get(response.location).get_data(as_text=True)
    assert state(visit) == ("open", visit.auditor_id, START, START + timedelta(days=7))
    assert log_of(visit) == []


def test_cancelling_asks_for_confirmation_first(admin, visit):
    response = cancel(admin, visit)
    assert response.location.startswith(f"/admin/assignments/{visit.id}")
    assert "Tick the box" in admin.get(response.location).get_data(as_text=True)
    assert state(visit)[0] == "open"
    response = cancel(admin, visit, confirm="yes")
    assert response.status_code == 302
    assert state(visit)[0] == "cancelled"
    assert log_of(visit) == [{"fields": ["status"]}]
    assert "Cancelled the visit to AAA-01" in admin.get(response.location).get_data(as_text=True)


@pytest.mark.parametrize(
    ("due_from", "due_to", "message"),
    [
        ("2030-13-01", "2030-01-07", "Give both dates as YYYY-MM-DD."),
        ("", "2030-01-07", "Give both dates as YYYY-MM-DD."),
        ("2030-01-07", "2030-01-01", "Must be after due_from."),
    ],
)
def test_bad_dates_are_refused_and_change_nothing(admin, visit, due_from, due_to, message):
    before = state(visit)
    response = edit(admin, visit, due_from=due_from, due_to=due_to)
    assert response.location.startswith(f"/admin/assignments/{visit.id}")
    assert message in admin.get(response.location).get_data(as_text=True)
    assert state(visit) == before
    assert log_of(visit) == []


@pytest.mark.parametrize(
    "target",
    [
        {"role": "auditor", "active": False},
        {"role": "manager"},
        {"role": "staff"},
        None,  # no such user
    ],
)
def test_reassigning_to_anyone_but_an_active_auditor_is_refused(admin, visit, target):
    user_id = UserFactory(**target).id if target else 999999
    before = state(visit)
    response = edit(admin, visit, auditor_id=str(user_id))
    page = admin.get(response.location).get_data(as_text=True)
    assert f"User {user_id} is not an active auditor." in page
    assert state(visit) == before


def test_an_inactive_current_auditor_does_not_block_a_reschedule(admin, world, ann, visit):
    ann.active = False
    db.session.commit()
    page = admin.get(f"/admin/assignments/{visit.id}").get_data(as_text=True)
    assert "Ann Auditor (inactive)" in page
    assert edit(admin, visit, due_to="2030-01-09").status_code == 302
    assert state(visit)[1:] == (ann.id, START, START + timedelta(days=9))


@pytest.mark.parametrize("status", ["done", "cancelled"])
def test_done_and_cancelled_visits_offer_no_actions_and_refuse_changes(admin, world, ann, status):
    visit = planned(world, ann, status=status)
    listing = admin.get("/admin/assignments?status=all").get_data(as_text=True)
    assert rows(listing) == [visit.id]
    assert f'<span class="status status-{status}">{status}</span>' in listing
    assert f"/admin/assignments/{visit.id}" not in listing
    page = admin.get(f"/admin/assignments/{visit.id}").get_data(as_text=True)
    assert "can no longer be rescheduled" in page
    assert 'name="due_from"' not in page
    assert 'name="confirm"' not in page
    before = state(visit)
    for act in (
        lambda: edit(admin, visit, due_to="2030-01-20"),
        lambda: cancel(admin, visit, confirm="yes"),
    ):
        page = admin.get(act().location).get_data(as_text=True)
        assert f"This visit is {status}; only open visits can be changed." in page
    assert state(visit) == before
    assert log_of(visit) == []


def test_unknown_visits_answer_404(admin, visit):
    assert admin.get("/admin/assignments/999999").status_code == 404
    assert post(admin, "/admin/assignments/999999", {"confirm": "yes"}).status_code == 404
    assert post(admin, "/admin/assignments/999999/cancel", {"confirm": "yes"}).status_code == 404


@pytest.mark.parametrize("role", ["manager", "auditor", "staff"])
def test_other_roles_get_403_and_change_nothing(client, world, visit, role):
    user = world.manager_a if role == "manager" else UserFactory(role=role)
    browse_as(client, user)
    before = state(visit)
    assert client.get(f"/admin/assignments/{visit.id}").status_code == 403
    token = csrf_of(client, "/login") if role != "manager" else csrf_of(client, "/manager")
    for path in (f"/admin/assignments/{visit.id}", f"/admin/assignments/{visit.id}/cancel"):
        form = {"csrf_token": token, "confirm": "yes", "due_from": "2030-05-01"}
        assert client.post(path, data={**form, "due_to": "2030-05-02"}).status_code == 403
    assert state(visit) == before


def test_the_visit_forms_need_the_csrf_token(admin, visit):
    before = state(visit)
    form = {"due_from": "2030-05-01", "due_to": "2030-05-02", "auditor_id": str(visit.auditor_id)}
    assert admin.post(f"/admin/assignments/{visit.id}", data=form).status_code == 400
    response = admin.post(f"/admin/assignments/{visit.id}/cancel", data={"confirm": "yes"})
    assert response.status_code == 400
    bad = {"csrf_token": "not-a-token", "confirm": "yes"}
    assert admin.post(f"/admin/assignments/{visit.id}/cancel", data=bad).status_code == 400
    assert state(visit) == before


def test_120_visits_make_three_pages_of_50(admin, world, ann):
    visits = [planned(world, ann) for _ in range(120)]
    newest_first = [v.id for v in reversed(visits)]
    first = admin.get("/admin/assignments").get_data(as_text=True)
    assert f"120 visits · showing 1{TO}50, page 1 of 3" in first
    assert rows(first) == newest_first[:50]
    assert link(first, "prev") is None
    assert link(first, "next") == {"status": "open", "page": "2"}
    second = admin.get("/admin/assignments?status=open&page=2").get_data(as_text=True)
    assert rows(second) == newest_first[50:100]
    assert link(second, "prev") == {"status": "open", "page": "1"}
    third = admin.get("/admin/assignments?status=open&page=3").get_data(as_text=True)
    assert f"showing 101{TO}120, page 3 of 3" in third
    assert rows(third) == newest_first[100:]
    assert link(third, "next") is None
    beyond = admin.get("/admin/assignments?page=99").get_data(as_text=True)
    assert rows(beyond) == newest_first[100:]  # past the end: the last page


def test_filters_combine_and_the_page_links_keep_them(admin, world, ann):
    ben = UserFactory(role="auditor", name="Ben Auditor")
    made = []
    for i in range(120):
        auditor, store = (ann, ben)[i % 2], (world.store_a, world.weak_a)[i // 2 % 2]
        made.append(
            planned(world, auditor, location=store, status=("open", "cancelled")[i % 3 == 0])
        )

    def expected(**match):
        return [v.id for v in reversed(made) if all(getattr(v, k) == x for k, x in match.items())]

    query = f"status=cancelled&auditor_id={ann.id}&location_id={world.store_a.id}"
    page = admin.get(f"/admin/assignments?{query}").get_data(as_text=True)
    wanted = expected(status="cancelled", auditor_id=ann.id, location_id=world.store_a.id)
    assert 0 < len(wanted) < 50
    assert rows(page) == wanted
    assert f'<p class="meta">{len(wanted)} visits</p>' in page
    assert f'<option value="{ann.id}" selected>' in page
    assert (
        rows(admin.get("/admin/assignments").get_data(as_text=True)) == expected(status="open")[:50]
    )
    all_ann = admin.get(f"/admin/assignments?status=all&auditor_id={ann.id}").get_data(as_text=True)
    assert f"60 visits · showing 1{TO}50, page 1 of 2" in all_ann
    following = link(all_ann, "next")
    assert following == {"status": "all", "auditor_id": str(ann.id), "page": "2"}
    second = admin.get("/admin/assignments", query_string=following).get_data(as_text=True)
    assert rows(second) == expected(auditor_id=ann.id)[50:]
    empty = admin.get(f"/admin/assignments?status=done&location_id={world.store_b.id}")
    assert "No done visits match these filters." in empty.get_data(as_text=True)
