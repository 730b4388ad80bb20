"""The greedy planner with repair (pure): visits placed in time order, each on the best day and
daypart of its recurrence window for the location's daypart shares, with the least-loaded free
auditor who was not there last time. When no choice keeps every rule, rules give way in a fixed
order and the plan says so:

1. never broken: opening hours, days off, one place per auditor per daypart of a day, and
   `min_gap_days` (checked to be at most `every_days`, so a window always exists);
2. `dayparts` shares give way first (a warning per location and quarter that falls short);
3. then `rotation` (the same auditor twice in a row, when no other is free);
4. then `auditor_free`: nobody is free at all, and the visit is left open for auditors to claim.
"""

from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from functools import lru_cache
from zoneinfo import ZoneInfo

from dateutil.rrule import DAILY, rrule

from auditor.scheduling import dayparts as dp
from auditor.scheduling import quotas
from auditor.scheduling.programme import (
    QUARTER_DAYS,
    GivingWay,
    Plan,
    Programme,
    Site,
    Visit,
    quarter_of,
)

Busy = tuple[int, date, str]  # an auditor taken in one daypart of one (local) day


@dataclass
class _Slot:
    day: date
    daypart: str
    window: tuple[int, int]
    key: tuple = ()


@dataclass
class _Board:
    """What is planned so far: who is busy when, loads, each location's last visit and tallies."""

    programme: Programme
    expected: Counter  # nominal visits per (location, quarter)
    busy: dict[tuple[date, str], set[int]] = field(default_factory=dict)  # who, per daypart
    load: dict[int, int] = field(default_factory=dict)
    away: dict[int, frozenset[date]] = field(default_factory=dict)
    ids: list[int] = field(default_factory=list)
    last_day: dict[int, date] = field(default_factory=dict)
    last_auditor: dict[int, int | None] = field(default_factory=dict)
    have: dict[tuple[int, int], Counter] = field(default_factory=lambda: defaultdict(Counter))
    windows: dict[tuple[int, int, str], tuple[int, int] | None] = field(default_factory=dict)

    def window(self, site: Site, day: date, daypart: str) -> tuple[int, int] | None:
        """A daypart's open minutes at a site on a day (opening hours repeat weekly)."""
        key = (site.id, day.weekday(), daypart)
        if key not in self.windows:
            self.windows[key] = dp.local_window(site.opening_hours, day, daypart)
        return self.windows[key]

    def __post_init__(self) -> None:
        self.ids = sorted(person.id for person in self.programme.people)
        self.load = dict.fromkeys(self.ids, 0)
        self.away = {person.id: person.days_off for person in self.programme.people}

    def book(self, auditor_id: int, day: date, daypart: str) -> None:
        self.busy.setdefault((day, daypart), set()).add(auditor_id)

    def take(self, visit: Visit) -> None:
        if visit.auditor_id is not None:
            self.book(visit.auditor_id, visit.day, visit.daypart)
            self.load[visit.auditor_id] = self.load.get(visit.auditor_id, 0) + 1
        self.last_day[visit.location_id] = visit.day
        self.last_auditor[visit.location_id] = visit.auditor_id
        counter = self.have[(visit.location_id, quarter_of(self.programme.starts_on, visit.day))]
        counter.update(quotas.categories(visit))
        counter["total"] += 1

    def by_load(self) -> list[int]:
        """The auditors, least loaded first (then by id: the sort is stable)."""
        return sorted(self.ids, key=self.load.__getitem__)

    def free(self, slot: _Slot, order: list[int], avoid: int | None) -> int | None:
        taken = self.busy.get((slot.day, slot.daypart), set())
        if len(taken) >= len(order):
            return None
        for auditor_id in order:
            if auditor_id in taken or auditor_id == avoid or slot.day in self.away[auditor_id]:
                continue
            return auditor_id
        return None


def occurrences(programme: Programme, until: date) -> list[tuple[int, date]]:
    """Each location's visits (occurrence, nominal day): every `every_days` from the start."""
    start = datetime.combine(programme.starts_on, time(0))
    end = datetime.combine(until, time(0))
    rule = rrule(DAILY, interval=programme.every_days, dtstart=start, until=end)
    return [(number, moment.date()) for number, moment in enumerate(rule)]


def horizon_for(programme: Programme, until: date) -> date:
    """The last day of the 13-week quarter `until` falls in: shares are planned whole quarters."""
    quarter = max(quarter_of(programme.starts_on, until), 0)
    return programme.starts_on + timedelta(days=(quarter + 1) * QUARTER_DAYS - 1)


