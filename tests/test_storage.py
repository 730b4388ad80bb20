"""One contract for both media stores: the local disk, and S3 (moto's real HTTP server)."""

import errno
import os
import subprocess
import uuid
from pathlib import Path

import boto3
import pytest
from botocore.stub import Stubber

from auditor.core.errors import Unavailable
from auditor.core.extensions import db
from auditor.photos.storage import (
    LocalStorage,
    S3Storage,
    Storage,
    check_key,
    display_key,
    storage_from_config,
    thumb_key,
)
from tests.conftest import S3_BUCKET as BUCKET

HASH = "ab" + "0" * 62
KEY = display_key(HASH)


@pytest.fixture(params=["local", "s3"])
def storage(request, tmp_path) -> Storage:
    if request.param == "local":
        return LocalStorage(tmp_path / "media")
    # a fresh prefix per test keeps tests apart in the module's one bucket
    endpoint = request.getfixturevalue("s3_endpoint")
    return S3Storage(BUCKET, f"t/{uuid.uuid4().hex}", endpoint_url=endpoint)


def test_put_then_get_returns_the_bytes(storage):
    storage.put(KEY, b"\xff\xd8photo", "image/jpeg")
    assert storage.get(KEY) == b"\xff\xd8photo"
    assert storage.exists(KEY)


def test_put_is_idempotent_and_replaces(storage):
    storage.put(KEY, b"one", "image/jpeg")
    storage.put(KEY, b"one", "image/jpeg")
    assert storage.get(KEY) == b"one"
    storage.put(KEY, b"two", "image/jpeg")
    assert storage.get(KEY) == b"two"


def test_missing_key_raises_key_error_and_does_not_exist(storage):
    assert not storage.exists(KEY)
    with pytest.raises(KeyError):
        storage.get(KEY)


def test_delete_removes_and_tolerates_missing(storage):
    storage.put(KEY, b"x", "image/jpeg")
    storage.delete(KEY)
    assert not storage.exists(KEY)
    storage.delete(KEY)  # a second delete is not an error


def test_keys_are_independent(storage):
    storage.put(display_key(HASH), b"display", "image/jpeg")
    storage.put(thumb_key(HASH), b"thumb", "image/jpeg")
    assert storage.get(display_key(HASH)) == b"display"
    assert storage.get(thumb_key(HASH)) == b"thumb"


def test_empty_and_large_objects_round_trip(storage):
    large = bytes(range(256)) * 40_000  # ~10 MB: one PUT, no multipart
    storage.put("a/empty", b"", "application/octet-stream")
    storage.put("a/large", large, "application/octet-stream")
    assert storage.get("a/empty") == b""
    assert storage.get("a/large") == large


BAD_KEYS = ["../x", "a/../../x", "/etc/passwd", "a\\b", "a//b", "", "a/./b", "a\0b", "a/"]


@pytest.mark.parametrize("key", BAD_KEYS)
def test_keys_that_could_escape_the_root_are_refused(storage, key):
    for operation in (
        lambda: storage.put(key, b"x", "image/jpeg"),
        lambda: storage.get(key),
        lambda: storage.exists(key),
        lambda: storage.delete(key),
    ):
        with pytest.raises(ValueError, match="Invalid storage key"):
            operation()


def test_key_helpers():
    assert display_key("abcdef") == "display/ab/abcdef.jpg"
    assert thumb_key("abcdef") == "thumb/ab/abcdef.jpg"
    assert check_key(KEY) == KEY


def test_local_files_live_under_the_root_with_no_temporary_left(tmp_path):
    storage = LocalStorage(tmp_path)
    storage.put(KEY, b"x", "image/jpeg")
    assert (tmp_path / KEY).read_bytes() == b"x"
    assert [path.name for path in (tmp_path / KEY).parent.iterdir()] == [f"{HASH}.jpg"]


def crash(*args):
    raise OSError("disk full")


def test_local_put_that_fails_midway_leaves_nothing(tmp_path, monkeypatch):
    storage = LocalStorage(tmp_path)
    monkeypatch.setattr("auditor.photos.storage.os.replace", crash)
    with pytest.raises(OSError, match="disk full"):
        storage.put(KEY, b"x", "image/jpeg")
    assert not storage.exists(KEY)
    assert list((tmp_path / KEY).parent.iterdir()) == []


def test_local_put_keeps_the_old_file_until_the_new_one_is_complete(tmp_path, monkeypatch):
    storage = LocalStorage(tmp_path)
    storage.put(KEY, b"old", "image/jpeg")
    monkeypatch.setattr("auditor.photos.storage.os.fsync", crash)
    with pytest.raises(OSError, match="disk full"):
        storage.put(KEY, b"new", "image/jpeg")
    assert storage.get(KEY) == b"old"
    assert len(list((tmp_path / KEY).parent.iterdir())) == 1  # the temporary file is gone


def test_s3_stores_the_content_type_under_the_prefix(s3_endpoint):
    S3Storage(BUCKET, "/media/", endpoint_url=s3_endpoint).put(KEY, b"x", "image/jpeg")
    head = boto3.client("s3", endpoint_url=s3_endpoint).head_object(
        Bucket=BUCKET, Key=f"media/{KEY}"
    )
    assert head["ContentType"] == "image/jpeg"


def test_s3_endpoint_comes_from_the_environment(s3_endpoint, monkeypatch):
    monkeypatch.setenv("S3_ENDPOINT_URL", s3_endpoint)
    storage = S3Storage(BUCKET, "env")
    storage.put(KEY, b"x", "image/jpeg")
    assert storage.get(KEY) == b"x"


