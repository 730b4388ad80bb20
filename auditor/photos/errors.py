"""What the photo pipeline refuses, as domain errors with their HTTP status."""

from auditor.core.errors import DomainError


class PhotoError(DomainError):
    """An upload the pipeline refuses."""

    status = 422
    title = "Unprocessable photo"


class PhotoTooLarge(PhotoError):
    """Over the byte or pixel limit (decompression bombs included)."""

    status = 413
    title = "Photo too large"


class UnsupportedPhoto(PhotoError):
    """Not JPEG, PNG, WebP or HEIC/HEIF, judging by the bytes."""

    status = 415
    title = "Unsupported media type"


class BrokenPhoto(PhotoError):
    """Looks like a supported format but cannot be decoded."""

    status = 422
    title = "Unreadable photo"
