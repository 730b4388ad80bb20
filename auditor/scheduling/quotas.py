"""Daypart shares: what each location still needs in a quarter, and where a plan falls short
(pure). A share is met when a location's visits in the category are at least share x visits,
within one visit (DESIGN §10.8)."""

import math
from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping
from datetime import timedelta

from auditor.scheduling.dayparts import SHARES, is_weekend
from auditor.scheduling.programme import QUARTER_DAYS, GivingWay, Programme, Visit, quarter_of

EPSILON = 1e-9


def target(share: float, visits: int) -> int:
    """The visits a share asks for: share x visits rounded up (the planner aims for this)."""
    return math.ceil(share * visits - EPSILON)


def met(share: float, got: int, visits: int) -> bool:
    """Whether `got` of `visits` meets a share within one visit."""
    return got >= share * visits - 1 - EPSILON


def categories(visit: Visit) -> set[str]:
    """The shares a visit counts towards: its daypart, and weekend on Saturday or Sunday."""
    return {visit.daypart, "weekend"} if is_weekend(visit.day) else {visit.daypart}


def tally(visits: Iterable[Visit], programme: Programme) -> dict[tuple[int, int], Counter]:
    """Per (location, quarter): visits in each category, and `total` of them."""
    counts: dict[tuple[int, int], Counter] = defaultdict(Counter)
    for visit in visits:
        counter = counts[(visit.location_id, quarter_of(programme.starts_on, visit.day))]
        counter.update(categories(visit))
        counter["total"] += 1
    return counts


def shortfalls(programme: Programme, visits: Iterable[Visit]) -> list[GivingWay]:
    """A warning for each location, quarter and share the visits do not meet."""
    warnings = []
    shares = {name: share for name, share in programme.dayparts.items() if share > 0}
    for (location_id, quarter), counter in sorted(tally(visits, programme).items()):
        start = programme.starts_on + timedelta(days=quarter * QUARTER_DAYS)
        for name in SHARES:
            share = shares.get(name)
            if share is None or met(share, counter[name], counter["total"]):
                continue
            warnings.append(
                GivingWay(
                    "dayparts",
                    location_id,
                    start,
                    f"{name}: {counter[name]} of {counter['total']} visits in the 13 weeks from "
                    f"{start.isoformat()}, {share:g} asked ({target(share, counter['total'])}); "
                    "the location's opening hours, its visit days or the auditors free do not "
                    "allow more",
                )
            )
    return warnings


def pressure(
    shares: Mapping[str, float], have: Counter, expected: int, remaining: int
) -> tuple[dict[str, float], set[str]]:
    """Each share's need per remaining visit, and the shares that must be served now."""
    need, forced = {}, set()
    for name, share in shares.items():
        deficit = target(share, expected) - have[name]
        if deficit > 0:
            need[name] = deficit / max(remaining, 1)
            if deficit >= remaining:
                forced.add(name)
    return need, forced
