"""What a photo says about itself: capture time, position and orientation from its EXIF.

Read defensively: garbage in any field reads as absent, never as an error. A JPEG's EXIF
segment is cut out before Pillow opens the file, and parsed here instead.
"""

import io
import math
import re
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta, timezone, tzinfo
from typing import BinaryIO

from PIL import ExifTags, Image

# EXIF Orientation -> the transpose that makes the image upright (as ImageOps.exif_transpose)
TRANSPOSE = {
    2: Image.Transpose.FLIP_LEFT_RIGHT,
    3: Image.Transpose.ROTATE_180,
    4: Image.Transpose.FLIP_TOP_BOTTOM,
    5: Image.Transpose.TRANSPOSE,
    6: Image.Transpose.ROTATE_270,
    7: Image.Transpose.TRANSVERSE,
    8: Image.Transpose.ROTATE_90,
}
_EXIF_DATETIME = re.compile(r"(\d{4}):(\d\d):(\d\d) (\d\d):(\d\d):(\d\d)")
_EXIF_OFFSET = re.compile(r"([+-])(\d\d):(\d\d)")


@dataclass(frozen=True)
class Metadata:
    """What the EXIF says: orientation (1 = upright), capture time (UTC) and position."""

    orientation: int
    taken_at: datetime | None
    gps: tuple[float, float] | None


def split_jpeg_exif(data: bytes) -> tuple[bytes | None, BinaryIO]:
    """The first EXIF segment of a JPEG, and the JPEG without its EXIF segments as a file."""
    # Pillow parses a JPEG's EXIF while opening it (for the DPI) and *warns* on garbage:
    # where warnings are errors (the tests) opening would fail, so we parse it ourselves
    view = memoryview(data)
    exif, parts, start, position = None, [], 0, 2
    while position + 4 <= len(data) and data[position] == 0xFF:
        marker = data[position + 1]
        if marker == 0xFF:  # fill byte
            position += 1
            continue
        length = int.from_bytes(data[position + 2 : position + 4])
        if marker in (0xDA, 0xD9) or length < 2:  # scan data, end of image or corrupt
            break
        end = position + 2 + length
        if marker == 0xE1 and data[position + 4 : position + 10] == b"Exif\0\0":
            exif = exif or data[position + 4 : end]
            parts.append(view[start:position])
            start = end
        position = end
    if exif is None:
        return None, io.BytesIO(data)
    return exif, _Spliced([*parts, view[start:]])


class _Spliced(io.RawIOBase):
    """A read-only file over slices of one buffer: a 20 MB upload is not copied to cut 64 KB."""

    def __init__(self, parts: list[memoryview]):
        self._parts = parts
        self._size = sum(len(part) for part in parts)
        self._position = 0

    def readable(self) -> bool:
        return True

    def seekable(self) -> bool:
        return True

    def seek(self, offset: int, whence: int = io.SEEK_SET) -> int:
        base = {io.SEEK_SET: 0, io.SEEK_CUR: self._position, io.SEEK_END: self._size}[whence]
        self._position = max(0, base + offset)
        return self._position

    def readinto(self, buffer) -> int:
        target = memoryview(buffer).cast("B")
        written, part_start = 0, 0
        for part in self._parts:
            offset = self._position + written - part_start  # where we are inside this part
            if 0 <= offset < len(part) and written < len(target):
                count = min(len(part) - offset, len(target) - written)
                target[written : written + count] = part[offset : offset + count]
                written += count
            part_start += len(part)
        self._position += written
        return written


def read_metadata(
    image: Image.Image, jpeg_exif: bytes | None, source_format: str, local_tz: tzinfo
) -> Metadata:
    """Orientation, capture time and position; garbage in any field reads as absent."""
    try:
        if jpeg_exif is None:
            exif = image.getexif()
        else:
            exif = Image.Exif()
            exif.load(jpeg_exif)
        taken_at = _taken_at(exif.get_ifd(ExifTags.IFD.Exif), local_tz)
        gps = _gps(exif.get_ifd(ExifTags.IFD.GPSInfo))
        orientation = exif.get(ExifTags.Base.Orientation)
    except MemoryError:
        raise
    except Exception:  # Pillow's EXIF parser trusts offsets and types: any failure = no EXIF
        return Metadata(1, None, None)
    if source_format == "HEIF" or orientation not in TRANSPOSE:
        # libheif applies HEIF's own rotation (irot/imir) and pillow-heif resets the tag
        orientation = 1
    return Metadata(orientation, taken_at, gps)


def _taken_at(exif_ifd: dict, local_tz: tzinfo) -> datetime | None:
    """DateTimeOriginal (+ OffsetTimeOriginal, else `local_tz`) in UTC."""
    raw = exif_ifd.get(ExifTags.Base.DateTimeOriginal)
    match = _EXIF_DATETIME.fullmatch(raw.strip("\x00 ")) if isinstance(raw, str) else None
    if not match:
        return None
    tz = _offset(exif_ifd.get(ExifTags.Base.OffsetTimeOriginal)) or local_tz
    try:
        return datetime(*map(int, match.groups()), tzinfo=tz).astimezone(UTC)
    except (ValueError, OverflowError):  # "0000:00:00 00:00:00" is a camera's "unknown"
        return None


def _offset(raw: object) -> timezone | None:
    match = _EXIF_OFFSET.fullmatch(raw.strip("\x00 ")) if isinstance(raw, str) else None
    if not match:
        return None
    sign, hours, minutes = match.groups()
    delta = timedelta(hours=int(hours), minutes=int(minutes))
    if delta > timedelta(hours=14):
        return None
    return timezone(-delta if sign == "-" else delta)


def _gps(gps_ifd: dict) -> tuple[float, float] | None:
    """(latitude, longitude) in decimal degrees, or None."""
    latitude = _degrees(gps_ifd.get(2), gps_ifd.get(1), ("N", "S"), 90)
    longitude = _degrees(gps_ifd.get(4), gps_ifd.get(3), ("E", "W"), 180)
    if latitude is None or longitude is None:
        return None
    return latitude, longitude


def _degrees(value: object, ref: object, refs: tuple[str, str], limit: float) -> float | None:
    """Degrees, minutes, seconds rationals and an N/S or E/W reference, checked."""
    if not isinstance(ref, str) or ref.strip("\x00 ").upper() not in refs:
        return None
    try:
        degrees, minutes, seconds = (float(part) for part in value)  # type: ignore[union-attr]
    except (TypeError, ValueError, ZeroDivisionError):
        return None
    parts_ok = all(math.isfinite(part) and part >= 0 for part in (degrees, minutes, seconds))
    if not parts_ok or minutes >= 60 or seconds >= 60:
        return None
    decimal = degrees + minutes / 60 + seconds / 3600
    if decimal > limit:
        return None
    return -decimal if ref.strip("\x00 ").upper() == refs[1] else decimal
