"""Six months of demo audits: approved visits whose scores differ by store and by section.

Each store gets a quality level and a strength or weakness per section; each visit adds some
noise. Audits go through the real life cycle (save, photo, submit, approve), so they are
scored, checked and raise corrective actions exactly as real ones would.
"""

import io
import random
import uuid
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, time, timedelta
from zoneinfo import ZoneInfo

from PIL import Image, ImageDraw
from sqlalchemy import Select, select
from sqlalchemy.orm import Session

from auditor.audits import lifecycle, photos, signals
from auditor.checklists import versions
from auditor.demo import followup
from auditor.models import Checklist, Location, User
from auditor.photos.storage import Storage

MONTHS = 6
# every demo store's hours (DESIGN §2), and where a visit outside them is moved to
OPENING_HOURS = {day: ["09:00", "20:00"] for day in ("mon", "tue", "wed", "thu", "fri", "sat")}
LATEST_START = 19 * 60  # minutes into the day: a visit of at most 40 minutes ends in time
PHOTO_LIMITS = photos.PhotoLimits(max_bytes=20 * 1024 * 1024, max_pixels=50_000_000)


def _clamp(value: float, low: float = 0.02, high: float = 0.98) -> float:
    return max(low, min(high, value))


def _profiles(rng: random.Random, locations, definition) -> dict[int, dict[str, float]]:
    """A quality level per store and section, from weak (~0.45) to strong (~0.92)."""
    profiles = {}
    for location in locations:
        base = rng.uniform(0.45, 0.92)
        profiles[location.id] = {
            s["key"]: _clamp(base + rng.gauss(0, 0.12)) for s in definition["sections"]
        }
    return profiles


def _numeric(rng: random.Random, question: Mapping, p: float) -> float:
    bands = question["bands"]
    index = 0 if rng.random() < p else (1 if rng.random() < p else len(bands) - 1)
    index = min(index, len(bands) - 1)
    # within the question's own bounds (DESIGN §10.1), which the server enforces
    low = bands[index - 1]["max"] if index else question.get("min", 0)
    high = bands[index]["max"] if bands[index]["max"] is not None else low * 2 + 30
    return min(round(rng.uniform(low, high)), question.get("max", high))


def _value(rng: random.Random, question: Mapping, p: float):
    kind = question["type"]
    if kind == "yes_no":
        good = rng.random() < p
        return good if question["pass_on"] else not good
    if kind == "scale":
        span = question["max"] - question["min"]
        return max(
            question["min"],
            min(question["max"], round(question["min"] + span * (p + rng.gauss(0, 0.15)))),
        )
    if kind == "choice":
        options = sorted(question["options"], key=lambda o: -o["score"])
        return (options[0] if rng.random() < p else rng.choice(options))["key"]
    if kind == "numeric":
        return _numeric(rng, question, p)
    return None


# what an auditor jots down when a question goes badly, so the demo's failures read as real;
# each under 40 characters, as text_copied (DESIGN §10.3) takes longer ones for copies
REMARKS = {
    "greet_seconds": ["Three staff chatting, nobody looked up.", "Waited by the door."],
    "welcome": ["No greeting at all.", "Greeted only after I asked for help."],
    "eye_contact": ["Answered while looking at the screen.", "Spoke to me over a shoulder."],
    "thanked_goodbye": ["Left without a word from anyone.", "Till closed, no goodbye."],
    "music_db": ["Music so loud I repeated my question.", "Bass from the speakers."],
    "raised_voice": ["Had to raise my voice at the counter.", "Shouted over the music."],
    "departments_separated": ["Kitchenware mixed in with toys.", "Sale rails block the aisle."],
    "found_without_help": ["Signs point to a department that moved.", "Needed help twice."],
    "tidy": ["Boxes in the aisle; fitting room full.", "Dust on the shelves."],
    "product_knowledge": ["Read the label back to me.", "Did not know the warranty terms."],
    "no_brush_off": ["Told me to look it up online.", "'Not my department' and walked off."],
    "first_contact_resolution": ["Sent to a colleague who sent me back.", "Had to call again."],
    "polite_informed": ["Curt and unsure of the returns policy.", "Impatient with my questions."],
    "feedback_requested": ["Nobody asked how the visit went.", "No feedback card or link."],
    "manager_response_hours": ["The manager took days to reply.", "Reply came after a reminder."],
    "apology_accommodation": ["No apology for the wait.", "No offer to order the item."],
    "billing_courteous": ["Charged twice; refund was grudging.", "Receipt thrown on the counter."],
}


