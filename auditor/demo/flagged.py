"""Submitted demo visits that carry each visit-confidence signal (DESIGN §10.3), waiting in the
review queue beside clean ones, so a newcomer sees what each signal looks like and what bulk
approval leaves behind. Each is made through the real life cycle, like every demo audit: the
signals are those the server computes, not written in.
"""

import io
import random
import uuid
from collections.abc import Callable
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from PIL import Image
from sqlalchemy.orm import Session

from auditor.audits import lifecycle, photos
from auditor.demo.audits import PHOTO_LIMITS, Cast, cast_of, floor_photo, visit_body
from auditor.models import Audit
from auditor.photos.storage import Storage

PER_SIGNAL = 2
QUALITY = 0.72  # middling visits: the signals, not the scores, are the point here
NOTES = (
    "Fitting rooms closed all afternoon, queue of six at the only open till.",
    "Staff knew the product range well but nobody offered to check stock online.",
)


class _Visits:
    """What every flagged visit needs: the cast, the generators and where photos go."""

    def __init__(self, session: Session, storage: Storage, rng: random.Random, now: datetime):
        self.session, self.storage, self.rng, self.now = session, storage, rng, now
        self.cast: Cast = cast_of(session)
        self.remarks = random.Random(rng.getrandbits(32))
        self.count = 0

    def body(self) -> dict:
        """A clean visit of yesterday or the day before, during the store's opening hours."""
        location = self.rng.choice(self.cast.locations)
        quality = {section["key"]: QUALITY for section in self.cast.definition["sections"]}
        body = visit_body(
            self.rng,
            self.remarks,
            self.cast.checklist.id,
            location,
            self.cast.staff[location.id],
            self.cast.definition,
            quality,
            self.now,
        )
        zone = ZoneInfo(location.timezone)
        day = (self.now - timedelta(days=self.rng.choice((1, 2)))).astimezone(zone)
        day -= timedelta(days=1 if day.weekday() == 6 else 0)  # the demo stores close on Sunday
        started = day.replace(hour=11, minute=self.rng.randrange(60), second=0, microsecond=0)
        if started > self.now - timedelta(hours=2):
            started -= timedelta(days=7)
        body["started_at"] = started
        body["finished_at"] = started + timedelta(minutes=self.rng.uniform(15, 35))
        return body

    def submit(self, body: dict, photo: bytes) -> Audit:
        """Save, photograph and submit one visit, by the next auditor in turn."""
        auditor = self.cast.auditors[self.count % len(self.cast.auditors)]
        self.count += 1
        audit_id = uuid.UUID(int=self.rng.getrandbits(128), version=4)
        audit, _ = lifecycle.save_audit(self.session, auditor, audit_id, body)
        photo_id = uuid.UUID(int=self.rng.getrandbits(128), version=4)
        photos.add_photo(
            self.session, self.storage, auditor, audit, photo_id, photo, "tidy", PHOTO_LIMITS
        )
        return lifecycle.submit(self.session, auditor, audit)


def _far(visits: _Visits, index: int) -> None:
    body = visits.body()
    body["geo"] = {**body["geo"], "lat": body["geo"]["lat"] + 0.008 * (index + 1)}  # ~0.9 km
    visits.submit(body, floor_photo(visits.rng))


def _short(visits: _Visits, index: int) -> None:
    body = visits.body()
    body["finished_at"] = body["started_at"] + timedelta(minutes=3 + 2 * index)
    visits.submit(body, floor_photo(visits.rng))


def _photo_time(visits: _Visits, index: int) -> None:
    body = visits.body()
    store = next(loc for loc in visits.cast.locations if loc.id == body["location_id"])
    zone = ZoneInfo(store.timezone)
    taken = (body["started_at"] - timedelta(days=index + 1, hours=3)).astimezone(zone)
    exif = Image.Exif()
    exif[0x010F] = "Demo Phone"  # Pillow writes no sub-IFD into an otherwise empty EXIF
    ifd = exif.get_ifd(0x8769)
    ifd[0x9003] = taken.strftime("%Y:%m:%d %H:%M:%S")  # DateTimeOriginal, local
    ifd[0x9011] = taken.strftime("%z")[:3] + ":" + taken.strftime("%z")[3:]  # its offset
    visits.submit(body, floor_photo(visits.rng, exif.tobytes()))


def _reused(visits: _Visits, index: int) -> None:
    original = floor_photo(visits.rng)
    visits.submit(visits.body(), original)
    copy = io.BytesIO()  # the same floor, smaller and recompressed, as a resend would be
    Image.open(io.BytesIO(original)).resize((480, 360)).save(copy, "JPEG", quality=60)
    visits.submit(visits.body(), copy.getvalue())


def _copied(visits: _Visits, index: int) -> None:
    visits.submit({**visits.body(), "notes": NOTES[index % len(NOTES)]}, floor_photo(visits.rng))
    again = "  " + NOTES[index % len(NOTES)].upper().replace(" ", "  ") + "\n"
    visits.submit({**visits.body(), "notes": again}, floor_photo(visits.rng))


def _odd(visits: _Visits, index: int) -> None:
    body = visits.body()
    if index % 2:  # typed up nine days later
        body["started_at"] -= timedelta(days=9)
        body["finished_at"] -= timedelta(days=9)
    else:  # an hour after closing
        late = timedelta(hours=10)  # 11:xx -> 21:xx, the demo stores close at 20:00
        body["started_at"] += late
        body["finished_at"] += late
    visits.submit(body, floor_photo(visits.rng))


FLAGGED: dict[str, Callable[[_Visits, int], None]] = {
    "far_from_location": _far,
    "short_visit": _short,
    "photo_time_outside_visit": _photo_time,
    "photo_reused": _reused,
    "text_copied": _copied,
    "odd_timestamps": _odd,
}


def seed_flagged(session: Session, storage: Storage, rng: random.Random, now: datetime) -> int:
    """Submit PER_SIGNAL visits built to trigger each signal (and the clean originals that
    photo_reused and text_copied point to); answers how many audits were made."""
    visits = _Visits(session, storage, rng, now)
    for index in range(PER_SIGNAL):
        for make in FLAGGED.values():
            make(visits, index)
    session.flush()
    return visits.count
