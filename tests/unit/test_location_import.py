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
