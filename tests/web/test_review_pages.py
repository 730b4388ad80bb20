"""The review queue, the audit page and corrective actions, through the pages' forms."""

import io
import re
from urllib.parse import parse_qsl, urlsplit

import pytest
from PIL import Image

from auditor.core.extensions import db
from auditor.models import Audit, CorrectiveAction
from auditor.web import actions as action_pages
from auditor.web import review as review_pages
from tests.web.page_world import browse_as, csrf_of


@pytest.fixture
def manager(client, world):
    return browse_as(client, world.manager_a)


def review(client, world, audit_id, **form):
    token = csrf_of(client, f"/manager/audits/{audit_id}")
    return client.post(f"/manager/audits/{audit_id}/review", data={"csrf_token": token, **form})


def test_the_queue_lists_only_submitted_audits_of_my_regions(manager, world):
    body = manager.get("/manager/review").get_data(as_text=True)
    assert f"/manager/audits/{world.submitted_a}" in body
    assert str(world.submitted_b) not in body
    assert "(1 waiting)" in body


def test_the_audit_page_shows_answers_scores_and_a_review_form(manager, world):
    body = manager.get(f"/manager/audits/{world.submitted_a}").get_data(as_text=True)
    for text in ("Altona Flagship", "Greeting", "80.0", 'name="decision"', "print.css"):
        assert text in body
    assert "Sam Staffer" in body  # managers see who served


def test_returning_needs_a_note_then_returns(manager, world):
    response = review(manager, world, world.submitted_a, decision="return", note=" ")
    assert response.status_code == 302
    assert db.session.get(Audit, world.submitted_a).status == "submitted"
    page = manager.get(response.location).get_data(as_text=True)
    assert "Say what to fix" in page
    response = review(manager, world, world.submitted_a, decision="return", note="Photo blurry")
    assert response.location == "/manager/review"
    audit = db.session.get(Audit, world.submitted_a)
    assert (audit.status, audit.review_note) == ("returned", "Photo blurry")
    assert "Returned to the auditor" in manager.get("/manager/review").get_data(as_text=True)


def test_approving_then_reviewing_again_is_refused(manager, world):
    assert review(manager, world, world.submitted_a, decision="approve").status_code == 302
    assert db.session.get(Audit, world.submitted_a).status == "approved"
    response = review(manager, world, world.submitted_a, decision="approve")
    assert "Only submitted audits" in manager.get(response.location).get_data(as_text=True)


def test_reviewing_needs_the_csrf_token_and_scope(manager, world):
    response = manager.post(
        f"/manager/audits/{world.submitted_a}/review", data={"decision": "approve"}
    )
    assert response.status_code == 400
    token = csrf_of(manager, "/manager/review")
    response = manager.post(
        f"/manager/audits/{world.submitted_b}/review",
        data={"csrf_token": token, "decision": "approve"},
    )
    assert response.status_code == 404
    assert db.session.get(Audit, world.submitted_b).status == "submitted"


def jpeg() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (64, 48), (200, 30, 30)).save(out, "JPEG")
    return out.getvalue()


def test_an_action_is_resolved_with_a_note_and_an_evidence_photo(manager, world):
    body = manager.get("/manager/actions").get_data(as_text=True)
    assert "Greeting failed at Altona" in body
    token = csrf_of(manager, "/manager/actions")
    path = f"/manager/actions/{world.action_a}"
    assert manager.post(path, data={"csrf_token": token, "note": ""}).status_code == 302
    assert db.session.get(CorrectiveAction, world.action_a).status == "open"
    response = manager.post(
        path,
        data={
            "csrf_token": token,
            "note": "Briefed the team",
            "photo": (io.BytesIO(jpeg()), "fix.jpg"),
        },
        content_type="multipart/form-data",
    )
    assert response.status_code == 302
    action = db.session.get(CorrectiveAction, world.action_a)
    assert (action.status, action.note) == ("done", "Briefed the team")
    assert action.evidence_photo_id is not None
    done = manager.get("/manager/actions?status=done").get_data(as_text=True)
    assert f"/api/v1/photos/{action.evidence_photo_id}" in done
    assert manager.get(f"/api/v1/photos/{action.evidence_photo_id}?size=thumb").status_code == 200


def test_another_regions_action_answers_404(manager, world):
    token = csrf_of(manager, "/manager/actions")
    response = manager.post(
        f"/manager/actions/{world.action_b}", data={"csrf_token": token, "note": "x"}
    )
    assert response.status_code == 404
    assert db.session.get(CorrectiveAction, world.action_b).status == "open"


def page_links(body: str) -> dict[str, dict[str, str]]:
    """The queries of a page's rel=prev and rel=next links."""
    found = re.findall(r'<a href="([^"]+)" rel="(prev|next)"', body)
    return {rel: dict(parse_qsl(urlsplit(url.replace("&amp;", "&")).query)) for url, rel in found}


def test_the_review_queue_pages_with_a_total(client, world, monkeypatch):
    monkeypatch.setattr(review_pages, "PAGE", 1)
    admin = browse_as(client, world.admin)
    first = admin.get("/manager/review").get_data(as_text=True)
    assert "(2 waiting)" in first
    assert "page 1 of 2" in first
    assert page_links(first) == {"next": {"page": "2"}}
    second = admin.get("/manager/review?page=2").get_data(as_text=True)
    assert page_links(second) == {"prev": {"page": "1"}}
    waiting = (str(world.submitted_a), str(world.submitted_b))
    # the queue's table, not the bulk approval form below it, which lists every page's audits
    tables = [page.split('class="card bulk')[0] for page in (first, second)]
    listed = [[audit_id in table for audit_id in waiting] for table in tables]
    assert listed in ([[True, False], [False, True]], [[False, True], [True, False]])


def test_the_actions_pages_keep_the_status_filter(client, world, monkeypatch):
    monkeypatch.setattr(action_pages, "PAGE", 1)
    admin = browse_as(client, world.admin)
    first = admin.get("/manager/actions?status=open").get_data(as_text=True)
    assert "2 corrective actions · showing 1\N{EN DASH}1, page 1 of 2" in first
    assert page_links(first) == {"next": {"status": "open", "page": "2"}}
    second = admin.get("/manager/actions?status=open&page=2").get_data(as_text=True)
    assert page_links(second) == {"prev": {"status": "open", "page": "1"}}
    # both are due the same day, so the older action comes first
    assert "Greeting failed at Altona" in first
    assert "Greeting failed at Bremen Secret" not in first  # the store filter names it
    assert "Greeting failed at Bremen Secret" in second
    assert "at Altona" not in second
    done = admin.get("/manager/actions?status=done").get_data(as_text=True)
    assert "0 corrective actions" in done
    assert page_links(done) == {}
