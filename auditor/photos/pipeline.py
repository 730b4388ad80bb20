"""Photo pipeline: identify by content, enforce limits, orient, re-encode (EXIF: `metadata`).

Pure: bytes in, a `ProcessedPhoto` out (or a `PhotoError`); no Flask, no database.
Nothing of the upload survives but its pixels and, when it is a valid RGB profile, its
ICC profile: the display image and the thumbnail are fresh JPEG encodes.
"""

import hashlib
import io
from dataclasses import dataclass
from datetime import UTC, datetime, tzinfo
from typing import BinaryIO

import pillow_heif
from PIL import Image, ImageCms

from auditor.photos.budget import DEFAULT_BUDGET, DecodeBudget, check_cost, start_deadline
from auditor.photos.errors import BrokenPhoto, PhotoError, PhotoTooLarge, UnsupportedPhoto
from auditor.photos.metadata import TRANSPOSE, Metadata, read_metadata, split_jpeg_exif

# Thumbnails, depth maps and auxiliary images are separate pictures inside a HEIF file: we
# never want them (an embedded thumbnail need not even show the same scene), so don't parse them.
pillow_heif.register_heif_opener(thumbnails=False, depth_images=False, aux_images=False)

DISPLAY_LONG_SIDE = 1600
THUMB_LONG_SIDE = 320
DISPLAY_QUALITY = 85
THUMB_QUALITY = 80
MAX_ICC_BYTES = 1 << 20  # a phone's profile is ~0.5-4 KB; LUT-based RGB profiles stay well below
# Bicubic after a box-reduce by 2 where the shrink is >= 2x (thumbnail()'s defaults): ~44 dB
# PSNR against a full-size decode and Lanczos resize, at less than half its cost (bench)
RESAMPLE = Image.Resampling.BICUBIC
REDUCING_GAP = 2.0

_HEIF_BRANDS = {b"heic", b"heix", b"heim", b"heis", b"hevc", b"hevx", b"hevm", b"hevs"}
_GENERIC_BRANDS = {b"mif1", b"msf1"}  # HEIF container, codec named by the other brands
_AV1_BRANDS = {b"avif", b"avis"}  # same container, but AVIF is not on our list
_PROFILE_SPACES = {"RGB": "RGB", "L": "GRAY", "CMYK": "CMYK"}
_SRGB = ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB"))


@dataclass(frozen=True)
class ProcessedPhoto:
    """The two sanitized JPEGs and what was read from the upload."""

    display: bytes  # upright, long side <= 1600, no metadata but the RGB ICC profile
    thumbnail: bytes  # the same, long side <= 320
    width: int  # of the display image
    height: int
    taken_at: datetime | None  # aware, UTC
    gps: tuple[float, float] | None  # (latitude, longitude) in decimal degrees
    content_hash: str  # sha256 hex of `display`: its storage key
    source_format: str  # "JPEG" (MPO included), "PNG", "WEBP" or "HEIF"


def upload_hash(data: bytes) -> str:
    """SHA-256 hex of the raw upload, for idempotent re-sends."""
    return hashlib.sha256(data).hexdigest()


def process_photo(
    data: bytes,
    *,
    max_bytes: int,
    max_pixels: int,
    local_tz: tzinfo = UTC,
    budget: DecodeBudget = DEFAULT_BUDGET,
) -> ProcessedPhoto:
    """Check, decode and re-encode an upload into a display image and a thumbnail."""
    if len(data) > max_bytes:
        raise PhotoTooLarge(f"The photo is over {max_bytes} bytes.")
    source_format = identify(data)
    if source_format == "WEBP":
        # Pillow's WebP plugin allocates the whole canvas when it opens the file
        _check_pixels(_webp_size(data), max_pixels)
    display, icc, meta = _upright_display(data, source_format, max_pixels, local_tz, budget)
    thumb = _resize(display, fit(display.size, THUMB_LONG_SIDE))
    display_bytes = encode_jpeg(display, DISPLAY_QUALITY, icc)
    return ProcessedPhoto(
        display=display_bytes,
        thumbnail=encode_jpeg(thumb, THUMB_QUALITY, icc),
        width=display.width,
        height=display.height,
        taken_at=meta.taken_at,
        gps=meta.gps,
        content_hash=hashlib.sha256(display_bytes).hexdigest(),
        source_format=source_format,
    )


