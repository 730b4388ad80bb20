"""The admin's what-if page (DESIGN §10.6): rescored audits, each store's current and draft
score and rank, the biggest movers, then the publish button; server-rendered."""

import copy
import re

import pytest

from auditor.core.extensions import db
from auditor.insights.whatif import biggest_movers
from auditor.models import Checklist
from tests.api.test_what_if import MINI, counts, shrunk_ranking
from tests.api.test_what_if import world as what_if_world  # noqa: F401  (a fixture)
from tests.factories import UserFactory
from tests.web.page_world import browse_as, csrf_of


@pytest.fixture
def draft_id(admin, what_if_world):  # noqa: F811
    definition = copy.deepcopy(MINI)
    definition["sections"][0]["questions"][1]["weight"] = 3  # smile weighs three
    response = admin.post("/api/v1/checklists", json=definition)
    assert response.status_code == 201
    return response.get_json()["id"]


def rows_of(page: str) -> dict[str, list[str]]:
    """Each store row of the table: its code and the cells after the name."""
    rows = {}
    for code, cells in re.findall(
        r'<tr><th scope="row">[^<]*<small class="code">(\w)</small></th>(.*?)</tr>', page
    ):
        rows[code] = [
            re.sub(r"<[^>]+>", "", cell) for cell in re.findall(r"<td[^>]*>(.*?)</td>", cells)
        ]
    return rows


def test_the_page_shows_scores_ranks_and_movers_before_publishing(client, draft_id, what_if_world):  # noqa: F811
    admin = UserFactory(role="admin")
    browse_as(client, admin)
    listing = client.get("/admin/checklists").get_data(as_text=True)
    assert f"/admin/checklists/{draft_id}/what-if" in listing
    before = counts()
    region = what_if_world["region"].id
    page = client.get(f"/admin/checklists/{draft_id}/what-if?region_id={region}&days=90")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert "<strong>5</strong> approved audits" in html
    current = shrunk_ranking({"A": [75, 75], "B": [50, 50], "C": [75]})
    draft = shrunk_ranking({"A": [62.5, 62.5], "B": [50, 62.5], "C": [75]})
    rows = rows_of(html)
    assert list(rows) == ["C", "A", "B"]  # in draft rank order
    for code, cells in rows.items():
        assert cells[:4] == [
            f"{current[code][0]:.1f}",
            str(current[code][1]),
            f"{draft[code][0]:.1f}",
            str(draft[code][1]),
        ]
    assert rows["C"][4] == "▲ up 1"
    movers = html[html.index("Biggest movers") : html.index("Every store")]
    assert "rank 2 → 1 (up 1)" in movers
    assert "rank 1 → 2 (down 1)" in movers
    assert html.index("Biggest movers") < html.index("Publish mini v2")  # figures first
    assert counts() == before
    response = client.post(
        f"/admin/checklists/{draft_id}/publish",
        data={"csrf_token": csrf_of(client, f"/admin/checklists/{draft_id}/what-if")},
    )
    assert response.status_code == 302
    db.session.commit()
    assert db.session.get(Checklist, draft_id).status == "published"
    again = client.get(f"/admin/checklists/{draft_id}/what-if")
    assert again.status_code == 302  # published: nothing left to compare


def test_managers_are_refused_and_unknown_drafts_not_found(client, draft_id, what_if_world):  # noqa: F811
    manager = UserFactory(role="manager", regions=[what_if_world["region"]])
    browse_as(client, manager)
    assert client.get(f"/admin/checklists/{draft_id}/what-if").status_code == 403
    browse_as(client, UserFactory(role="admin"))
    assert client.get("/admin/checklists/999999/what-if").status_code == 404
    assert client.get(f"/admin/checklists/{draft_id}/what-if?region_id=999999").status_code == 404


def test_biggest_movers_by_places_then_score():
    def item(code, now, then):
        return {
            "location": {"code": code},
            "current": None if now is None else {"rank": now[0], "score": now[1]},
            "draft": None if then is None else {"rank": then[0], "score": then[1]},
        }

    items = [
        item("A", (1, 80), (3, 70)),
        item("B", (2, 75), (1, 82)),
        item("C", (3, 70), (2, 71)),
        item("D", (4, 60), (4, 65)),
        item("E", None, (5, 50)),
    ]
    movers = biggest_movers(items)
    assert [(m["location"]["code"], m["change"]) for m in movers] == [("A", -2), ("B", 1), ("C", 1)]
    assert biggest_movers(items, limit=1)[0]["location"]["code"] == "A"
