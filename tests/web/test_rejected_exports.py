"""A rejected audit (DESIGN §10.2) is listed with its reason in the audits export and is never
counted: not in the ranking, not on a staff member's scorecard."""

import csv
import io

import pytest

from tests.conftest import ApiClient, token_for
from tests.web.page_world import browse_as


@pytest.fixture
def manager(client, world):
    return browse_as(client, world.manager_a)


@pytest.fixture
def api(app, world) -> ApiClient:
    """The same manager through the API, on a client of its own (the page client holds a
    cookie)."""
    api_client = app.test_client()
    return ApiClient(api_client, token_for(api_client, world.manager_a.email), world.manager_a)


def rows_of(response) -> list[dict]:
    assert response.status_code == 200
    assert response.mimetype == "text/csv"
    return list(csv.DictReader(io.StringIO(response.get_data(as_text=True))))


def counted(api, world) -> tuple[dict, dict]:
    """The ranking row of the flagship store and its staff member's scorecard."""
    ranking = api.get("/api/v1/rankings").get_json()
    row = next(i for i in ranking["items"] if i["location"]["id"] == world.store_a.id)
    card = api.get(f"/api/v1/staff/{world.staff_a.id}/scorecard").get_json()
    return {k: row[k] for k in ("n", "mean", "score")}, {k: card[k] for k in ("n", "overall")}


def test_a_rejected_audit_is_exported_with_its_reason_and_never_counted(manager, api, world):
    before = counted(api, world)
    assert (before[0]["n"], before[1]["n"]) == (3, 3)  # the flagship's three approved audits
    url = f"/api/v1/audits/{world.submitted_a}/review"
    rejected = api.post(url, json={"decision": "reject", "note": "=Visit never happened"})
    assert rejected.status_code == 200, rejected.get_json()

    [row] = rows_of(manager.get("/manager/export/audits.csv?status=rejected"))
    assert row["uuid"] == str(world.submitted_a)
    assert row["status"] == "rejected"
    assert row["rejected_reason"] == "'=Visit never happened"  # formula-escaped
    everything = rows_of(manager.get("/manager/export/audits.csv"))
    reasons = {r["uuid"]: r["rejected_reason"] for r in everything}
    assert reasons[str(world.submitted_a)] == "'=Visit never happened"
    assert {reason for uuid, reason in reasons.items() if uuid != str(world.submitted_a)} == {""}
    assert counted(api, world) == before
