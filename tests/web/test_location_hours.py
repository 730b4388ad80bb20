"""A location's opening hours on the admin page: typed as text, stored as the mapping."""

from sqlalchemy import select

from auditor.core.extensions import db
from auditor.models import Location
from tests.web.page_world import browse_as, csrf_of


def test_the_admin_page_reads_and_writes_opening_hours_as_text(client, world):
    page = browse_as(client, world.admin)
    url = f"/admin/locations/{world.store_a.id}"
    form = {
        "csrf_token": csrf_of(page, url),
        "code": world.store_a.code,
        "name": world.store_a.name,
        "region_id": str(world.store_a.region_id),
        "timezone": "Europe/Berlin",
        "opening_hours": "Mon-Fri 08:00-19:30, sat 09:00-14:00",
    }
    assert page.post(url, data=form).status_code == 302
    store = db.session.scalar(select(Location).where(Location.id == world.store_a.id))
    assert store.opening_hours["fri"] == ["08:00", "19:30"]
    assert 'value="mon-fri 08:00-19:30, sat 09:00-14:00"' in page.get(url).get_data(as_text=True)
    refused = page.post(url, data={**form, "opening_hours": "weekdays 8 to 5"})
    assert "write e.g." in page.get(refused.location).get_data(as_text=True)
    db.session.refresh(store)
    assert store.opening_hours["sat"] == ["09:00", "14:00"]
