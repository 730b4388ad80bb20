"""Audits made as the phone app makes them, for the review pages' tests (pages and browser)."""

import io
import random
import uuid

from PIL import Image

from tests.api.audit_helpers import VISIT_ANSWERS, Store, audit_body
from tests.conftest import ApiClient, token_for
from tests.factories import UserFactory

FAR = {"lat": 52.62, "lon": 13.405, "accuracy": 10}  # about 11 km north of the store


def auditor_client(app) -> ApiClient:
    """An auditor of the phone app on a client of their own (a page client holds a cookie)."""
    api_client = app.test_client()
    user = UserFactory(role="auditor", name="Ali Auditor")
    return ApiClient(api_client, token_for(api_client, user.email), user)


def store_of(world) -> Store:
    """Region A's flagship store of the page world, as the audit helpers take a store."""
    return Store(world.checklist_id, world.store_a.id, world.region_a.id, world.staff_a.id)


def noise_jpeg(seed: int) -> bytes:
    """A photo of its own: random blocks, so no two visits' photos look alike (photo_reused)."""
    rng = random.Random(seed)
    image = Image.new("L", (8, 8))
    image.putdata([rng.randrange(256) for _ in range(64)])
    out = io.BytesIO()
    image.resize((256, 256), Image.NEAREST).convert("RGB").save(out, "JPEG")
    return out.getvalue()


def visit(auditor, world, answers=VISIT_ANSWERS, **fields) -> uuid.UUID:
    """An audit put and submitted through the API, with the photo it needs."""
    audit_id = uuid.uuid4()
    body = audit_body(store_of(world), answers, **fields)
    assert auditor.put(f"/api/v1/audits/{audit_id}", json=body).status_code in (200, 201)
    photo = f"/api/v1/audits/{audit_id}/photos/{uuid.uuid4()}?question=tidy"
    assert auditor.put(photo, data=noise_jpeg(audit_id.int)).status_code in (200, 201)
    response = auditor.post(f"/api/v1/audits/{audit_id}/submit")
    assert response.status_code == 200, response.get_json()
    return audit_id


def resubmit(auditor, world, audit_id: uuid.UUID, changed: dict) -> None:
    """The auditor changes some answers of a returned audit (`{key: {field: value}}`) and
    submits it again."""
    answers = [dict(a, **changed.get(a["question"], {})) for a in VISIT_ANSWERS]
    body = audit_body(store_of(world), answers)
    assert auditor.put(f"/api/v1/audits/{audit_id}", json=body).status_code == 200
    assert auditor.post(f"/api/v1/audits/{audit_id}/submit").status_code == 200
