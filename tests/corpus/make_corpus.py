"""Re-create the bad-input corpus: `.venv/bin/python tests/corpus/make_corpus.py`.

Every file is built from code (fixed seeds, no downloads), and CASES is the one table the
README, manifest.json and the tests read. `expect` is the HTTP status an upload answers, or
"stored" for an odd but valid image that must be stored re-encoded with no payload left.
"""

import io
import json
import struct
import sys
import zlib
from pathlib import Path

from PIL import Image, ImageDraw

HERE = Path(__file__).parent
PAYLOAD = b"<html><script>alert('PAYLOAD-c0rpus')</script></html>"
MARKER = b"PAYLOAD-c0rpus"  # must not appear in anything we store
OVERSIZED_BYTES = 25 * 1024 * 1024


# name, expect, Content-Type an API test declares, what it is
CASES = [
    ("empty.bin", 415, "image/jpeg", "zero bytes"),
    ("text.txt", 415, "image/jpeg", "plain text declared as a JPEG (a lying Content-Type)"),
    ("script.svg", 415, "image/svg+xml", "SVG with an inline `<script>`"),
    ("animated.gif", 415, "image/gif", "a valid two-frame GIF: not an accepted format"),
    ("truncated.jpg", 422, "image/jpeg", "a valid JPEG cut in the middle of its scan"),
    ("jpeg-magic-html.jpg", 422, "image/jpeg", "JPEG magic bytes followed by HTML"),
    ("bomb.png", 413, "image/png", "20000x20000 (400 MP) 1-bit PNG, 48 KB: a decompression bomb"),
    ("html-appended.jpg", "stored", "image/jpeg", "a valid JPEG with `<html><script>` appended"),
    ("metadata-payload.jpg", "stored", "image/jpeg", "payload in a COM marker, XMP and EXIF"),
    ("text-chunk.png", "stored", "image/png", "payload in PNG tEXt (comment) and iTXt chunks"),
    ("exif-garbage.jpg", "stored", "image/jpeg", "EXIF with bad types, counts and offsets"),
    ("exif-oversized.jpg", "stored", "image/jpeg", "60 KB EXIF: 2 KB DateTimeOriginal, payload"),
    ("png-named.jpg", "stored", "image/jpeg", "a PNG named .jpg and declared image/jpeg"),
    ("sample.heic", "stored", "image/heic", "HEIC (x265) with EXIF date, GPS, orientation 6"),
    ("rotated.jpg", "stored", "image/jpeg", "400x300 stored, EXIF orientation 6 (upright 300x400)"),
    ("gps.jpg", "stored", "image/jpeg", "EXIF GPS, DateTimeOriginal and OffsetTimeOriginal"),
    ("transparent.png", "stored", "image/png", "RGBA with transparent areas (flattened on white)"),
    ("cmyk.jpg", "stored", "image/jpeg", "CMYK JPEG without a profile"),
    ("p3.jpg", "stored", "image/jpeg", "with a Display P3-like ICC profile (must be kept)"),
    ("grey16.png", "stored", "image/png", "16-bit greyscale PNG"),
    ("animated.webp", "stored", "image/webp", "two-frame WebP: the first frame is stored"),
    ("tiny.webp", "stored", "image/webp", "a 1x1 lossless WebP"),
    (
        "multi-picture.jpg",
        "stored",
        "image/jpeg",
        "MPO (multi-picture JPEG) with EXIF orientation 6",
    ),
]


def oversized_body() -> bytes:
    """25 MB starting like a JPEG: generated at test time, never committed."""
    return b"\xff\xd8\xff\xe0" + bytes(OVERSIZED_BYTES - 4)


