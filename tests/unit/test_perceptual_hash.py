"""The pure parts of the visit-confidence signals: perceptual hashes and their quarters, folded
text; and the indexed look-up of similar photos, against hashes built bit by bit."""

import io
import uuid

from hypothesis import given
from hypothesis import strategies as st
from PIL import Image

from auditor.audits.signals import fold, similar_photos
from auditor.core.extensions import db
from auditor.models import Audit, Photo
from auditor.photos import phash
from tests.api.audit_helpers import published_store
from tests.api.signal_helpers import scene

HASHES = st.integers(-(2**63), 2**63 - 1)
# bits to flip: six of 64 at most, as photo_reused tolerates
FLIPS = st.sets(st.integers(0, 63), max_size=6)


@given(HASHES, FLIPS)
def test_a_hash_within_six_bits_shares_a_quarter_up_to_one_bit(value, flips):
    other = phash.to_signed(value ^ sum(1 << bit for bit in flips))
    assert phash.distance(value, other) == len(flips)
    assert any(
        mine in phash.neighbours(theirs)
        for mine, theirs in zip(phash.quarters(value), phash.quarters(other), strict=True)
    )


@given(HASHES)
def test_quarters_put_the_hash_back_together(value):
    q0, q1, q2, q3 = phash.quarters(value)
    assert all(0 <= quarter < 1 << 16 for quarter in (q0, q1, q2, q3))
    assert phash.to_signed(q0 | q1 << 16 | q2 << 32 | q3 << 48) == value


def test_a_recompressed_smaller_copy_hashes_alike_and_other_scenes_do_not():
    original = phash.phash_of(scene(1))
    smaller = io.BytesIO()
    Image.open(io.BytesIO(scene(1))).resize((640, 480)).save(smaller, "JPEG", quality=40)
    assert phash.distance(original, phash.phash_of(smaller.getvalue())) <= 2
    assert min(phash.distance(original, phash.phash_of(scene(seed))) for seed in range(2, 12)) > 6


def test_a_flat_picture_has_no_hash():
    flat = io.BytesIO()
    Image.new("RGB", (800, 600), (30, 30, 30)).save(flat, "JPEG")
    assert phash.phash_of(flat.getvalue()) is None


def test_text_folds_case_and_whitespace():
    assert fold("  Nobody\tGREETED\n\n us  at all ") == "nobody greeted us at all"


def _audit_with(store, *hashes) -> uuid.UUID:
    audit = Audit(
        id=uuid.uuid4(),
        auditor_id=store.staff_id,
        location_id=store.location_id,
        checklist_id=store.checklist_id,
    )
    db.session.add(audit)
    for value in hashes:
        photo = Photo(id=uuid.uuid4(), audit_id=audit.id, upload_hash="u", content_hash="c")
        photo.width = photo.height = photo.bytes = 1
        photo.phash = value
        photo.phash_q0, photo.phash_q1, photo.phash_q2, photo.phash_q3 = phash.quarters(value)
        db.session.add(photo)
    return audit.id


def test_similar_photos_come_by_quarter_up_to_six_bits_from_other_audits_only(app):
    store = published_store()
    base = 0x0123_4567_89AB_CDEF
    # six bits off (2 + 2 + 1 + 1): no quarter is equal, one differs in a single bit
    six = base ^ (0b11 | 0b11 << 16 | 1 << 32 | 1 << 48)
    seven = base ^ (0b11 | 0b11 << 16 | 0b11 << 32 | 1 << 48)
    mine = _audit_with(store, base)
    near, far = _audit_with(store, six), _audit_with(store, seven, base ^ (0xFFFF << 8))
    db.session.commit()
    assert not set(phash.quarters(base)) & set(phash.quarters(six))
    assert similar_photos(db.session, [base], mine) == [(near, six)]
    assert far not in {other for other, _ in similar_photos(db.session, [base], mine)}
