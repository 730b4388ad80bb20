"""The photo pipeline: limits, identification, orientation, metadata, re-encoding, the corpus."""

import contextlib
import hashlib
import io
import json
from datetime import UTC, datetime
from fractions import Fraction
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from PIL import Image, ImageFile, JpegImagePlugin, TiffImagePlugin

from auditor.core.errors import DomainError
from auditor.photos import metadata, pipeline
from auditor.photos.metadata import split_jpeg_exif
from auditor.photos.pipeline import (
    BrokenPhoto,
    PhotoError,
    PhotoTooLarge,
    ProcessedPhoto,
    UnsupportedPhoto,
    fit,
    process_photo,
    upload_hash,
)
from tests.corpus.make_corpus import (
    MARKER,
    bomb_png,
    camera_exif,
    icc_display_p3,
    icc_grey,
    manifest,
    oversized_body,
    readme,
    scene,
)

CORPUS = Path(__file__).parent.parent / "corpus"
MANIFEST = json.loads((CORPUS / "manifest.json").read_text())
LIMITS = {"max_bytes": 20 * 1024 * 1024, "max_pixels": 50_000_000}
ERRORS = {413: PhotoTooLarge, 415: UnsupportedPhoto, 422: BrokenPhoto}
# markers a clean baseline JPEG may carry: SOI, APP0 (JFIF), APP2 (ICC), DQT, SOF0, DHT, SOS
CLEAN_MARKERS = {0xD8, 0xE0, 0xE2, 0xDB, 0xC0, 0xC4, 0xDA}


def process(data: bytes, **overrides) -> ProcessedPhoto:
    return process_photo(data, **{**LIMITS, **overrides})


def jpeg(size=(400, 300), exif: Image.Exif | None = None, **params) -> bytes:
    buffer = io.BytesIO()
    image = scene(size)
    image.save(buffer, "JPEG", quality=90, exif=exif.tobytes() if exif else b"", **params)
    return buffer.getvalue()


def opened(data: bytes) -> Image.Image:
    image = Image.open(io.BytesIO(data))
    image.load()
    return image


def markers(data: bytes) -> set[int]:
    """The JPEG markers before the scan data."""
    found, position = {data[1]}, 2
    while data[position + 1] != 0xDA:
        found.add(data[position + 1])
        position += 2 + int.from_bytes(data[position + 2 : position + 4])
    return found | {0xDA}


def close_to(pixel, colour, tolerance=40) -> bool:
    return all(abs(a - b) <= tolerance for a, b in zip(pixel, colour, strict=True))


RED, BLUE, WHITE = (220, 20, 20), (20, 20, 220), (255, 255, 255)


# --- the corpus ----------------------------------------------------------------------------

REFUSED = [case for case in MANIFEST["cases"] if case["expect"] != "stored"]
STORED = [case for case in MANIFEST["cases"] if case["expect"] == "stored"]


@pytest.mark.parametrize("case", REFUSED, ids=lambda case: case["file"])
def test_corpus_refusals(case):
    with pytest.raises(ERRORS[case["expect"]]) as caught:
        process((CORPUS / case["file"]).read_bytes())
    assert caught.value.status == case["expect"]


@pytest.mark.parametrize("case", STORED, ids=lambda case: case["file"])
def test_corpus_odd_images_are_stored_clean(case):
    photo = process((CORPUS / case["file"]).read_bytes())
    for output in (photo.display, photo.thumbnail):
        assert MARKER not in output
        assert b"<script" not in output
        assert markers(output) <= CLEAN_MARKERS
        image = opened(output)
        assert (image.format, image.mode) == ("JPEG", "RGB")
        assert not image.getexif()
        assert not {"exif", "xmp", "comment"} & set(image.info)
    assert opened(photo.display).size == (photo.width, photo.height)
    assert max(opened(photo.thumbnail).size) <= 320
    assert photo.content_hash == hashlib.sha256(photo.display).hexdigest()