def _poor(question: Mapping, value) -> bool:
    """Whether an answer went badly: the outcome a remark would explain."""
    kind = question["type"]
    if kind == "yes_no":
        return value != question["pass_on"]
    if kind == "scale":
        return value < (question["min"] + question["max"]) / 2
    if kind == "numeric":
        return value > question["bands"][0]["max"]
    if kind == "choice":
        return value != max(question["options"], key=lambda o: o["score"])["key"]
    return False


def _answers(
    rng: random.Random, remarks: random.Random, definition: Mapping, quality: Mapping[str, float]
) -> list[dict]:
    answers = []
    for section in definition["sections"]:
        for question in section["questions"]:
            if question["type"] == "text":
                continue
            if question["allow_na"] and rng.random() < 0.25:
                answers.append({"question": question["key"], "na": True})
                continue
            p = _clamp(quality[section["key"]] + rng.gauss(0, 0.08))
            if question["critical"]:
                p = 0.92 + 0.07 * p  # critical failures are rare, if more so in good stores
            answer = {"question": question["key"], "value": _value(rng, question, p)}
            said = REMARKS.get(question["key"])
            if said and _poor(question, answer["value"]) and remarks.random() < 0.7:
                answer["comment"] = remarks.choice(said)
            answers.append(answer)
    return answers


def floor_photo(rng: random.Random, exif: bytes = b"") -> bytes:
    """A small generated 'sales floor': shelves of random colours and sizes."""
    image = Image.new("RGB", (640, 480), (235, 232, 225))
    draw = ImageDraw.Draw(image)
    colours = [tuple(rng.randrange(40, 220) for _ in range(3)) for _ in range(24)]
    # sizes from the colours, not from `rng`: the scores drawn after stay those of the seed,
    # while no two floors look alike to photo_reused (one grid of colours alone came close)
    layout = random.Random(hash(tuple(colours)))
    for index, colour in enumerate(colours):
        x, y = 20 + index % 6 * 102, 30 + index // 6 * 110
        size = layout.randrange(30, 100)
        draw.rectangle((x, y, x + size, y + layout.randrange(30, 100)), fill=colour)
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", quality=80, exif=exif)
    return buffer.getvalue()


def _visit(rng: random.Random, now: datetime) -> tuple[datetime, datetime]:
    finished = now - timedelta(days=rng.uniform(1, MONTHS * 30.4), hours=rng.uniform(0, 8))
    return finished - timedelta(minutes=rng.uniform(12, 40)), finished


