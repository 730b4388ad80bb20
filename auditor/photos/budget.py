"""What decoding a photo may cost: memory and work judged from its header, time while it decodes.

The pixel limit alone lets through files that are small on the wire but dear to decode: a
progressive JPEG keeps every DCT coefficient of the full-size image in memory whatever scale
it is decoded at (a 7000x7000 4:4:4 one: 294 MB), and each of its scans walks the whole image
again (a 75-byte scan repeated a thousand times held a worker for 30 s). So, before any pixel
is decoded, `check_cost` estimates the decoder's memory and a progressive JPEG's scans x
pixels against a `DecodeBudget`; while decoding, `Deadline` hands the decoder its input in
small chunks and stops it at the budget's time. Over budget is a `PhotoTooLarge` (413).
"""

import math
import re
import time
from dataclasses import dataclass
from typing import Any

from PIL import Image

from auditor.photos.errors import PhotoTooLarge

# the decoder reads its input this much at a time: the deadline is checked between reads
CHUNK = 16 * 1024
_PROGRESSIVE_SOF = {0xC2, 0xC6, 0xCA, 0xCE}
# a marker inside entropy-coded data: 0xFF followed by neither a stuffed 0x00 nor a restart
_NEXT_MARKER = re.compile(rb"\xff[^\x00\xd0-\xd7\xff]")
# decoded bytes per pixel for the modes Pillow decodes into (16-bit modes hold 2 per band)
_BYTES_PER_PIXEL = {"1": 1, "L": 1, "P": 1, "I;16": 2, "I;16B": 2, "I;16L": 2, "I": 4, "F": 4}
# modes that _flatten converts to RGB through RGBA at full size: RGBA + RGB on top of the source
_FLATTEN_COPIES = 7
# YCbCr planes of up to 16 bits a sample, at 4:4:4 in the worst case
_HEIF_PLANES = 6


@dataclass(frozen=True)
class DecodeBudget:
    """What one decode may cost: memory, progressive JPEG scans x pixels, and wall time."""

    memory: int = 256 * 1024 * 1024  # bytes the decoder and the full-size copies may hold
    scan_pixels: int = 1_000_000_000  # ~10 scans of 50 MP, ~80 of 12 MP; ~1.3 ns each (bench)
    seconds: float = 1.0  # for the decode itself; header checks refuse most bombs before it


def jpeg_scans(data: bytes, limit: int) -> int:
    """The number of scans (SOS markers) of a JPEG, counted up to `limit + 1`."""
    scans, position = 0, 2
    while position + 4 <= len(data) and scans <= limit:
        if data[position] != 0xFF:
            break
        marker = data[position + 1]
        if marker == 0xFF:  # fill byte
            position += 1
            continue
        if marker == 0xD9:  # end of image
            break
        end = position + 2 + int.from_bytes(data[position + 2 : position + 4])
        if marker == 0xDA:
            scans += 1
            found = _NEXT_MARKER.search(data, end)
            end = found.start() if found else len(data)
        position = end
    return scans


def check_cost(
    image: Image.Image, full_size: tuple[int, int], data: bytes, budget: DecodeBudget
) -> None:
    """Refuse, before decoding, what would take more memory or work than `budget` allows.

    `image` is opened (and, for a JPEG, drafted to the size it will decode at); `full_size`
    is its size before the draft."""
    if _is_progressive_jpeg(image):
        allowed = budget.scan_pixels // max(full_size[0] * full_size[1], 1)
        if jpeg_scans(data, allowed) > allowed:
            raise PhotoTooLarge("The photo has too many progressive scans to decode.")
    if decode_memory(image, full_size) > budget.memory:
        raise PhotoTooLarge("The photo would take too much memory to decode.")


def decode_memory(image: Image.Image, full_size: tuple[int, int]) -> int:
    """Bytes a decode of the opened (and, for a JPEG, drafted) image holds at its peak."""
    pixels = image.width * image.height
    memory = pixels * _BYTES_PER_PIXEL.get(image.mode, len(image.getbands()))
    if image.mode not in ("RGB", "L", "CMYK"):
        memory += pixels * _FLATTEN_COPIES
    if image.format == "HEIF":
        memory += pixels * _HEIF_PLANES  # libheif's decoded planes, before pillow-heif's RGB
    if _is_progressive_jpeg(image):
        memory += _coefficient_bytes(image, full_size)
    return memory


def _is_progressive_jpeg(image: Image.Image) -> bool:
    return image.format in ("JPEG", "MPO") and bool(image.info.get("progressive"))


def _coefficient_bytes(image: Image.Image, full_size: tuple[int, int]) -> int:
    """libjpeg's whole-image coefficient buffer (2 bytes each) at full size, not the draft's."""
    width, height = full_size
    layers = getattr(image, "layer", None) or [("", 1, 1, 0)]
    h_max = max(layer[1] for layer in layers)
    v_max = max(layer[2] for layer in layers)
    blocks = sum(
        math.ceil(math.ceil(width * h / h_max) / 8) * math.ceil(math.ceil(height * v / v_max) / 8)
        for _, h, v, _ in layers
    )
    return blocks * 64 * 2


class Deadline:
    """The decoder's view of its input: reads pass through until `seconds` have gone by."""

    def __init__(self, stream: Any, seconds: float):
        self._stream = stream
        self._deadline = time.thread_time() + seconds

    def read(self, size: int = -1) -> bytes:
        """The stream's `read`, refused once the deadline has passed."""
        if time.thread_time() > self._deadline:
            raise PhotoTooLarge("The photo takes too long to decode.")
        return self._stream.read(size)

    def __getattr__(self, name: str) -> Any:
        return getattr(self._stream, name)


def start_deadline(image: Image.Image, seconds: float) -> None:
    """Make `image.load()` read its input in small chunks and stop after `seconds`."""
    image.decodermaxblock = CHUNK
    image.fp = Deadline(image.fp, seconds)


DEFAULT_BUDGET = DecodeBudget()