def test_corpus_readme_and_manifest_match_the_generator():
    assert (CORPUS / "manifest.json").read_text() == manifest()
    assert (CORPUS / "README.md").read_text() == readme()
    assert all((CORPUS / case["file"]).is_file() for case in MANIFEST["cases"])


def test_an_oversized_body_is_refused_before_anything_reads_it(monkeypatch):
    monkeypatch.setattr(pipeline.Image, "open", pytest.fail)
    with pytest.raises(PhotoTooLarge):
        process(oversized_body())


# --- sizes and orientation -----------------------------------------------------------------


@pytest.mark.parametrize(
    ("size", "display", "thumb"),
    [
        ((4000, 3000), (1600, 1200), (320, 240)),
        ((3000, 4000), (1200, 1600), (240, 320)),
        ((1000, 800), (1000, 800), (320, 256)),
        ((1600, 900), (1600, 900), (320, 180)),
        ((200, 100), (200, 100), (200, 100)),
        ((5000, 10), (1600, 3), (320, 1)),
    ],
)
def test_display_and_thumbnail_sizes(size, display, thumb):
    photo = process(jpeg(size))
    assert (photo.width, photo.height) == display
    assert opened(photo.display).size == display
    assert opened(photo.thumbnail).size == thumb


def test_orientation_6_turns_the_photo_upright():
    photo = process(jpeg((4000, 3000), exif=camera_exif(orientation=6)))
    assert (photo.width, photo.height) == (1200, 1600)
    assert_upright(opened(photo.display))


@pytest.mark.parametrize("name", ["rotated.jpg", "sample.heic", "multi-picture.jpg"])
def test_corpus_rotated_photos_come_out_upright(name):
    photo = process((CORPUS / name).read_bytes())
    assert (photo.width, photo.height) == (300, 400)
    assert_upright(opened(photo.display))