def scene(size: tuple[int, int] = (400, 300)) -> Image.Image:
    """A picture with a red top band and a blue left band, so orientation can be checked."""
    image = Image.new("RGB", size, (200, 200, 200))
    draw = ImageDraw.Draw(image)
    draw.rectangle((0, 0, size[0], size[1] // 5), fill=(220, 20, 20))
    draw.rectangle((0, 0, size[0] // 8, size[1]), fill=(20, 20, 220))
    draw.ellipse((size[0] // 3, size[1] // 3, size[0] // 2, size[1] // 2), fill=(20, 160, 20))
    return image


def jpeg(image: Image.Image, **params) -> bytes:
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", quality=90, **params)
    return buffer.getvalue()


def encoded(image: Image.Image, fmt: str, **params) -> bytes:
    buffer = io.BytesIO()
    image.save(buffer, fmt, **params)
    return buffer.getvalue()


def camera_exif(orientation: int = 1) -> Image.Exif:
    """EXIF as a phone writes it: date with offset, GPS (48.8584 N, 2.2945 E)."""
    exif = Image.Exif()
    exif[0x0112] = orientation
    exif[0x010F] = "Test Camera"
    exif_ifd = exif.get_ifd(0x8769)
    exif_ifd[0x9003] = "2024:05:17 14:30:05"  # DateTimeOriginal
    exif_ifd[0x9011] = "+02:00"  # OffsetTimeOriginal
    gps = exif.get_ifd(0x8825)
    gps[1], gps[2] = "N", (48.0, 51.0, 30.24)
    gps[3], gps[4] = "E", (2.0, 17.0, 40.2)
    return exif


def bomb_png(width: int = 20000, height: int = 20000) -> bytes:
    """A valid 1-bit PNG of width x height zeros, written row by row (no 400 MB image)."""

    def chunk(kind: bytes, body: bytes) -> bytes:
        return (
            struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))
        )

    compressor = zlib.compressobj(9)
    row = bytes(1 + (width + 7) // 8)  # filter byte + packed bits
    idat = b"".join(compressor.compress(row) for _ in range(height)) + compressor.flush()
    header = struct.pack(">IIBBBBB", width, height, 1, 0, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", idat) + chunk(b"IEND", b"")
    )


def tiff_ifd(entries: list[tuple[int, int, int, int]], start: int) -> bytes:
    """A little-endian IFD at offset `start`: (tag, type, count, value-or-offset) raw."""
    body = struct.pack("<H", len(entries))
    body += b"".join(struct.pack("<HHII", *entry) for entry in entries)
    return body + struct.pack("<I", 0)


def garbage_exif() -> bytes:
    """A hand-written TIFF block whose fields lie about their types, counts and offsets."""
    exif_at = 8 + 2 + 6 * 12 + 4
    ifd0 = tiff_ifd(
        [
            (0x0112, 3, 1, 99),  # Orientation 99: no such orientation
            (0x010E, 2, 0x7FFFFFFF, 0xFFFFFF00),  # ImageDescription: 2 GB, out of the block
            (0x010F, 99, 5, 0),  # Make with type 99: no such TIFF type
            (0x0110, 5, 1000, 12),  # Model as 1000 rationals, overlapping the header
            (0x8769, 4, 1, exif_at),  # Exif IFD
            (0x8825, 4, 1, 0xFFFFFFF0),  # GPS IFD pointer out of range
        ],
        8,
    )
    date_at = exif_at + 2 + 3 * 12 + 4
    exif_ifd = tiff_ifd(
        [
            (0x9003, 2, 20, date_at),  # DateTimeOriginal, not a date
            (0x9011, 2, 0xFFFF, date_at),  # OffsetTimeOriginal longer than the block
            (0x8769, 4, 1, exif_at),  # an Exif IFD pointing at itself
        ],
        exif_at,
    )
    return b"II*\x00" + struct.pack("<I", 8) + ifd0 + exif_ifd + b"2024:13:45 99:99:99\x00"


def oversized_exif() -> bytes:
    exif = Image.Exif()
    exif_ifd = exif.get_ifd(0x8769)
    exif_ifd[0x9003] = "2024:05:17 14:30:05" + "9" * 2000  # a date with 2 KB of digits after it
    exif_ifd[0x9286] = b"ASCII\x00\x00\x00" + (PAYLOAD * 1100)[:58000]  # UserComment
    return exif.tobytes()


def with_segment(jpeg_bytes: bytes, marker: int, body: bytes) -> bytes:
    """Insert a JPEG marker segment right after SOI."""
    segment = struct.pack(">BBH", 0xFF, marker, len(body) + 2) + body
    return jpeg_bytes[:2] + segment + jpeg_bytes[2:]


def icc_profile(space: bytes, description: bytes, tags: list[tuple[bytes, bytes]]) -> bytes:
    """A minimal ICC v2 display profile: header, tag table, desc, cprt, wtpt and `tags`."""
    desc = b"desc\0\0\0\0" + struct.pack(">I", len(description) + 1) + description + b"\0"
    desc += struct.pack(">II", 0, 0) + struct.pack(">HB", 0, 0) + bytes(67)
    tags = [
        (b"desc", desc),
        (b"cprt", b"text\0\0\0\0No copyright, test data\0"),
        (b"wtpt", icc_xyz(0.9642, 1.0, 0.8249)),
        *tags,
    ]
    offset = 128 + 4 + 12 * len(tags)
    table, data = b"", b""
    for signature, body in tags:
        body += bytes(-len(body) % 4)
        table += signature + struct.pack(">II", offset + len(data), len(body))
        data += body
    size = offset + len(data)
    header = struct.pack(">I4sI4s4s4s", size, bytes(4), 0x02100000, b"mntr", space, b"XYZ ")
    header += struct.pack(">6H", 2024, 1, 1, 0, 0, 0) + b"acsp" + bytes(24) + struct.pack(">I", 0)
    header += icc_xyz(0.9642, 1.0, 0.8249)[8:] + bytes(128 - 80)
    return header + struct.pack(">I", len(tags)) + table + data


def icc_xyz(x: float, y: float, z: float) -> bytes:
    return b"XYZ \0\0\0\0" + struct.pack(">iii", *(round(v * 65536) for v in (x, y, z)))


GAMMA_22 = b"curv\0\0\0\0" + struct.pack(">IH", 1, 0x0233) + b"\0\0"


def icc_display_p3() -> bytes:
    """An RGB matrix/TRC profile with Display P3 primaries (D50-adapted), gamma 2.2."""
    colorants = [
        (b"rXYZ", icc_xyz(0.5151, 0.2412, -0.0011)),
        (b"gXYZ", icc_xyz(0.2920, 0.6922, 0.0419)),
        (b"bXYZ", icc_xyz(0.1571, 0.0666, 0.7841)),
    ]
    curves = [(b"rTRC", GAMMA_22), (b"gTRC", GAMMA_22), (b"bTRC", GAMMA_22)]
    return icc_profile(b"RGB ", b"Display P3 (test corpus)", colorants + curves)


def icc_grey() -> bytes:
    """A grey profile with a gamma 2.2 curve."""
    return icc_profile(b"GRAY", b"Grey gamma 2.2 (test corpus)", [(b"kTRC", GAMMA_22)])


def frames() -> list[Image.Image]:
    return [scene((64, 48)), scene((64, 48)).transpose(Image.Transpose.ROTATE_180)]


def build() -> dict[str, bytes]:
    """Every corpus file's bytes, by name."""
    base = jpeg(scene())
    files = {
        "empty.bin": b"",
        "text.txt": b"This is not a photo.\nJust text, sent with Content-Type: image/jpeg.\n",
        "script.svg": (
            b'<svg xmlns="http://www.w3.org/2000/svg" width="100" height="100">'
            b'<rect width="100" height="100" fill="red"/><script>alert("PAYLOAD-c0rpus")</script>'
            b"</svg>\n"
        ),
        "animated.gif": encoded(frames()[0], "GIF", save_all=True, append_images=frames()[1:]),
        "truncated.jpg": base[: len(base) // 2],
        "jpeg-magic-html.jpg": b"\xff\xd8\xff\xe0" + PAYLOAD,
        "bomb.png": bomb_png(),
        "html-appended.jpg": base + PAYLOAD,
        "metadata-payload.jpg": metadata_payload_jpeg(base),
        "text-chunk.png": text_chunk_png(),
        "exif-garbage.jpg": with_segment(base, 0xE1, b"Exif\0\0" + garbage_exif()),
        "exif-oversized.jpg": jpeg(scene(), exif=oversized_exif()),
        "png-named.jpg": encoded(scene(), "PNG"),
        "sample.heic": heic(),
        "rotated.jpg": jpeg(scene(), exif=camera_exif(orientation=6)),
        "gps.jpg": jpeg(scene(), exif=camera_exif()),
        "transparent.png": transparent_png(),
        "cmyk.jpg": jpeg(scene().convert("CMYK")),
        "p3.jpg": jpeg(scene(), icc_profile=icc_display_p3()),
        "grey16.png": grey16_png(),
        "animated.webp": encoded(frames()[0], "WEBP", save_all=True, append_images=frames()[1:]),
        "tiny.webp": encoded(Image.new("RGB", (1, 1), (10, 200, 30)), "WEBP", lossless=True),
        "multi-picture.jpg": multi_picture(),
    }
    assert set(files) == {case[0] for case in CASES}
    return files


def multi_picture() -> bytes:
    exif = camera_exif(orientation=6).tobytes()
    return encoded(scene(), "MPO", save_all=True, append_images=frames()[:1], exif=exif)


def metadata_payload_jpeg(base: bytes) -> bytes:
    exif = Image.Exif()
    exif[0x010E] = PAYLOAD.decode()  # ImageDescription
    xmp = b"http://ns.adobe.com/xap/1.0/\0<x:xmpmeta>" + PAYLOAD + b"</x:xmpmeta>"
    data = with_segment(base, 0xFE, PAYLOAD)  # COM: Pillow would copy it into a new JPEG
    data = with_segment(data, 0xE1, xmp)
    return with_segment(data, 0xE1, b"Exif\0\0" + exif.tobytes()[6:])


def text_chunk_png() -> bytes:
    from PIL import PngImagePlugin

    info = PngImagePlugin.PngInfo()
    info.add_text("comment", PAYLOAD.decode())  # Pillow would turn this into a JPEG COM
    info.add_itxt("Description", PAYLOAD.decode(), lang="en")
    return encoded(scene(), "PNG", pnginfo=info)


def transparent_png() -> bytes:
    image = scene().convert("RGBA")
    ImageDraw.Draw(image).rectangle((200, 150, 399, 299), fill=(0, 0, 0, 0))
    return encoded(image, "PNG")


def grey16_png() -> bytes:
    image = Image.linear_gradient("L").resize((256, 64)).convert("I")
    return encoded(image.point(lambda value: value * 257).convert("I;16"), "PNG")


def heic() -> bytes:
    """HEIC through pillow-heif's x265 encoder; the orientation becomes HEIF's irot."""
    import pillow_heif

    pillow_heif.register_heif_opener()
    return encoded(scene(), "HEIF", quality=60, exif=camera_exif(orientation=6).tobytes())


def readme() -> str:
    rows = "\n".join(
        f"| `{name}` | {expect} | `{ctype}` | {what} |" for name, expect, ctype, what in CASES
    )
    return (
        "# Bad and odd photo uploads\n\n"
        "Generated by `make_corpus.py` (run it to re-create every file; output is deterministic).\n"
        "`manifest.json` holds the same table for tests. `expect` is the upload's HTTP status;\n"
        "`stored` means a valid but odd image that must be stored re-encoded, with none of its\n"
        f"metadata and no trace of the marker `{MARKER.decode()}` or `<script` in what is stored.\n"
        "Refused uploads must leave nothing behind (no row, no stored file).\n\n"
        "Not committed: a 25 MB body (`make_corpus.oversized_body()`), built at test time;\n"
        "it answers 413 before any decoding.\n\n"
        "| file | expect | declared Content-Type | what |\n|---|---|---|---|\n" + rows + "\n"
    )


def manifest() -> str:
    cases = [{"file": n, "expect": e, "content_type": c, "what": w} for n, e, c, w in CASES]
    return json.dumps({"marker": MARKER.decode(), "cases": cases}, indent=2) + "\n"


def main() -> int:
    for name, data in build().items():
        (HERE / name).write_bytes(data)
    (HERE / "README.md").write_text(readme())
    (HERE / "manifest.json").write_text(manifest())
    return 0


if __name__ == "__main__":
    sys.exit(main())
