"""The staff page: one's own scorecard, never anyone else's name."""

from tests.web.page_world import browse_as


def test_home_sends_staff_to_their_scorecard(client, world):
    browse_as(client, world.staff_a)
    assert client.get("/").location == "/staff"


def test_the_scorecard_shows_score_trend_sections_and_comments(client, world):
    browse_as(client, world.staff_a)
    body = client.get("/staff").get_data(as_text=True)
    assert "Scorecard: Sam Staffer" in body
    assert "88.0" in body  # their mean over three approved audits
    assert "<polyline" in body  # the trend chart
    assert "Your store" in body
    assert "Your region" in body
    assert "Greeting" in body


def test_staff_never_see_another_persons_name(client, world):
    browse_as(client, world.staff_a)
    for path in ["/staff", "/staff?days=30", f"/staff/{world.staff_a.id}"]:
        body = client.get(path).get_data(as_text=True)
        for name in ("Kim Colleague", "Bea Bremen", "Otto Auditor", "Mara Manager"):
            assert name not in body, (path, name)
    assert client.get(f"/staff/{world.staff_a2.id}").status_code == 404
    assert client.get(f"/staff/{world.staff_b.id}").status_code == 404


def test_staff_pages_refuse_other_roles_and_region_filters_do_not_leak(client, world):
    browse_as(client, world.staff_a)
    assert client.get("/manager").status_code == 403
    assert client.get(f"/staff?region_id={world.region_b.id}").status_code == 200
    browse_as(client, world.manager_a)
    assert client.get("/staff").status_code == 403
    assert client.get(f"/staff/{world.staff_a.id}").status_code == 200
    assert client.get(f"/staff/{world.staff_b.id}").status_code == 404
