"""Media storage: the local disk, or an S3-compatible bucket.

Keys are relative, slash-separated paths such as "display/ab/abcdef....jpg". Stored objects
are content-addressed, so `put` of an existing key rewrites the same bytes.
"""

import base64
import errno
import hashlib
import os
import re
import uuid
from collections.abc import Mapping
from pathlib import Path
from typing import Protocol
from urllib.parse import urlsplit

from auditor.core.errors import Unavailable

_KEY = re.compile(r"[A-Za-z0-9_.-]+(/[A-Za-z0-9_.-]+)*")
# a full disk or quota is the operator's to fix, and the client's to retry: 503, not 500
_FULL = frozenset({errno.ENOSPC, errno.EDQUOT})


class Storage(Protocol):
    """Where sanitized photos live."""

    def put(self, key: str, data: bytes, content_type: str) -> None:
        """Store `data` under `key` atomically (never a partial object); idempotent."""

    def get(self, key: str) -> bytes:
        """The bytes under `key`; KeyError when missing."""

    def exists(self, key: str) -> bool:
        """Whether `key` holds an object."""

    def delete(self, key: str) -> None:
        """Remove `key`; no error when it is missing."""


def display_key(content_hash: str) -> str:
    """Storage key of a display image."""
    return f"display/{content_hash[:2]}/{content_hash}.jpg"


def thumb_key(content_hash: str) -> str:
    """Storage key of a thumbnail."""
    return f"thumb/{content_hash[:2]}/{content_hash}.jpg"


def check_key(key: str) -> str:
    """`key` itself, or ValueError when it could escape the storage root."""
    # a whitelist, not a blacklist: no "..", no absolute path, no backslash, no NUL, no "//"
    if not _KEY.fullmatch(key) or any(part in (".", "..") for part in key.split("/")):
        raise ValueError(f"Invalid storage key: {key!r}")
    return key


def storage_from_config(config: Mapping) -> "Storage":
    """S3Storage for MEDIA_URL "s3://bucket/prefix", else LocalStorage(MEDIA_DIR)."""
    url = config.get("MEDIA_URL") or ""
    if not url:
        return LocalStorage(config["MEDIA_DIR"])
    parts = urlsplit(url)
    if parts.scheme != "s3" or not parts.netloc:
        # a typo must not silently send photos to the local disk of one web server
        raise ValueError(f"MEDIA_URL must look like s3://bucket/prefix, not {url!r}")
    return S3Storage(parts.netloc, parts.path, endpoint_url=config.get("S3_ENDPOINT_URL"))


class LocalStorage:
    """Files under a root directory."""

    def __init__(self, root: str | Path):
        self.root = Path(root)

    def _path(self, key: str) -> Path:
        return self.root / check_key(key)

    def put(self, key: str, data: bytes, content_type: str) -> None:
        """Write a temporary file beside the target, flush it to disk, then rename it;
        Unavailable (503) when the disk is full, leaving no partial file."""
        path = self._path(key)
        try:
            self._write(path, data)
        except OSError as error:
            if error.errno in _FULL:
                raise Unavailable("The photo store is full; retry later.") from error
            raise

    @staticmethod
    def _write(path: Path, data: bytes) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        temporary = path.with_name(f".{path.name}.{uuid.uuid4().hex}.tmp")
        try:
            # 0o644 under the umask, like any other file (a temp file API would give 0o600)
            fd = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o644)
            with os.fdopen(fd, "wb") as file:
                file.write(data)
                file.flush()
                os.fsync(file.fileno())  # else a crash after the rename can leave an empty file
            os.replace(temporary, path)  # atomic: readers see the old file or the whole new one
        except BaseException:
            temporary.unlink(missing_ok=True)
            raise

    def get(self, key: str) -> bytes:
        """The file's bytes; KeyError when missing."""
        try:
            return self._path(key).read_bytes()
        except FileNotFoundError:
            raise KeyError(key) from None

    def exists(self, key: str) -> bool:
        """Whether the file exists."""
        return self._path(key).is_file()

    def delete(self, key: str) -> None:
        """Remove the file, if any."""
        self._path(key).unlink(missing_ok=True)


class S3Storage:
    """Objects in an S3-compatible bucket, under an optional prefix."""

    def __init__(
        self, bucket: str, prefix: str = "", *, endpoint_url: str | None = None, client=None
    ):
        self.bucket = bucket
        prefix = prefix.strip("/")
        self.prefix = f"{prefix}/" if prefix else ""
        self.client = client or _s3_client(endpoint_url or os.environ.get("S3_ENDPOINT_URL"))

    def _key(self, key: str) -> str:
        return self.prefix + check_key(key)

    def put(self, key: str, data: bytes, content_type: str) -> None:
        """One PUT: S3 never shows a partly written object."""
        # Content-MD5 lets every S3-compatible store reject a body damaged in transit
        digest = base64.b64encode(hashlib.md5(data, usedforsecurity=False).digest()).decode()
        self.client.put_object(
            Bucket=self.bucket,
            Key=self._key(key),
            Body=data,
            ContentType=content_type,
            ContentMD5=digest,
        )

    def get(self, key: str) -> bytes:
        """The object's bytes; KeyError when missing."""
        try:
            response = self.client.get_object(Bucket=self.bucket, Key=self._key(key))
        except self.client.exceptions.NoSuchKey:
            raise KeyError(key) from None
        return response["Body"].read()

    def exists(self, key: str) -> bool:
        """Whether the object exists (a HEAD request)."""
        try:
            self.client.head_object(Bucket=self.bucket, Key=self._key(key))
        except self.client.exceptions.ClientError as error:
            if error.response.get("Error", {}).get("Code") in ("404", "NoSuchKey", "NotFound"):
                return False
            raise
        return True

    def delete(self, key: str) -> None:
        """Remove the object; S3 answers success when it is already gone."""
        self.client.delete_object(Bucket=self.bucket, Key=self._key(key))


def _s3_client(endpoint_url: str | None):
    """A boto3 S3 client; credentials and region come from the usual AWS variables."""
    import boto3  # only S3 deployments pay for importing boto3
    from botocore.config import Config

    # boto3 >= 1.36 sends CRC checksums by default, which some S3-compatible stores reject
    config = Config(
        request_checksum_calculation="when_required",
        response_checksum_validation="when_required",
    )
    return boto3.client("s3", endpoint_url=endpoint_url, config=config)
