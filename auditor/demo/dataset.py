"""A deterministic demo data set: regions, stores, people and the default checklist."""

import random
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from functools import partial
from typing import NamedTuple

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from auditor.checklists import versions
from auditor.demo.audits import OPENING_HOURS, seed_audits
from auditor.demo.disputes import seed_disputes
from auditor.demo.flagged import seed_flagged
from auditor.models import Checklist, Location, Region, User, utcnow
from auditor.org import organisation
from auditor.people import accounts
from auditor.people.passwords import DEFAULT_HASHING, PasswordHashing
from auditor.photos.storage import Storage

DEMO_PASSWORD = "demo-pass"
DEMO_DOMAIN = "example.com"


class Store(NamedTuple):
    code: str
    name: str
    address: str
    lat: float
    lon: float
    timezone: str


STORES = {
    "North": [
        Store(
            "HAM-01",
            "Hamburg Mönckebergstraße",
            "Mönckebergstraße 7, Hamburg",
            53.5507,
            10.0003,
            "Europe/Berlin",
        ),
        Store(
            "HAM-02",
            "Hamburg Altona",
            "Ottenser Hauptstraße 10, Hamburg",
            53.5523,
            9.9352,
            "Europe/Berlin",
        ),
        Store(
            "BRE-01",
            "Bremen Obernstraße",
            "Obernstraße 2, Bremen",
            53.0766,
            8.8058,
            "Europe/Berlin",
        ),
        Store(
            "HAN-01",
            "Hannover Georgstraße",
            "Georgstraße 20, Hannover",
            52.3743,
            9.7384,
            "Europe/Berlin",
        ),
    ],
    "Central": [
        Store(
            "FRA-01",
            "Frankfurt Zeil",
            "Zeil 90, Frankfurt am Main",
            50.1146,
            8.6842,
            "Europe/Berlin",
        ),
        Store(
            "KOE-01",
            "Köln Schildergasse",
            "Schildergasse 32, Köln",
            50.9367,
            6.9531,
            "Europe/Berlin",
        ),
        Store(
            "DUS-01",
            "Düsseldorf Königsallee",
            "Königsallee 60, Düsseldorf",
            51.2225,
            6.7797,
            "Europe/Berlin",
        ),
        Store(
            "LEI-01",
            "Leipzig Petersstraße",
            "Petersstraße 15, Leipzig",
            51.3378,
            12.3746,
            "Europe/Berlin",
        ),
    ],
    "South": [
        Store(
            "MUC-01",
            "München Kaufingerstraße",
            "Kaufingerstraße 9, München",
            48.1375,
            11.5714,
            "Europe/Berlin",
        ),
        Store(
            "MUC-02",
            "München Leopoldstraße",
            "Leopoldstraße 45, München",
            48.1600,
            11.5860,
            "Europe/Berlin",
        ),
        Store(
            "STR-01",
            "Stuttgart Königstraße",
            "Königstraße 27, Stuttgart",
            48.7770,
            9.1780,
            "Europe/Berlin",
        ),
        Store(
            "NUE-01",
            "Nürnberg Breite Gasse",
            "Breite Gasse 50, Nürnberg",
            49.4500,
            11.0730,
            "Europe/Berlin",
        ),
    ],
}
AUDITORS = ["Alex Auditor", "Bea Brandt", "Cem Demir"]
FIRST_NAMES = [
    "Anna",
    "Ben",
    "Clara",
    "David",
    "Elif",
    "Felix",
    "Greta",
    "Hannes",
    "Ida",
    "Jonas",
    "Kira",
    "Luca",
    "Mia",
    "Noah",
    "Ole",
    "Paula",
    "Rosa",
    "Sami",
    "Tara",
    "Udo",
    "Vera",
    "Wim",
    "Yara",
    "Zoe",
]
LAST_NAMES = [
    "Becker",
    "Fischer",
    "Hoffmann",
    "Klein",
    "Koch",
    "Krüger",
    "Lang",
    "Meyer",
    "Neumann",
    "Richter",
    "Schulz",
    "Wagner",
    "Weber",
    "Wolf",
    "Zimmermann",
]


