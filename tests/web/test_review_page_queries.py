"""The review queue and an audit's page run as many statements for one audit, signal or
revision as for many."""

import pytest

from tests.api.test_query_counts import statements_of
from tests.web.page_world import browse_as, csrf_of
from tests.web.review_helpers import FAR, auditor_client, resubmit, visit


@pytest.fixture
def manager(client, world):
    return browse_as(client, world.manager_a)


def test_the_queue_costs_the_same_for_one_flagged_audit_or_many(app, manager, world):
    auditor = auditor_client(app)
    visit(auditor, world, geo=FAR)
    one = statements_of(app, lambda: manager.get("/manager/review"))
    for _ in range(3):
        visit(auditor, world, geo=FAR)
        visit(auditor, world)
    many = statements_of(app, lambda: manager.get("/manager/review"))
    assert len(many) == len(one), many


def test_an_audit_page_costs_the_same_for_one_revision_or_many(app, manager, world):
    auditor = auditor_client(app)
    audit_id = visit(auditor, world)
    path = f"/manager/audits/{audit_id}"
    one = statements_of(app, lambda: manager.get(path))
    token = csrf_of(manager, path)
    form = {"csrf_token": token, "decision": "return", "note": "Check the goodbye."}
    assert manager.post(f"{path}/review", data=form).status_code == 302
    resubmit(auditor, world, audit_id, {"thanked_goodbye": {"value": True}})
    form = {"csrf_token": token, "value": "5", "reason": "The photo shows it tidy."}
    assert manager.post(f"{path}/answers/tidy", data=form).status_code == 302
    many = statements_of(app, lambda: manager.get(path))
    assert "What changed since you returned it" in manager.get(path).get_data(as_text=True)
    # the page reads the latest submit's changes once there is more than one submit
    assert len(many) <= len(one) + 1, many