def _upright_display(
    data: bytes, source_format: str, max_pixels: int, local_tz: tzinfo, budget: DecodeBudget
) -> tuple[Image.Image, bytes | None, Metadata]:
    """The upright RGB display image, its ICC profile and the photo's metadata."""
    # a function of its own so the decoded source is freed before the encodes run
    exif, stream = split_jpeg_exif(data) if source_format == "JPEG" else (None, io.BytesIO(data))
    with _open(stream, source_format, max_pixels) as image:
        target = fit(image.size, DISPLAY_LONG_SIDE)
        _decode(image, data, target, budget)
        meta = read_metadata(image, exif, source_format, local_tz)
        display, icc = _colour(_resize(_flatten(image), target), image.info.get("icc_profile"))
    if meta.orientation > 1:
        display = display.transpose(TRANSPOSE[meta.orientation])
    return display, icc, meta


def identify(data: bytes) -> str:
    """The Pillow format name the bytes start with; names and declared types are ignored."""
    if data.startswith(b"\xff\xd8\xff"):
        return "JPEG"
    if data.startswith(b"\x89PNG\r\n\x1a\n"):
        return "PNG"
    if data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        return "WEBP"
    if data[4:8] == b"ftyp" and _is_heif(data):
        return "HEIF"
    raise UnsupportedPhoto("Photos must be JPEG, PNG, WebP or HEIC.")


def _is_heif(data: bytes) -> bool:
    size = min(int.from_bytes(data[:4]), len(data), 64)
    major = data[8:12]
    brands = {data[i : i + 4] for i in range(16, size - 3, 4)} | {major}
    if major in _HEIF_BRANDS:
        return True
    return major in _GENERIC_BRANDS and not brands & _AV1_BRANDS


def fit(size: tuple[int, int], long_side: int) -> tuple[int, int]:
    """`size` scaled so its long side is `long_side`, or unchanged when already within it."""
    width, height = size
    longest = max(width, height)
    if longest <= long_side:
        return size
    scale = long_side / longest
    return max(1, round(width * scale)), max(1, round(height * scale))


def _open(stream: BinaryIO, source_format: str, max_pixels: int) -> Image.Image:
    """Read the header only, and refuse over-limit sizes before any pixel is decoded."""
    try:
        image = Image.open(stream, formats=[source_format])
    except (Image.DecompressionBombError, Image.DecompressionBombWarning) as error:
        # Pillow's own global guard (89 MP warns, 179 MP raises); the warning is an
        # exception only where warnings are errors (the tests), else our check below refuses
        raise PhotoTooLarge("The photo has too many pixels.") from error
    except MemoryError:
        raise
    except Exception as error:  # any decoder complaint about the header means "unreadable"
        raise BrokenPhoto(f"The photo cannot be read as {source_format}.") from error
    try:
        _check_pixels(image.size, max_pixels)
    except PhotoTooLarge:
        image.close()
        raise
    return image


def _check_pixels(size: tuple[int, int], max_pixels: int) -> None:
    if size[0] * size[1] > max_pixels:
        raise PhotoTooLarge(f"The photo is over {max_pixels} pixels.")