@dataclass(frozen=True)
class DemoLogin:
    email: str
    role: str
    name: str


def is_empty(session: Session) -> bool:
    """True when nothing exists yet: the demo is loaded only into an empty database."""
    # a checklist imported first counts too: seeding would replace a draft of store-visit
    models = (User, Region, Location, Checklist)
    return not any(session.scalar(select(func.count()).select_from(m)) for m in models)


def _slug(name: str) -> str:
    return name.split()[0].lower()


def seed(
    session: Session,
    seed: int = 1,
    *,
    storage: Storage | None = None,
    audit_count: int = 0,
    now: datetime | None = None,
    hashing: PasswordHashing = DEFAULT_HASHING,
) -> list[DemoLogin]:
    """Load the demo organisation, the default checklist, `audit_count` approved audits and,
    with them, submitted ones carrying each visit-confidence signal (demo.flagged) and a few
    disputes (demo.disputes)
    (photos go to `storage`, passwords hashed at the cost `hashing` sets); answers the demo
    logins."""
    rng = random.Random(seed)
    make = partial(accounts.create_user, session, None, hashing=hashing, password=DEMO_PASSWORD)
    make(email=f"admin@{DEMO_DOMAIN}", name="Ada Admin", role="admin")
    _regions_and_stores(session, rng, make)
    for name in AUDITORS:
        make(email=f"{_slug(name)}@{DEMO_DOMAIN}", name=name, role="auditor")
    _publish_default_checklist(session)
    if audit_count:
        seed_audits(session, storage, rng, audit_count, now or utcnow())
        seed_flagged(session, storage, rng, now or utcnow())
        seed_disputes(session, now or utcnow())
    return demo_logins(session)


def _regions_and_stores(session: Session, rng: random.Random, make: Callable[..., User]) -> None:
    """Each region with its manager, and its stores with their staff."""
    for region_name, stores in STORES.items():
        region = organisation.create_region(session, None, region_name)
        make(
            email=f"manager.{region_name.lower()}@{DEMO_DOMAIN}",
            name=f"{region_name} Manager",
            role="manager",
            region_ids=[region.id],
        )
        for store in stores:
            location = organisation.create_location(
                session,
                None,
                {**store._asdict(), "region_id": region.id, "opening_hours": OPENING_HOURS},
            )
            _staff_for(session, rng, location, make)


def _publish_default_checklist(session: Session) -> None:
    definition = versions.parse_definition(versions.default_definition())
    checklist, _created = versions.save_definition(session, None, definition)
    versions.publish(session, None, checklist)


def _staff_for(session: Session, rng: random.Random, location: Location, make) -> None:
    for index in range(2):
        name = f"{rng.choice(FIRST_NAMES)} {rng.choice(LAST_NAMES)}"
        email = f"staff.{location.code.lower()}.{index + 1}@{DEMO_DOMAIN}"
        # the first of each store leads it (sees and disputes its audits, DESIGN §10.4)
        make(email=email, name=name, role="staff", location_id=location.id, lead=index == 0)


def demo_emails() -> list[str]:
    """Every email address `seed` gives an account."""
    names = ["admin", *(_slug(name) for name in AUDITORS)]
    for region_name, stores in STORES.items():
        names.append(f"manager.{region_name.lower()}")
        names += [f"staff.{store.code.lower()}.{n}" for store in stores for n in (1, 2)]
    return [f"{name}@{DEMO_DOMAIN}" for name in names]


def demo_logins(session: Session) -> list[DemoLogin]:
    """One demo account per role and region, as printed after seeding."""
    # the demo's own addresses only: a real account at the same domain is not a demo login
    users = session.scalars(
        select(User).where(User.email.in_(demo_emails())).order_by(User.id)
    ).all()
    shown, per_role = [], {"admin": 1, "manager": 3, "auditor": 3, "staff": 2}
    for user in users:
        if per_role.get(user.role, 0) > 0:
            per_role[user.role] -= 1
            shown.append(DemoLogin(user.email, user.role, user.name))
    return sorted(shown, key=lambda login: list(per_role).index(login.role))