def _during_opening(started: datetime, finished: datetime, location: Location, now: datetime):
    """The visit as is when the store was open, else moved into that day's opening hours (a
    Sunday's to the Saturday), as long as it was; never later than an hour ago."""
    zone = ZoneInfo(location.timezone)
    local = started.astimezone(zone)
    if signals.is_open(OPENING_HOURS, local) and signals.is_open(
        OPENING_HOURS, finished.astimezone(zone)
    ):
        return started, finished
    minutes = 10 * 60 + (local.hour * 60 + local.minute) % (LATEST_START - 10 * 60)
    day = local.date() - timedelta(days=1 if local.weekday() == 6 else 0)
    moved = datetime.combine(day, time(minutes // 60, minutes % 60), zone)
    if moved + (finished - started) > now - timedelta(hours=1):
        moved -= timedelta(days=7)
    return moved.astimezone(UTC), moved.astimezone(UTC) + (finished - started)


def visit_body(rng, remarks, checklist_id, location, staff, definition, quality, now) -> dict:
    """A PUT body of one visit at the store, some time in the last six months."""
    started, finished = _during_opening(*_visit(rng, now), location, now)
    named = rng.sample(staff, k=min(len(staff), rng.choice((1, 1, 2))))
    jitter = 0.0005  # about 50 m around the store
    return {
        "checklist_id": checklist_id,
        "location_id": location.id,
        "assignment_id": None,
        "started_at": started,
        "finished_at": finished,
        "geo": {
            "lat": location.lat + rng.uniform(-jitter, jitter),
            "lon": location.lon + rng.uniform(-jitter, jitter),
            "accuracy": rng.uniform(5, 25),
        },
        "staff_ids": [user.id for user in named],
        "staff_names": ["Sam (badge)"] if rng.random() < 0.2 else [],
        "notes": "",
        "answers": _answers(rng, remarks, definition, quality),
    }


@dataclass(frozen=True)
class Cast:
    """What the demo audits are of and who takes part: read once, before the first visit."""

    checklist: Checklist
    definition: Mapping
    locations: Sequence[Location]
    auditors: Sequence[User]
    reviewer: User
    staff: Mapping[int, Sequence[User]]  # per location id


def _with_role(role: str) -> Select:
    return select(User).where(User.role == role).order_by(User.id)


def cast_of(session: Session) -> Cast:
    """The checklist, stores and people the demo audits are made of."""
    checklist = versions.latest_published(session, versions.DEFAULT_CHECKLIST_KEY)
    locations = session.scalars(select(Location).order_by(Location.id)).all()
    return Cast(
        checklist=checklist,
        definition=versions.definition_of(checklist),
        locations=locations,
        auditors=session.scalars(_with_role("auditor")).all(),
        reviewer=session.scalars(_with_role("admin")).first(),
        staff={
            loc.id: session.scalars(
                select(User).where(User.role == "staff", User.location_id == loc.id)
            ).all()
            for loc in locations
        },
    )


def _approved_audit(
    session: Session, storage: Storage, rng: random.Random, cast: Cast, auditor: User, body: dict
) -> None:
    """One visit through the real life cycle: saved, photographed, submitted, approved."""
    audit_id = uuid.UUID(int=rng.getrandbits(128), version=4)
    audit, _ = lifecycle.save_audit(session, auditor, audit_id, body)
    photo_id = uuid.UUID(int=rng.getrandbits(128), version=4)
    photos.add_photo(
        session, storage, auditor, audit, photo_id, floor_photo(rng), "tidy", PHOTO_LIMITS
    )
    lifecycle.submit(session, auditor, audit)
    lifecycle.review(session, cast.reviewer, audit, "approve", None)
    # backdated after the life cycle ran, which stamps the present
    audit.submitted_at = body["finished_at"] + timedelta(hours=rng.uniform(0.2, 3))
    audit.reviewed_at = audit.submitted_at + timedelta(hours=rng.uniform(2, 72))
    # the signals of the submit as backdated (a late submit otherwise)
    signals.refresh(session, audit, cast.definition)


def seed_audits(
    session: Session, storage: Storage, rng: random.Random, count: int, now: datetime
) -> int:
    """Create `count` approved audits of the published store-visit checklist; answers how many."""
    cast = cast_of(session)
    profiles = _profiles(rng, cast.locations, cast.definition)
    # remarks draw from their own generator, so the scores stay those of the main one
    remarks = random.Random(count)
    for index in range(count):
        location = rng.choice(cast.locations)
        auditor = cast.auditors[index % len(cast.auditors)]
        body = visit_body(
            rng,
            remarks,
            cast.checklist.id,
            location,
            cast.staff[location.id],
            cast.definition,
            profiles[location.id],
            now,
        )
        _approved_audit(session, storage, rng, cast, auditor, body)
    session.flush()
    # the approvals ran out of date order: follow-up replays them in order (own generator)
    followup.replay(session, random.Random(count + 1), cast.definition, now)
    return count
