"""Importing locations from CSV: all rows or none, with a per-row error report."""

from sqlalchemy import func, select

from auditor.core.extensions import db
from auditor.models import Location
from auditor.org.location_import import import_locations
from tests.factories import LocationFactory, RegionFactory, UserFactory

GOOD = (
    "code,name,region,address,lat,lon,timezone\n"
    "HH-9,Hamburg Nine,North,Street 1,53.5,10.0,Europe/Berlin\n"
    "HB-1,Bremen One,North,,,,\n"
)


def count():
    return db.session.scalar(select(func.count(Location.id)))


def test_a_good_file_imports_every_row(app):
    RegionFactory(name="North")
    report = import_locations(db.session, UserFactory(role="admin"), GOOD)
    db.session.commit()
    assert report.errors == {}
    assert count() == 2
    assert db.session.scalar(select(Location).where(Location.code == "HB-1")).timezone == "UTC"


def test_one_wrong_row_imports_nothing_and_reports_each_line(app):
    RegionFactory(name="North")
    LocationFactory(code="TAKEN")
    text = GOOD + ("TAKEN,Dup,North,,,,\n,No code,South,,91,abc,Mars/Base\nHH-9,Again,North,,,,\n")
    report = import_locations(db.session, UserFactory(role="admin"), text)
    db.session.rollback()
    assert count() == 1
    assert set(report.errors) == {4, 5, 6}
    assert any("exists already" in m for m in report.errors[4])
    line5 = " ".join(report.errors[5])
    for words in ("code: required", "South", "lat", "lon", "Mars/Base"):
        assert words in line5
    assert "repeats line 2" in report.errors[6][0]


def test_a_file_without_the_required_columns_is_refused(app):
    report = import_locations(db.session, UserFactory(role="admin"), "name,city\nx,y\n")
    assert report.errors == {1: ["header: missing column(s) code, region."]}
    assert import_locations(db.session, UserFactory(role="admin"), "code,name,region\n").errors


def test_an_opening_hours_column_is_read_and_checked_per_line(app):
    RegionFactory(name="North")
    text = (
        "code,name,region,opening_hours\n"
        'HH-1,One,North,"mon-fri 09:00-20:00, sat 10:00-16:00"\n'
        "HH-2,Two,North,\n"
        "HH-3,Three,North,sun 25:00-26:00\n"
        "HH-4,Four,North,daily 9 to 5\n"
    )
    report = import_locations(db.session, UserFactory(role="admin"), text)
    assert set(report.errors) == {4, 5}
    assert report.errors[4] == [
        "opening_hours: sun: times are HH:MM, 00:00 to 23:59 (closing may be 24:00)."
    ]
    assert report.errors[5][0].startswith("opening_hours: 'daily 9 to 5': write e.g.")
    assert count() == 0
    report = import_locations(
        db.session, UserFactory(role="admin"), "\n".join(text.splitlines()[:3])
    )
    db.session.commit()
    assert report.errors == {}
    one = db.session.scalar(select(Location).where(Location.code == "HH-1"))
    assert one.opening_hours == {
        **{day: ["09:00", "20:00"] for day in ("mon", "tue", "wed", "thu", "fri")},
        "sat": ["10:00", "16:00"],
    }
    assert db.session.scalar(select(Location).where(Location.code == "HH-2")).opening_hours is None
