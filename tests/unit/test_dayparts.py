"""Daypart windows (DESIGN §10.8): bounded by opening hours, in the store's time zone."""

from datetime import UTC, date, datetime

import pytest

from auditor.scheduling import dayparts

SATURDAY = date(2027, 3, 27)  # the day before Europe's clocks go forward
HOURS = {"sat": ["10:00", "18:30"], "fri": ["22:00", "02:00"]}


@pytest.mark.parametrize(
    ("hours", "day", "daypart", "window"),
    [
        (HOURS, SATURDAY, "morning", (600, 720)),
        (HOURS, SATURDAY, "afternoon", (720, 1020)),
        (HOURS, SATURDAY, "evening", (1020, 1110)),  # 17:00 to closing at 18:30
        ({"sat": ["10:00", "17:30"]}, SATURDAY, "evening", None),  # half an hour: not open
        (HOURS, date(2027, 3, 28), "morning", None),  # closed on Sundays
        (HOURS, date(2027, 3, 26), "evening", (1320, 1440)),  # past midnight: to the day's end
        (None, SATURDAY, "evening", (1020, 1320)),  # no hours given: evenings end at 22:00
        ({"sat": ["00:00", "24:00"]}, SATURDAY, "evening", (1020, 1440)),
    ],
)
def test_a_daypart_opens_where_the_store_is_open_an_hour_of_it(hours, day, daypart, window):
    assert dayparts.local_window(hours, day, daypart) == window


def test_local_times_are_sent_in_utc_across_a_clock_change():
    from zoneinfo import ZoneInfo

    berlin = ZoneInfo("Europe/Berlin")
    assert dayparts.to_utc(SATURDAY, 12 * 60, berlin) == datetime(2027, 3, 27, 11, tzinfo=UTC)
    sunday = date(2027, 3, 28)  # summer time from 02:00
    assert dayparts.to_utc(sunday, 12 * 60, berlin) == datetime(2027, 3, 28, 10, tzinfo=UTC)


def test_a_window_reads_as_people_say_it():
    start = datetime(2027, 3, 27, 11, tzinfo=UTC)
    end = datetime(2027, 3, 27, 16, tzinfo=UTC)
    label = dayparts.label("afternoon", start, end, "Europe/Berlin")
    assert label == "Saturday afternoon, 12\N{EN DASH}17"
    assert dayparts.label(None, start, end, "UTC") is None
    late = dayparts.label(
        "evening",
        datetime(2027, 3, 27, 16, 30, tzinfo=UTC),
        datetime(2027, 3, 27, 23, tzinfo=UTC),
        "Europe/Berlin",
    )
    assert late == "Saturday evening, 17:30\N{EN DASH}24"
