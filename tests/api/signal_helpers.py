"""Photos built to trigger (or not) the visit-confidence signals: distinct scenes, the same
scene re-encoded, and EXIF capture times with or without an offset."""

import io
import random
from datetime import datetime

from PIL import Image, ImageDraw


def scene(seed: int, size=(1200, 900), quality: int = 90, exif: Image.Exif | None = None) -> bytes:
    """A JPEG of coloured shapes, the same for the same seed and unlike any other seed's."""
    rng = random.Random(seed)
    image = Image.new("RGB", size, tuple(rng.randrange(256) for _ in range(3)))
    draw = ImageDraw.Draw(image)
    width, height = size
    for _ in range(12):
        x, y = rng.randrange(width), rng.randrange(height)
        box = (x, y, x + rng.randrange(60, width // 2), y + rng.randrange(60, height // 2))
        colour = tuple(rng.randrange(256) for _ in range(3))
        (draw.ellipse if rng.random() < 0.5 else draw.rectangle)(box, fill=colour)
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", quality=quality, exif=exif.tobytes() if exif else b"")
    return buffer.getvalue()


def taken(local: datetime, offset: str | None) -> Image.Exif:
    """EXIF saying the photo was taken at the local time `local`, with an offset if given."""
    exif = Image.Exif()
    exif[0x010F] = "Test Camera"  # Pillow writes no sub-IFD into an otherwise empty EXIF
    ifd = exif.get_ifd(0x8769)
    ifd[0x9003] = local.strftime("%Y:%m:%d %H:%M:%S")  # DateTimeOriginal
    if offset is not None:
        ifd[0x9011] = offset  # OffsetTimeOriginal
    return exif
