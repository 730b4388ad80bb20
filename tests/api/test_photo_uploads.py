"""The bad-input corpus through the real upload endpoint: refused cleanly, or stored clean."""

import io
import json
import uuid
from pathlib import Path

import boto3
import pytest
from PIL import Image
from sqlalchemy import func, select

from auditor import create_app
from auditor.core.extensions import db
from auditor.models import Photo
from tests.api.audit_helpers import audit_body, new_uuid, published_store
from tests.conftest import S3_BUCKET, ApiClient, app_config, problem_of, token_for
from tests.corpus.make_corpus import oversized_body
from tests.factories import UserFactory

CORPUS = Path(__file__).resolve().parents[1] / "corpus"
MANIFEST = json.loads((CORPUS / "manifest.json").read_text())
MARKER = MANIFEST["marker"].encode()


@pytest.fixture
def draft(app, login_as):
    store = published_store()
    auditor = login_as("auditor")
    audit_id = new_uuid()
    assert auditor.put(f"/api/v1/audits/{audit_id}", json=audit_body(store)).status_code == 201
    return auditor, audit_id


def stored_files(app) -> list[Path]:
    return [path for path in app.extensions["media"].root.rglob("*") if path.is_file()]


def photo_rows() -> int:
    db.session.commit()
    return db.session.scalar(select(func.count()).select_from(Photo))


@pytest.mark.parametrize("case", MANIFEST["cases"], ids=lambda case: case["file"])
def test_each_corpus_file(app, draft, case):
    auditor, audit_id = draft
    data = (CORPUS / case["file"]).read_bytes()
    response = auditor.put(
        f"/api/v1/audits/{audit_id}/photos/{new_uuid()}?question=tidy",
        data=data,
        headers={"Content-Type": case["content_type"]},
    )
    if case["expect"] != "stored":
        assert response.status_code == case["expect"], response.get_json()
        problem_of(response)
        assert photo_rows() == 0
        assert stored_files(app) == []
        return
    assert response.status_code == 201, response.get_json()
    photo = response.get_json()
    assert max(photo["width"], photo["height"]) <= 1600
    for path in stored_files(app):
        assert MARKER not in path.read_bytes(), path
    served = auditor.get(photo["url"])
    image = Image.open(io.BytesIO(served.data))
    assert image.format == "JPEG"
    assert not image.getexif()
    assert (image.width, image.height) == (photo["width"], photo["height"])


def test_a_25_mb_body_answers_413_and_leaves_nothing(app, draft):
    auditor, audit_id = draft
    response = auditor.put(
        f"/api/v1/audits/{audit_id}/photos/{new_uuid()}",
        data=oversized_body(),
        headers={"Content-Type": "image/jpeg"},
    )
    assert response.status_code == 413
    problem_of(response)
    assert photo_rows() == 0
    assert stored_files(app) == []


def test_a_multipart_upload_is_judged_by_its_bytes_not_its_name(app, draft):
    auditor, audit_id = draft
    text = (CORPUS / "text.txt").read_bytes()
    response = auditor.put(
        f"/api/v1/audits/{audit_id}/photos/{new_uuid()}",
        data={"file": (io.BytesIO(text), "holiday.jpg", "image/jpeg")},
        content_type="multipart/form-data",
    )
    assert response.status_code == 415
    assert photo_rows() == 0


def test_a_multipart_upload_without_a_file_field_answers_422(draft):
    auditor, audit_id = draft
    response = auditor.put(
        f"/api/v1/audits/{audit_id}/photos/{new_uuid()}",
        data={"question": "tidy"},
        content_type="multipart/form-data",
    )
    assert response.status_code == 422
    assert "file" in problem_of(response)["errors"]


def test_exif_time_and_gps_are_kept_server_side_only(app, draft):
    auditor, audit_id = draft
    photo_id = new_uuid()
    response = auditor.put(
        f"/api/v1/audits/{audit_id}/photos/{photo_id}?question=tidy",
        data=(CORPUS / "gps.jpg").read_bytes(),
    )
    body = response.get_json()
    assert body["taken_at"] is not None
    assert "gps" not in json.dumps(body).lower()
    photo = db.session.get(Photo, uuid.UUID(photo_id))
    assert photo.gps_lat is not None
    assert photo.gps_lon is not None


def test_photos_round_trip_through_s3_compatible_storage(
    data_app, database_uri, tmp_path, s3_endpoint, app, login_as
):
    s3_app = create_app(
        {
            **app_config(database_uri, str(tmp_path)),
            "MEDIA_URL": f"s3://{S3_BUCKET}/api-test",
            "S3_ENDPOINT_URL": s3_endpoint,
        }
    )
    store = published_store()
    user = UserFactory(role="auditor")
    client = s3_app.test_client()
    auditor = ApiClient(client, token_for(client, user.email), user)
    audit_id, photo_id = new_uuid(), new_uuid()
    auditor.put(f"/api/v1/audits/{audit_id}", json=audit_body(store))
    stored = auditor.put(
        f"/api/v1/audits/{audit_id}/photos/{photo_id}?question=tidy",
        data=(CORPUS / "rotated.jpg").read_bytes(),
    )
    assert stored.status_code == 201
    served = auditor.get(f"/api/v1/photos/{photo_id}?size=thumb")
    assert served.status_code == 200
    assert served.data[:2] == b"\xff\xd8"
    keys = boto3.client("s3", endpoint_url=s3_endpoint).list_objects_v2(
        Bucket=S3_BUCKET, Prefix="api-test/"
    )["KeyCount"]
    assert keys == 2  # display and thumbnail
    assert auditor.delete(f"/api/v1/audits/{audit_id}/photos/{photo_id}").status_code == 204
    remaining = boto3.client("s3", endpoint_url=s3_endpoint).list_objects_v2(
        Bucket=S3_BUCKET, Prefix="api-test/"
    )["KeyCount"]
    assert remaining == 0
    with s3_app.app_context():
        db.engine.dispose()
