"""Bounded decode cost: scan bombs, memory and time budgets, refused before or while decoding."""

import io
import re

import pytest
from PIL import Image

from auditor.photos import pipeline
from auditor.photos.budget import DecodeBudget, decode_memory, jpeg_scans

LIMITS = {"max_bytes": 20 * 1024 * 1024, "max_pixels": 50_000_000}
_SOS = re.compile(rb"\xff\xda")


def progressive(size: tuple[int, int], **params) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", size, (120, 130, 140)).save(buffer, "JPEG", progressive=True, **params)
    return buffer.getvalue()


def scan_bomb(size: tuple[int, int], repeats: int) -> bytes:
    """A flat progressive JPEG whose last scan (a few dozen bytes) repeats `repeats` times."""
    data = progressive(size)
    last = list(_SOS.finditer(data))[-1].start()
    end = data.rindex(b"\xff\xd9")
    return data[:end] + data[last:end] * repeats + data[end:]


def test_scans_are_counted_from_the_markers():
    data = progressive((64, 48))
    assert jpeg_scans(data, 100) == len(_SOS.findall(data)) > 1
    assert jpeg_scans(scan_bomb((64, 48), 500), 100) == 101  # counting stops past the limit
    baseline = io.BytesIO()
    Image.new("RGB", (64, 48)).save(baseline, "JPEG")
    assert jpeg_scans(baseline.getvalue(), 100) == 1


def test_a_scan_bomb_is_refused_before_decoding():
    # 2000x2000 with its last scan repeated 1,000 times: seconds of decoding before the budget
    data = scan_bomb((2000, 2000), 1000)
    assert len(data) < 200_000
    with pytest.raises(pipeline.PhotoTooLarge, match="progressive scans"):
        pipeline.process_photo(data, **LIMITS)


def test_an_ordinary_progressive_jpeg_is_stored():
    photo = pipeline.process_photo(progressive((3000, 2000)), **LIMITS)
    assert (photo.width, photo.height) == (1600, 1067)


def test_a_progressive_jpeg_counts_its_full_size_coefficients():
    # libjpeg holds every coefficient of a progressive JPEG whatever scale it decodes at
    image = Image.open(io.BytesIO(progressive((4000, 3000), subsampling=0)))
    image.draft("RGB", (1000, 750))
    assert image.size == (1000, 750)
    assert decode_memory(image, (4000, 3000)) >= 4000 * 3000 * 3 * 2


def test_over_the_memory_budget_is_refused():
    data = progressive((4000, 3000), subsampling=0)  # 72 MB of coefficients
    budget = DecodeBudget(memory=64 * 1024 * 1024)
    with pytest.raises(pipeline.PhotoTooLarge, match="memory"):
        pipeline.process_photo(data, **LIMITS, budget=budget)
    assert pipeline.process_photo(data, **LIMITS).width == 1600


@pytest.mark.parametrize("fmt", ["JPEG", "PNG"])
def test_a_decode_past_its_deadline_is_stopped(fmt):
    buffer = io.BytesIO()
    Image.effect_noise((1200, 1200), 64).convert("RGB").save(buffer, fmt)
    with pytest.raises(pipeline.PhotoTooLarge, match="too long"):
        pipeline.process_photo(buffer.getvalue(), **LIMITS, budget=DecodeBudget(seconds=0))