def _webp_size(data: bytes) -> tuple[int, int]:
    """Canvas size from a WebP header (VP8X, VP8 or VP8L), without decoding."""
    chunk = data[12:16]
    if chunk == b"VP8X" and len(data) >= 30:
        return int.from_bytes(data[24:27], "little") + 1, int.from_bytes(data[27:30], "little") + 1
    if chunk == b"VP8 " and len(data) >= 30 and data[23:26] == b"\x9d\x01\x2a":
        width = int.from_bytes(data[26:28], "little") & 0x3FFF
        return width, int.from_bytes(data[28:30], "little") & 0x3FFF
    if chunk == b"VP8L" and len(data) >= 25 and data[20] == 0x2F:
        bits = int.from_bytes(data[21:25], "little")
        return (bits & 0x3FFF) + 1, ((bits >> 14) & 0x3FFF) + 1
    raise BrokenPhoto("The WebP header cannot be read.")


def _decode(image: Image.Image, data: bytes, target: tuple[int, int], budget: DecodeBudget) -> None:
    """Decode the pixels within `budget`; a JPEG at 1/2, 1/4 or 1/8 scale when that still
    covers `target`."""
    full_size = image.size
    if image.format in ("JPEG", "MPO") and target != image.size:
        # `target` keeps the photo's aspect, so libjpeg can scale both sides by the same
        # factor (a square box on a 4:3 photo would force a full-size decode)
        image.draft("RGB", target)
    check_cost(image, full_size, data, budget)
    start_deadline(image, budget.seconds)
    try:
        image.load()
    except (MemoryError, PhotoError):
        raise
    except Exception as error:  # truncated or corrupt data, whatever the decoder says
        raise BrokenPhoto("The photo is truncated or corrupt.") from error


def _flatten(image: Image.Image) -> Image.Image:
    """One of RGB, L or CMYK; transparency is composited onto white."""
    if image.mode in ("RGB", "L", "CMYK"):
        return image
    if image.mode in ("I;16", "I;16L", "I;16B", "I"):
        # 16-bit grey: Pillow's conversion to L clips (everything above 255 turns white)
        return image.convert("I").point(lambda value: value * (1 / 256)).convert("L")
    if image.has_transparency_data:
        rgba = image.convert("RGBA")
        flat = Image.new("RGB", rgba.size, "white")
        flat.paste(rgba, mask=rgba.getchannel("A"))
        return flat
    return image.convert("RGB")


def _resize(image: Image.Image, size: tuple[int, int]) -> Image.Image:
    if image.size == size:
        return image
    return image.resize(size, RESAMPLE, reducing_gap=REDUCING_GAP)


def _colour(image: Image.Image, icc: bytes | None) -> tuple[Image.Image, bytes | None]:
    """RGB pixels and the ICC profile to embed: the source's RGB profile, else sRGB implied."""
    profile = _valid_profile(icc)
    space = profile.profile.xcolor_space.strip() if profile else None
    if image.mode == "RGB":
        return image, (icc if space == "RGB" else None)
    if profile and space == _PROFILE_SPACES[image.mode]:
        try:
            # a CMYK or grey profile cannot label RGB pixels: convert to sRGB through it
            return ImageCms.profileToProfile(image, profile, _SRGB, outputMode="RGB"), None
        except (ImageCms.PyCMSError, OSError, ValueError):
            pass
    return image.convert("RGB"), None


def _valid_profile(icc: bytes | None) -> ImageCms.ImageCmsProfile | None:
    """The parsed profile, or None when absent, oversized or not an ICC profile at all."""
    if not icc or len(icc) > MAX_ICC_BYTES:
        return None
    try:
        return ImageCms.ImageCmsProfile(io.BytesIO(icc))
    except (OSError, ValueError, TypeError):
        return None


def encode_jpeg(image: Image.Image, quality: int, icc: bytes | None) -> bytes:
    """A baseline JPEG of `image` carrying no metadata but `icc`."""
    # Pillow's JPEG writer copies image.info["comment"] (a JPEG COM marker, or a PNG tEXt
    # "comment") into the output: drop everything the source attached
    image.info = {}
    buffer = io.BytesIO()
    # optimized Huffman tables: ~12% smaller files, served many times, for ~5 ms once (bench)
    image.save(buffer, "JPEG", quality=quality, icc_profile=icc, optimize=True)
    return buffer.getvalue()
