"""Opening hours (DESIGN §2): the text people type, the mapping stored, and whether a local time
falls inside them."""

from datetime import datetime
from zoneinfo import ZoneInfo

import marshmallow as ma
import pytest
from hypothesis import given
from hypothesis import strategies as st

from auditor.audits.signals import is_open
from auditor.org import hours

BERLIN = ZoneInfo("Europe/Berlin")
WEEK = {day: ["09:00", "20:00"] for day in ("mon", "tue", "wed", "thu", "fri")}


def test_text_reads_into_the_mapping_and_back():
    parsed = hours.parse(" Mon-Fri 09:00-20:00; sat 10:00-16:00 , sun 22:00-02:00")
    assert parsed == {**WEEK, "sat": ["10:00", "16:00"], "sun": ["22:00", "02:00"]}
    assert hours.describe(parsed) == "mon-fri 09:00-20:00, sat 10:00-16:00, sun 22:00-02:00"
    assert hours.parse("  ") is None
    assert hours.describe(None) == ""


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("mon 9-17", "times are HH:MM"),
        ("fri-mon 09:00-17:00", "days run mon to sun"),
        ("mon 09:00-17:00, mon-tue 10:00-12:00", "mon is given twice"),
        ("xyz 09:00-17:00", "write e.g."),
        ("tue 10:00-10:00", "must differ"),
        ("wed 09:60-17:00", "times are HH:MM"),
    ],
)
def test_wrong_text_says_what_is_wrong(text, message):
    with pytest.raises(ma.ValidationError) as error:
        hours.parse(text)
    assert message in str(error.value.messages)


@pytest.mark.parametrize(
    "value",
    [
        [],
        {"monday": ["09:00", "17:00"]},
        {"mon": ["09:00"]},
        {"mon": "09:00-17:00"},
        {"mon": [9, 17]},
        {"mon": ["24:00", "10:00"]},
    ],
)
def test_the_mapping_rule_refuses_other_shapes(value):
    with pytest.raises(ma.ValidationError):
        hours.validate_hours(value)


@pytest.mark.parametrize(
    ("local", "expected"),
    [
        (datetime(2026, 12, 7, 8, 59, tzinfo=BERLIN), False),  # a Monday, before opening
        (datetime(2026, 12, 7, 9, 0, tzinfo=BERLIN), True),
        (datetime(2026, 12, 7, 20, 0, tzinfo=BERLIN), True),
        (datetime(2026, 12, 7, 20, 1, tzinfo=BERLIN), False),
        (datetime(2026, 12, 12, 12, 0, tzinfo=BERLIN), False),  # Saturday: not listed, closed
        (datetime(2026, 12, 13, 23, 0, tzinfo=BERLIN), True),  # Sunday 22:00-02:00
        (datetime(2026, 12, 14, 1, 30, tzinfo=BERLIN), True),  # ... still open early Monday
        (datetime(2026, 12, 14, 2, 30, tzinfo=BERLIN), False),
    ],
)
def test_a_local_time_is_open_or_not(local, expected):
    assert is_open({**WEEK, "sun": ["22:00", "02:00"]}, local) is expected


def test_a_whole_day_is_always_open():
    assert is_open({"tue": ["00:00", "24:00"]}, datetime(2026, 12, 8, 23, 59, tzinfo=BERLIN))


@given(
    st.dictionaries(
        st.sampled_from(hours.WEEKDAYS), st.tuples(st.integers(0, 1439), st.integers(1, 1440))
    )
)
def test_describe_and_parse_round_trip(spans):
    value = {
        day: [f"{a // 60:02}:{a % 60:02}", f"{b // 60:02}:{b % 60:02}"]
        for day, (a, b) in spans.items()
        if a != b % 1440 or b == 1440
    }
    value = {day: span for day, span in value.items() if span[0] != span[1]}
    assert hours.parse(hours.describe(value)) == (value or None)
