"""A photo's 64-bit perceptual hash (DCT pHash, `imagehash`) and its four 16-bit quarters.

Pure: bytes in, integers out. Databases store 64 bits signed, so the hash is kept signed.
Candidates for `photo_reused` (distance <= 6) are found by quarter through an index: two
hashes within 6 bits do NOT always share a quarter exactly (2+2+1+1 differing bits touch all
four), but at least one quarter differs in at most one bit (four quarters of two or more would
make eight), so each quarter is looked up with its 16 one-bit neighbours: 17 values each.
"""

import io

import imagehash
from PIL import Image, ImageStat

BITS = 64
QUARTERS = 4
_MASK = (1 << BITS) - 1
# pHash looks at a 32x32 greyscale reduction: a 1/8-scale JPEG decode keeps far more than that
# and costs a fraction of a full one
_DRAFT_BOX = (256, 256)
FLAT_STDDEV = 2.0  # grey levels


def phash_of(jpeg: bytes) -> int | None:
    """The signed 64-bit perceptual hash of a (display) JPEG; None for a flat image."""
    with Image.open(io.BytesIO(jpeg), formats=["JPEG"]) as image:
        image.draft("L", _DRAFT_BOX)
        grey = image.convert("L")
    # a covered lens or a blank wall has no picture to recognise: every such photo would
    # "match" every other
    if ImageStat.Stat(grey).stddev[0] < FLAT_STDDEV:
        return None
    bits = imagehash.phash(grey).hash.flatten()
    value = 0
    for bit in bits:
        value = (value << 1) | int(bit)
    return to_signed(value)


def to_signed(value: int) -> int:
    """An unsigned 64-bit value as the signed integer a BIGINT column stores."""
    value &= _MASK
    return value - (1 << BITS) if value >> (BITS - 1) else value


def quarters(phash: int) -> tuple[int, int, int, int]:
    """The hash's four 16-bit quarters (0..65535), lowest first."""
    value = phash & _MASK
    return tuple((value >> (16 * i)) & 0xFFFF for i in range(QUARTERS))  # type: ignore[return-value]


def neighbours(quarter: int) -> list[int]:
    """The quarter and the 16 values one bit away from it."""
    return [quarter, *(quarter ^ (1 << bit) for bit in range(16))]


def distance(a: int, b: int) -> int:
    """Hamming distance between two 64-bit hashes (signed or not)."""
    return ((a ^ b) & _MASK).bit_count()