def plan(
    programme: Programme,
    until: date,
    fixed: Mapping[tuple[int, int], Visit] | None = None,
    busy: Iterable[Busy] = (),
) -> Plan:
    """Plan every location's visits from the start through `until`.

    `fixed` visits (location, occurrence) are kept as they are (already started, done, or
    created); `busy` are other commitments of the auditors (other schedules).
    """
    fixed = fixed or {}
    nominal = occurrences(programme, horizon_for(programme, until))
    expected = Counter(
        (site.id, quarter_of(programme.starts_on, day))
        for site in programme.sites
        for _, day in nominal
    )
    board = _Board(programme, expected)
    for auditor_id, day, daypart in busy:
        board.book(auditor_id, day, daypart)
    result = Plan()
    order = sorted(
        (day, index, number) for index in range(len(programme.sites)) for number, day in nominal
    )
    for _day, index, number in order:
        site = programme.sites[index]
        visit = fixed.get((site.id, number)) or _place(board, site, number, _day, result.warnings)
        if visit is not None:
            board.take(visit)
            result.visits.append(visit)
    result.warnings.extend(_gave_way(programme, result.visits))
    result.warnings.extend(quotas.shortfalls(programme, result.visits))
    result.visits = [visit for visit in result.visits if visit.day <= until]
    result.warnings = [warning for warning in result.warnings if warning.day <= until]
    return result


@lru_cache(maxsize=4096)
def _zone(name: str) -> ZoneInfo:
    return ZoneInfo(name)


def _slots(board: _Board, site: Site, nominal: date) -> list[_Slot]:
    programme = board.programme
    first = nominal
    if site.id in board.last_day:
        first = max(first, board.last_day[site.id] + timedelta(days=programme.min_gap_days))
    last = max(nominal + timedelta(days=programme.every_days - 1), first)
    slots = []
    for offset in range((last - first).days + 1):
        day = first + timedelta(days=offset)
        for daypart in dp.DAYPARTS:
            window = board.window(site, day, daypart)
            if window is not None:
                slots.append(_Slot(day, daypart, window))
    return slots


def _rank(board: _Board, site: Site, slots: list[_Slot]) -> list[_Slot]:
    """Best first: the shares that must be served now, then the most needed, then the daypart
    least used at the location, then the earliest day (keeping room for the next gap)."""
    programme = board.programme
    shares = {name: share for name, share in programme.dayparts.items() if share > 0}
    first, needs = slots[0].day, {}
    for slot in slots:
        quarter = quarter_of(programme.starts_on, slot.day)
        have = board.have[(site.id, quarter)]
        if quarter not in needs:
            expected = board.expected[(site.id, quarter)]
            needs[quarter] = quotas.pressure(shares, have, expected, expected - have["total"])
        need, forced = needs[quarter]
        cats = {slot.daypart, "weekend"} if dp.is_weekend(slot.day) else {slot.daypart}
        covered = len(forced & cats)
        wanted = sum(need.get(name, 0.0) for name in cats)
        slot.key = (-covered, -wanted, have[slot.daypart], (slot.day - first).days)
    return sorted(slots, key=lambda slot: slot.key)


def _choose(board: _Board, site: Site, ranked: list[_Slot]) -> tuple[_Slot, int | None]:
    """The slot and auditor: every rule kept if possible, else shares, then rotation give way;
    no auditor at all (None) when nobody is free."""
    people = board.by_load()
    previous = board.last_auditor.get(site.id)
    rotate = len(people) >= 2 and previous is not None
    best = [slot for slot in ranked if slot.key[0] == ranked[0].key[0]]
    tiers = ((best, rotate), (ranked, rotate), (best, False), (ranked, False))
    for slots, avoid in tiers:
        for slot in slots:
            auditor = board.free(slot, people, previous if avoid else None)
            if auditor is not None:
                return slot, auditor
    return ranked[0], None


def _place(
    board: _Board, site: Site, number: int, nominal: date, warnings: list[GivingWay]
) -> Visit | None:
    slots = _slots(board, site, nominal)
    if not slots:
        days = board.programme.every_days
        message = f"closed in every daypart for {days} days from {nominal.isoformat()}: skipped"
        warnings.append(GivingWay("opening_hours", site.id, nominal, message))
        return None
    slot, auditor = _choose(board, site, _rank(board, site, slots))
    zone = _zone(site.timezone)
    return Visit(
        location_id=site.id,
        occurrence=number,
        day=slot.day,
        daypart=slot.daypart,
        auditor_id=auditor,
        due_from=dp.to_utc(slot.day, slot.window[0], zone),
        due_to=dp.to_utc(slot.day, slot.window[1], zone),
        window=dp.describe(slot.day, slot.daypart, *slot.window),
    )


def _gave_way(programme: Programme, visits: list[Visit]) -> list[GivingWay]:
    """Rotation and free auditors, read from the plan itself (created visits included)."""
    warnings, previous = [], {}
    for visit in sorted(visits, key=lambda visit: (visit.due_from, visit.location_id)):
        before = previous.get(visit.location_id)
        previous[visit.location_id] = visit.auditor_id
        if visit.auditor_id is None and programme.people:
            message = "no auditor is free in this window: the visit is left open to claim"
            warnings.append(GivingWay("auditor_free", visit.location_id, visit.day, message))
        elif (
            len(programme.people) >= 2
            and visit.auditor_id is not None
            and visit.auditor_id == before
        ):
            message = "no other auditor is free in this window: the last auditor goes again"
            warnings.append(
                GivingWay("rotation", visit.location_id, visit.day, message, visit.auditor_id)
            )
    return warnings
