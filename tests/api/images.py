"""Small generated images for upload tests."""

import io

from PIL import Image


def jpeg(width: int = 800, height: int = 600, colour=(200, 120, 40)) -> bytes:
    """A plain JPEG of the given size."""
    buffer = io.BytesIO()
    Image.new("RGB", (width, height), colour).save(buffer, "JPEG", quality=90)
    return buffer.getvalue()


def png(width: int = 640, height: int = 480) -> bytes:
    """A PNG with an alpha channel."""
    buffer = io.BytesIO()
    Image.new("RGBA", (width, height), (10, 200, 30, 128)).save(buffer, "PNG")
    return buffer.getvalue()