def assert_upright(image: Image.Image) -> None:
    """The scene's top band was stored on the left: orientation 6 puts it on the right."""
    width, height = image.size
    assert close_to(image.getpixel((width - 3, height // 2)), RED)
    assert close_to(image.getpixel((width // 2, 3)), BLUE)


@pytest.mark.parametrize("orientation", [0, 1, 9, 99])
def test_meaningless_orientations_are_ignored(orientation):
    photo = process(jpeg((400, 300), exif=camera_exif(orientation=orientation)))
    assert (photo.width, photo.height) == (400, 300)


def test_jpeg_is_decoded_at_reduced_size_with_an_aspect_keeping_box(monkeypatch):
    calls = []
    original = JpegImagePlugin.JpegImageFile.draft

    def spy(self, mode, size):
        result = original(self, mode, size)
        calls.append((size, self.size))
        return result

    monkeypatch.setattr(JpegImagePlugin.JpegImageFile, "draft", spy)
    process(jpeg((4000, 3000)))
    assert calls == [((1600, 1200), (2000, 1500))]


def test_small_jpeg_is_not_drafted(monkeypatch):
    monkeypatch.setattr(JpegImagePlugin.JpegImageFile, "draft", pytest.fail)
    process(jpeg((1000, 800)))


# --- metadata ------------------------------------------------------------------------------


def test_taken_at_and_gps_are_read():
    photo = process((CORPUS / "gps.jpg").read_bytes())
    assert photo.taken_at == datetime(2024, 5, 17, 12, 30, 5, tzinfo=UTC)
    assert photo.gps == pytest.approx((48.8584, 2.2945))


def test_taken_at_without_offset_is_read_in_the_local_zone():
    exif = camera_exif()
    del exif.get_ifd(0x8769)[0x9011]
    paris = process(jpeg(exif=exif), local_tz=ZoneInfo("Europe/Paris"))
    assert paris.taken_at == datetime(2024, 5, 17, 12, 30, 5, tzinfo=UTC)
    assert process(jpeg(exif=exif)).taken_at == datetime(2024, 5, 17, 14, 30, 5, tzinfo=UTC)


def test_no_exif_means_no_metadata():
    photo = process(jpeg())
    assert (photo.taken_at, photo.gps) == (None, None)


@pytest.mark.parametrize(
    ("original", "offset", "expected"),
    [
        ("2024:05:17 14:30:05", "-05:00", datetime(2024, 5, 17, 19, 30, 5, tzinfo=UTC)),
        ("2024:05:17 14:30:05\x00", "+02:00\x00", datetime(2024, 5, 17, 12, 30, 5, tzinfo=UTC)),
        ("2024:05:17 14:30:05", "+99:00", datetime(2024, 5, 17, 14, 30, 5, tzinfo=UTC)),
        ("2024:05:17 14:30:05", "garbage", datetime(2024, 5, 17, 14, 30, 5, tzinfo=UTC)),
        ("0000:00:00 00:00:00", None, None),
        ("    :  :     :  :  ", None, None),
        ("2024:13:45 99:99:99", None, None),
        ("0001:01:01 00:00:00", "+14:00", None),
        ("2024-05-17T14:30:05", None, None),
        ("2024:05:17 14:30:05 and more", None, None),
        (b"2024:05:17 14:30:05", None, None),
        (20240517, None, None),
        (None, "+02:00", None),
    ],
)
def test_taken_at_parsing(original, offset, expected):
    ifd = {key: value for key, value in ((0x9003, original), (0x9011, offset)) if value is not None}
    assert metadata._taken_at(ifd, UTC) == expected


def rational(value: float) -> TiffImagePlugin.IFDRational:
    fraction = Fraction(value).limit_denominator(10_000)
    return TiffImagePlugin.IFDRational(fraction.numerator, fraction.denominator)


@pytest.mark.parametrize(
    ("gps", "expected"),
    [
        ({1: "S", 2: (33, 51, 54), 3: "W", 4: (151, 12, 36)}, (-33.865, -151.21)),
        ({1: "N\x00", 2: (10.5, 0, 0), 3: "e", 4: (0, 30, 0)}, (10.5, 0.5)),
        ({2: (48, 51, 30), 3: "E", 4: (2, 17, 40)}, None),  # no latitude reference
        ({1: "X", 2: (48, 51, 30), 3: "E", 4: (2, 17, 40)}, None),
        ({1: "N", 2: (95, 0, 0), 3: "E", 4: (2, 17, 40)}, None),  # beyond the pole
        ({1: "N", 2: (48, 0, 0), 3: "E", 4: (181, 0, 0)}, None),
        ({1: "N", 2: (48, 61, 0), 3: "E", 4: (2, 0, 0)}, None),  # 61 minutes
        ({1: "N", 2: (48, -1, 0), 3: "E", 4: (2, 0, 0)}, None),
        ({1: "N", 2: (48, 51), 3: "E", 4: (2, 17, 40)}, None),  # two parts
        ({1: "N", 2: 48.5, 3: "E", 4: (2, 17, 40)}, None),
        ({1: "N", 2: "48,51,30", 3: "E", 4: (2, 17, 40)}, None),
        ({1: "N", 2: (float("nan"), 0, 0), 3: "E", 4: (2, 0, 0)}, None),
        ({1: "N", 2: (TiffImagePlugin.IFDRational(1, 0), 0, 0), 3: "E", 4: (2, 0, 0)}, None),
        ({}, None),
    ],
)
def test_gps_parsing(gps, expected):
    result = metadata._gps(gps)
    assert result == (pytest.approx(expected) if expected else None)


def test_gps_from_rationals():
    gps = {1: "N", 2: tuple(map(rational, (48, 51, 30.24))), 3: "E"}
    gps[4] = tuple(map(rational, (2, 17, 40.2)))
    assert metadata._gps(gps) == pytest.approx((48.8584, 2.2945))


def test_heic_metadata_is_read():
    photo = process((CORPUS / "sample.heic").read_bytes())
    assert photo.source_format == "HEIF"
    assert photo.taken_at == datetime(2024, 5, 17, 12, 30, 5, tzinfo=UTC)
    assert photo.gps == pytest.approx((48.8584, 2.2945))


# --- colour --------------------------------------------------------------------------------


def test_rgb_icc_profile_is_kept_in_both_outputs():
    profile = icc_display_p3()
    photo = process((CORPUS / "p3.jpg").read_bytes())
    assert opened(photo.display).info["icc_profile"] == profile
    assert opened(photo.thumbnail).info["icc_profile"] == profile


@pytest.mark.parametrize("icc", [b"not a profile" * 20, icc_display_p3()[:200]])
def test_unparsable_icc_profile_is_dropped(icc):
    photo = process(jpeg(icc_profile=icc))
    assert "icc_profile" not in opened(photo.display).info


def test_oversized_icc_profile_is_dropped(monkeypatch):
    monkeypatch.setattr(pipeline, "MAX_ICC_BYTES", 100)
    photo = process(jpeg(icc_profile=icc_display_p3()))
    assert "icc_profile" not in opened(photo.display).info


def test_cmyk_with_an_rgb_profile_drops_the_profile():
    buffer = io.BytesIO()
    scene().convert("CMYK").save(buffer, "JPEG", icc_profile=icc_display_p3())
    photo = process(buffer.getvalue())
    assert "icc_profile" not in opened(photo.display).info


def test_grey_with_a_grey_profile_is_converted_to_srgb_through_it(monkeypatch):
    buffer = io.BytesIO()
    scene().convert("L").save(buffer, "JPEG", quality=95, icc_profile=icc_grey())
    calls = []
    convert = pipeline.ImageCms.profileToProfile
    monkeypatch.setattr(
        pipeline.ImageCms, "profileToProfile", lambda *a, **k: calls.append(a) or convert(*a, **k)
    )
    display = opened(process(buffer.getvalue()).display)
    assert len(calls) == 1
    assert display.mode == "RGB"
    assert "icc_profile" not in display.info  # sRGB: what a profile-less JPEG means anyway


def test_a_failing_colour_transform_falls_back_to_a_plain_conversion(monkeypatch):
    def fail(*args, **kwargs):
        raise pipeline.ImageCms.PyCMSError("broken profile")

    monkeypatch.setattr(pipeline.ImageCms, "profileToProfile", fail)
    buffer = io.BytesIO()
    scene().convert("L").save(buffer, "JPEG", icc_profile=icc_grey())
    assert opened(process(buffer.getvalue()).display).mode == "RGB"


def test_transparency_is_flattened_onto_white():
    image = opened(process((CORPUS / "transparent.png").read_bytes()).display)
    assert close_to(image.getpixel((300, 250)), WHITE, tolerance=3)
    assert close_to(image.getpixel((200, 2)), RED)


def test_palette_transparency_is_flattened_onto_white():
    image = Image.new("P", (50, 50), 0)
    image.putpalette([0, 0, 0, 255, 0, 0])
    buffer = io.BytesIO()
    image.save(buffer, "PNG", transparency=0)
    display = opened(process(buffer.getvalue()).display)
    assert close_to(display.getpixel((25, 25)), WHITE, tolerance=3)


def test_sixteen_bit_grey_keeps_its_tones():
    image = opened(process((CORPUS / "grey16.png").read_bytes()).display)
    assert image.getpixel((128, 2))[0] < 20  # linear_gradient runs top (black) to bottom
    assert 100 < image.getpixel((128, 32))[0] < 160
    assert image.getpixel((128, 62))[0] > 245


@pytest.mark.parametrize("mode", ["1", "L", "LA", "P", "RGBA", "I;16"])
def test_other_png_modes_become_rgb(mode):
    buffer = io.BytesIO()
    scene((64, 48)).convert(mode).save(buffer, "PNG")
    assert opened(process(buffer.getvalue()).display).mode == "RGB"


# --- identification and limits -------------------------------------------------------------


@pytest.mark.parametrize(
    ("data", "error"),
    [
        (b"\0\0\0\x1cftypavif\0\0\0\0avifmif1miaf", UnsupportedPhoto),
        (b"\0\0\0\x18ftypmif1\0\0\0\0mif1avif", UnsupportedPhoto),
        (b"\0\0\0\x18ftypisom\0\0\0\0isommp41", UnsupportedPhoto),  # an MP4 video
        (b"\0\0\0\x18ftypheic\0\0\0\0mif1heic" + b"\0" * 100, BrokenPhoto),
        (b"\0\0\0\x18ftypmif1\0\0\0\0mif1heic" + b"\0" * 100, BrokenPhoto),
        (b"RIFF\0\0\0\0WEBPVP8Z" + b"\0" * 30, BrokenPhoto),
        (b"RIFF\0\0\0\0WEBPVP8 " + b"\0" * 30, BrokenPhoto),
        (b"\x89PNG\r\n\x1a\n" + b"\0" * 30, BrokenPhoto),
        (b"GIF89a", UnsupportedPhoto),
        (b"BM" + b"\0" * 60, UnsupportedPhoto),
        (b"II*\0" + b"\0" * 60, UnsupportedPhoto),  # TIFF
        (b"%PDF-1.7", UnsupportedPhoto),
        (b"\xff\xd8", UnsupportedPhoto),  # too short to be anything
    ],
)
def test_identification_by_content(data, error):
    with pytest.raises(error):
        process(data)


def test_source_formats():
    assert process(jpeg()).source_format == "JPEG"
    assert process((CORPUS / "multi-picture.jpg").read_bytes()).source_format == "JPEG"
    assert process((CORPUS / "png-named.jpg").read_bytes()).source_format == "PNG"
    assert process((CORPUS / "tiny.webp").read_bytes()).source_format == "WEBP"


def test_byte_limit_is_inclusive():
    data = jpeg()
    process(data, max_bytes=len(data))
    with pytest.raises(PhotoTooLarge):
        process(data, max_bytes=len(data) - 1)


def test_pixel_limit_is_inclusive():
    data = jpeg((1000, 800))
    process(data, max_pixels=800_000)
    with pytest.raises(PhotoTooLarge):
        process(data, max_pixels=799_999)


def test_pixel_limit_is_checked_before_decoding(monkeypatch):
    data = bomb_png(8000, 7500)  # 60 MP: over our 50 MP, under Pillow's own 89 MP guard
    monkeypatch.setattr(ImageFile.ImageFile, "load", pytest.fail)
    with pytest.raises(PhotoTooLarge):
        process(data)


def test_pillow_bomb_warning_zone_is_refused_whether_or_not_warnings_are_errors():
    data = bomb_png(10000, 10000)  # 100 MP: Pillow warns (89 MP) but does not raise (179 MP)
    with pytest.raises(PhotoTooLarge):
        process(data)  # the tests make warnings errors: Pillow's warning is the refusal
    with pytest.warns(Image.DecompressionBombWarning), pytest.raises(PhotoTooLarge):
        process(data)  # as in production, where it is only a warning: our own check refuses


def test_webp_canvas_is_checked_before_pillow_allocates_it(monkeypatch):
    header = b"RIFF\0\0\0\0WEBPVP8X" + (10).to_bytes(4, "little") + bytes(4)
    data = header + (15999).to_bytes(3, "little") + (15999).to_bytes(3, "little") + bytes(50)
    monkeypatch.setattr(pipeline.Image, "open", pytest.fail)
    with pytest.raises(PhotoTooLarge):
        process(data)


@pytest.mark.parametrize("lossless", [False, True])
def test_webp_sizes_are_read_from_both_bitstreams(lossless):
    buffer = io.BytesIO()
    scene((300, 200)).save(buffer, "WEBP", lossless=lossless)
    with pytest.raises(PhotoTooLarge):
        process(buffer.getvalue(), max_pixels=300 * 200 - 1)
    assert process(buffer.getvalue()).width == 300


def test_errors_are_domain_errors_with_http_statuses():
    assert issubclass(PhotoError, DomainError)
    statuses = [cls.status for cls in (PhotoTooLarge, UnsupportedPhoto, BrokenPhoto)]
    assert statuses == [413, 415, 422]


# --- hashes and determinism ----------------------------------------------------------------


def test_hashes():
    data = jpeg()
    photo = process(data)
    assert upload_hash(data) == hashlib.sha256(data).hexdigest()
    assert photo.content_hash == hashlib.sha256(photo.display).hexdigest()
    assert process(data).content_hash == photo.content_hash  # same upload, same stored file


def test_same_pixels_with_other_metadata_share_the_stored_file():
    plain = process((CORPUS / "html-appended.jpg").read_bytes())
    assert plain.content_hash == process(jpeg()).content_hash


# --- pure helpers --------------------------------------------------------------------------


@given(st.integers(1, 60_000), st.integers(1, 60_000), st.integers(1, 2000))
def test_fit_keeps_the_aspect_and_caps_the_long_side(width, height, long_side):
    fitted = fit((width, height), long_side)
    if max(width, height) <= long_side:
        assert fitted == (width, height)
        return
    assert max(fitted) == long_side
    scale = long_side / max(width, height)
    for side, exact in zip(fitted, (width * scale, height * scale), strict=True):
        assert side == 1 or abs(side - exact) <= 0.5 + 1e-9


def test_split_jpeg_exif_cuts_only_exif_segments():
    data = jpeg(exif=camera_exif())
    exif, stream = split_jpeg_exif(data)
    assert exif.startswith(b"Exif\0\0")
    rest = stream.read()
    assert len(rest) == len(data) - len(exif) - 4
    assert split_jpeg_exif(rest)[0] is None
    assert opened(rest).size == (400, 300)


def test_the_spliced_file_reads_and_seeks_like_the_joined_bytes():
    data = jpeg(exif=camera_exif()) + jpeg(exif=camera_exif())[2:]  # two EXIF segments
    joined = split_jpeg_exif(data)[1].read()
    stream = split_jpeg_exif(data)[1]
    assert stream.readable()
    assert stream.seekable()
    assert stream.seek(-10, io.SEEK_END) == len(joined) - 10
    assert stream.read() == joined[-10:]
    assert stream.read(5) == b""
    stream.seek(100)
    assert stream.read(7) + stream.read(3) == joined[100:110]
    assert stream.seek(5, io.SEEK_CUR) == 115
    assert stream.seek(-500) == 0


@settings(max_examples=300, deadline=None)
@given(
    st.sampled_from([b"", b"\xff\xd8\xff", b"\x89PNG\r\n\x1a\n", b"RIFF\0\0\0\0WEBPVP8L"]),
    st.binary(max_size=300),
)
def test_arbitrary_bytes_only_ever_raise_photo_errors(magic, tail):
    with contextlib.suppress(PhotoError):
        process(magic + tail)


VALID = ["gps.jpg", "png-named.jpg", "tiny.webp", "animated.webp", "sample.heic", "p3.jpg"]


@settings(max_examples=300, deadline=None)
@given(
    st.sampled_from(VALID),
    st.lists(st.tuples(st.integers(0, 10**6), st.integers(0, 255)), max_size=8),
    st.integers(0, 10**6),
)
def test_damaged_valid_photos_only_ever_raise_photo_errors(name, flips, cut):
    data = bytearray((CORPUS / name).read_bytes())
    for position, value in flips:
        data[position % len(data)] = value
    with contextlib.suppress(PhotoError):
        process(bytes(data[: max(1, cut % (len(data) + 1))]))


def test_fill_bytes_between_jpeg_segments_are_skipped():
    data = jpeg(exif=camera_exif())
    padded = data[:2] + b"\xff\xff" + data[2:]
    assert split_jpeg_exif(padded)[0] is not None
    assert process(padded).gps == pytest.approx((48.8584, 2.2945))


@pytest.mark.parametrize(
    "target", [(Image, "open"), (ImageFile.ImageFile, "load"), (Image.Exif, "load")]
)
def test_running_out_of_memory_is_not_a_bad_photo(monkeypatch, target):
    def exhausted(*args, **kwargs):
        raise MemoryError

    monkeypatch.setattr(*target, exhausted)
    with pytest.raises(MemoryError):
        process(jpeg(exif=camera_exif()))