def test_s3_missing_bucket_is_not_a_missing_photo(s3_endpoint):
    storage = S3Storage("no-such-bucket", endpoint_url=s3_endpoint)
    with pytest.raises(storage.client.exceptions.NoSuchBucket):
        storage.get(KEY)
    with pytest.raises(storage.client.exceptions.NoSuchBucket):
        storage.put(KEY, b"x", "image/jpeg")


def test_s3_exists_raises_errors_other_than_not_found(s3_endpoint):
    storage = S3Storage(BUCKET, endpoint_url=s3_endpoint)
    with Stubber(storage.client) as stub:
        stub.add_client_error("head_object", "403", http_status_code=403)
        with pytest.raises(storage.client.exceptions.ClientError, match="403"):
            storage.exists(KEY)


def test_storage_from_config(tmp_path, s3_endpoint):
    local = storage_from_config({"MEDIA_URL": "", "MEDIA_DIR": str(tmp_path)})
    assert isinstance(local, LocalStorage)
    assert local.root == Path(tmp_path)
    s3 = storage_from_config(
        {"MEDIA_URL": f"s3://{BUCKET}/photos", "S3_ENDPOINT_URL": s3_endpoint, "MEDIA_DIR": "x"}
    )
    assert isinstance(s3, S3Storage)
    assert (s3.bucket, s3.prefix) == (BUCKET, "photos/")
    s3.put(KEY, b"x", "image/jpeg")
    assert s3.get(KEY) == b"x"


@pytest.mark.parametrize("url", ["gs://bucket/x", "s3:///nobucket", "/var/media"])
def test_storage_from_config_refuses_unknown_urls(url):
    with pytest.raises(ValueError, match="MEDIA_URL"):
        storage_from_config({"MEDIA_URL": url, "MEDIA_DIR": "/tmp"})


# -- a full disk ------------------------------------------------------------------------------


def _fill(path: Path) -> int:
    """Write zeros to `path` until the file system refuses; answers the refusal's errno."""
    fd = os.open(path, os.O_WRONLY | os.O_CREAT)
    try:
        while True:
            os.write(fd, b"\0" * 4096)
    except OSError as error:
        return error.errno
    finally:
        os.close(fd)


@pytest.fixture
def full_disk(tmp_path):
    """A 64 KiB tmpfs filled to the last byte: writes to it fail with ENOSPC, for real."""
    mount = tmp_path / "full"
    mount.mkdir()
    done = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", "size=64k", "tmpfs", str(mount)], capture_output=True
    )
    if done.returncode != 0:
        pytest.skip(f"cannot mount a tmpfs here: {done.stderr.decode().strip()}")
    try:
        assert _fill(mount / "filler") == errno.ENOSPC
        yield mount
    finally:
        subprocess.run(["umount", str(mount)], check=True)


def files_under(root: Path) -> set[str]:
    return {str(p.relative_to(root)) for p in root.rglob("*") if p.is_file()}


def test_a_full_disk_answers_unavailable_and_leaves_no_partial_file(full_disk):
    storage = LocalStorage(full_disk / "media")
    with pytest.raises(Unavailable) as raised:
        storage.put(KEY, b"\xff\xd8" + b"photo" * 10_000, "image/jpeg")
    assert raised.value.status == 503
    assert files_under(full_disk) == {"filler"}


def test_an_upload_to_a_full_disk_answers_503_and_stores_nothing(
    app, database_uri, full_disk, login_as
):
    from auditor import create_app
    from tests.api.audit_helpers import audit_body, new_uuid, published_store
    from tests.api.images import jpeg
    from tests.conftest import ApiClient, app_config, problem_of

    store = published_store()
    auditor = login_as("auditor")
    audit_id = new_uuid()
    assert auditor.put(f"/api/v1/audits/{audit_id}", json=audit_body(store)).status_code == 201
    full = create_app(app_config(database_uri, str(full_disk / "media")))
    client = ApiClient(full.test_client(), auditor.token, auditor.user)
    response = client.put(
        f"/api/v1/audits/{audit_id}/photos/{new_uuid()}?question=tidy",
        data=jpeg(),
        headers={"Content-Type": "image/jpeg"},
    )
    assert response.status_code == 503
    assert int(response.headers["Retry-After"]) >= 1
    assert "full" in problem_of(response)["detail"]
    assert files_under(full_disk) == {"filler"}
    assert auditor.get(f"/api/v1/audits/{audit_id}").get_json()["photos"] == []
    with full.app_context():
        db.engine.dispose()


def test_a_thumbnail_the_disk_cannot_take_leaves_no_display_image_behind(app, full_disk):
    from auditor.audits.photos import PhotoLimits, store_photo
    from auditor.photos.pipeline import process_photo
    from tests.api.images import jpeg

    data = jpeg(1600, 1200)
    display = process_photo(data, max_bytes=10**8, max_pixels=10**8).display
    # room for the display image's pages and not one more: its thumbnail finds the disk full
    pages = -(-len(display) // 4096)  # tmpfs hands out whole 4 KiB pages
    os.truncate(full_disk / "filler", os.path.getsize(full_disk / "filler") - pages * 4096)
    storage = LocalStorage(full_disk / "media")
    with pytest.raises(Unavailable):
        store_photo(db.session, storage, data, PhotoLimits(10**8, 10**8), "UTC", keep_gps=False)
    db.session.rollback()
    assert files_under(full_disk) == {"filler"}
