"""Planning a programme at scale (DESIGN §10.8): 13 weeks for 1,000 locations and 100 auditors.

The planner alone (pure: no database), on a world drawn at random from a seed: stores in four
time zones, each with opening hours (some closed on Sundays, some open late), one visit a week
(`--every`), a minimum gap of 5 days, shares `{"morning": 0.3, "evening": 0.2, "weekend": 0.2}`,
and each auditor away on about one day in twenty. Side by side in one run: the same programme at
a tenth and at half the size, so the cost per visit can be compared (target: under 10 s for the
full size), and what the plan had to give way on.

    .venv/bin/python bench/scheduling.py [--locations 1000] [--auditors 100] [--runs 3]
"""

import argparse
import random
import statistics
import sys
import time
from collections import Counter
from datetime import date, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from auditor.scheduling.planner import plan
from auditor.scheduling.programme import Person, Programme, Site

ZONES = ("Europe/Berlin", "Europe/London", "America/New_York", "Asia/Tokyo")
SHARES = {"morning": 0.3, "evening": 0.2, "weekend": 0.2}
START = date(2027, 1, 4)
TARGET_S = 10.0


def hours(rng: random.Random) -> dict[str, list[str]]:
    week = {
        day: ["09:00", rng.choice(["18:00", "20:00", "22:00"])]
        for day in ("mon", "tue", "wed", "thu", "fri")
    }
    week["sat"] = ["10:00", "18:00"]
    if rng.random() < 0.6:
        week["sun"] = ["11:00", "17:00"]
    return week


def world(locations: int, auditors: int, every_days: int, seed: int) -> Programme:
    rng = random.Random(seed)
    sites = tuple(Site(i + 1, rng.choice(ZONES), hours(rng)) for i in range(locations))
    people = tuple(
        Person(
            10_000 + i,
            frozenset(START + timedelta(days=d) for d in range(91) if rng.random() < 0.05),
        )
        for i in range(auditors)
    )
    return Programme(START, every_days, 5, SHARES, sites, people, 1)


def timed(programme: Programme, runs: int):
    until = START + timedelta(days=90)
    seconds, cpu, result = [], [], None
    for _ in range(runs):
        began, began_cpu = time.perf_counter(), time.process_time()
        result = plan(programme, until)
        seconds.append(time.perf_counter() - began)
        cpu.append(time.process_time() - began_cpu)
    return statistics.median(seconds), statistics.median(cpu), result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--locations", type=int, default=1000)
    parser.add_argument("--auditors", type=int, default=100)
    parser.add_argument("--every", type=int, default=7)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--seed", type=int, default=15)
    args = parser.parse_args()
    print(f"13 weeks from {START}, one visit every {args.every} days, shares {SHARES}, gap 5 days")
    # CPU time beside the wall clock: on a machine busy with other work the two part ways
    print(
        f"{'locations':>9} {'auditors':>8} {'visits':>7} {'median s':>9} {'cpu s':>6} "
        f"{'µs/visit':>9}  gave way"
    )
    rows = []
    for fraction in (0.1, 0.5, 1.0):
        locations = max(1, round(args.locations * fraction))
        auditors = max(1, round(args.auditors * fraction))
        seconds, cpu, result = timed(world(locations, auditors, args.every, args.seed), args.runs)
        per_visit = seconds / max(len(result.visits), 1) * 1e6
        rules = dict(Counter(warning.rule for warning in result.warnings)) or "nothing"
        size = f"{locations:>9} {auditors:>8} {len(result.visits):>7}"
        print(f"{size} {seconds:>9.2f} {cpu:>6.2f} {per_visit:>9.0f}  {rules}")
        rows.append((seconds, per_visit))
    full_s, full_per_visit = rows[-1]
    print(
        f"full size: {full_s:.2f} s ({cpu:.2f} s of CPU) = {full_s / TARGET_S:.2f} x the "
        f"{TARGET_S:.0f} s target; "
        f"cost per visit {full_per_visit / rows[0][1]:.2f} x that of the tenth"
    )


if __name__ == "__main__":
    main()
