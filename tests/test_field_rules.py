"""One rule per field, whichever way in (issue 10, kind 7): location codes, coordinates and
names of locations, regions and users are refused alike by the API, the admin pages, the CSV
import and the command line, and nothing is stored."""

import json
import math

import marshmallow as ma
import pytest
from sqlalchemy import func, select

from auditor.core.extensions import db
from auditor.core.field_rules import ONE_LINE, FullMatch, field_errors, finite
from auditor.models import Location, Region, User
from auditor.org import location_import, rules
from tests.conftest import problem_of
from tests.factories import LocationFactory, RegionFactory, UserFactory
from tests.web.page_world import browse_as, csrf_of

LONG = "x" * 3000
JSON = "application/json"

# (field, value) pairs every way in refuses, as the pages' forms and a CSV cell carry them
BAD_LOCATION_FIELDS = [
    ("code", "TRAIL\n"),
    ("code", "TRAIL X"),
    ("code", "-TRAIL"),
    ("code", "ÄÖÜ"),
    ("code", "C" * 41),
    ("name", LONG),
    ("name", "Two\nlines"),
    ("name", "Nul\x00byte"),
    ("address", "a" * 501),
    ("lat", 90.0001),
    ("lat", -91),
    ("lat", math.nan),
    ("lon", 180.5),
    ("lon", -180.0001),
    ("lon", math.inf),
]
BAD_USER_FIELDS = [
    ("name", LONG),
    ("name", "Two\nlines"),
    ("name", "Tab\tbed"),
    ("email", "a" * 250 + "@x.de"),
    ("password", "short"),
    ("password", "p" * 1025),
]


def count(model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


def as_form_value(value) -> str:
    """How a form or a CSV cell writes a value (nan and inf as Python spells them)."""
    return str(value)


# --- the rules themselves ----------------------------------------------------------------


def test_full_match_refuses_what_a_dollar_lets_through():
    code = FullMatch(rules.CODE_PATTERN)
    assert code("TRAIL") == "TRAIL"
    for value in ("TRAIL\n", "TRAIL\r\n", "TR AIL", "", 12):
        with pytest.raises(ma.ValidationError):
            code(value)


def test_one_line_and_finite():
    assert ONE_LINE("Café Zürich (1)") == "Café Zürich (1)"
    for value in ("a\nb", "a\x00", "a\x85", "a\x7f"):
        with pytest.raises(ma.ValidationError):
            ONE_LINE(value)
    assert finite(10**30) == 10**30
    for value in (math.nan, -math.inf, True, "1"):
        with pytest.raises(ma.ValidationError):
            finite(value)


def test_field_errors_names_every_broken_rule_and_skips_what_is_not_given():
    errors = field_errors(rules.LOCATION, {"code": "", "lat": math.nan, "lon": None})
    assert errors == {
        "code": ["Length must be between 1 and 40.", rules.CODE_MESSAGE],
        "lat": ["Must be a finite number."],
    }
    assert field_errors(rules.REGION, {"name": "\udcff"}) == {
        "name": ["Must be valid Unicode text."]
    }


# --- locations: API, pages, CSV import ------------------------------------------------------


def location_body(region, **change) -> dict:
    return {"code": "OK-1", "name": "Fine", "region_id": region.id, **change}


@pytest.mark.parametrize(("field", "value"), BAD_LOCATION_FIELDS)
def test_the_api_refuses_a_bad_location_field(admin, region, field, value):
    # json.dumps writes NaN and Infinity as the literals a careless client sends
    raw = json.dumps(location_body(region, **{field: value}))
    response = admin.post("/api/v1/locations", data=raw, content_type=JSON)
    if isinstance(value, float) and not math.isfinite(value):
        assert response.status_code in (400, 422)  # the JSON parser may refuse it first
        problem_of(response)
    else:
        assert response.status_code == 422, response.get_json()
        assert field in problem_of(response)["errors"]
    existing = LocationFactory(region=region)
    patched = admin.patch(
        f"/api/v1/locations/{existing.id}", data=json.dumps({field: value}), content_type=JSON
    )
    assert patched.status_code in (400, 422)
    problem_of(patched)
    db.session.refresh(existing)
    assert getattr(existing, field) != value
    assert count(Location) == 1


def test_the_api_keeps_good_edges(admin, region):
    body = location_body(region, code="a.B_c-9", lat=-90, lon=180, name="N" * 200)
    response = admin.post("/api/v1/locations", json=body)
    assert response.status_code == 201, response.get_json()
    assert response.get_json()["code"] == "a.B_c-9"


@pytest.fixture
def pages(app):
    """A second client, logged in to the admin pages."""
    return browse_as(app.test_client(), UserFactory(role="admin"))


def post_form(pages, path, data):
    return pages.post(path, data={"csrf_token": csrf_of(pages, "/admin/users"), **data})


@pytest.mark.parametrize(("field", "value"), BAD_LOCATION_FIELDS)
def test_the_pages_refuse_a_bad_location_field(pages, region, field, value):
    if field == "code" and value == "TRAIL\n":
        value = "TRA\nIL"  # the form trims its ends, as a browser's input would
    form = {"code": "OK-1", "name": "Fine", "region_id": str(region.id), field: value}
    form[field] = as_form_value(value)
    response = post_form(pages, "/admin/locations", form)
    assert response.status_code == 302
    assert f"{field}:" in pages.get(response.location).get_data(as_text=True)
    existing = LocationFactory(region=region)
    before = {name: getattr(existing, name) for name in ("code", "name", "address", "lat", "lon")}
    form["code"] = existing.code if field != "code" else form["code"]
    response = post_form(pages, f"/admin/locations/{existing.id}", form)
    assert f"{field}:" in pages.get(response.location).get_data(as_text=True)
    db.session.refresh(existing)
    assert {name: getattr(existing, name) for name in before} == before
    assert count(Location) == 1


def csv_cell(value) -> str:
    text = as_form_value(value)
    return '"' + text.replace('"', '""') + '"'


@pytest.mark.parametrize(("field", "value"), BAD_LOCATION_FIELDS)
def test_the_csv_import_refuses_a_bad_location_field(app, field, value):
    RegionFactory(name="North")
    row = {"code": "OK-1", "name": "Fine", "region": "North", "address": "", "lat": "", "lon": ""}
    row[field] = value if field == "code" and value == "TRAIL\n" else as_form_value(value)
    if field == "code" and value == "TRAIL\n":
        row[field] = "TRA\nIL"  # a quoted cell may hold a line break; its ends are trimmed
    text = "code,name,region,address,lat,lon\n" + ",".join(csv_cell(v) for v in row.values())
    report = location_import.import_locations(db.session, UserFactory(role="admin"), text)
    db.session.rollback()
    assert list(report.errors) == [2]
    assert report.errors[2][0].startswith(f"{field}: ")
    assert count(Location) == 0


# --- regions: API ---------------------------------------------------------------------------


@pytest.mark.parametrize("name", ["r" * 121, "Two\nlines", "Nul\x00"])
def test_the_api_refuses_a_bad_region_name(admin, region, name):
    assert admin.post("/api/v1/regions", json={"name": name}).status_code == 422
    patched = admin.patch(f"/api/v1/regions/{region.id}", json={"name": name})
    assert patched.status_code == 422
    assert "name" in problem_of(patched)["errors"]
    assert db.session.scalar(select(Region.name).where(Region.id == region.id)) == region.name
    assert count(Region) == 1


# --- users: API, pages, command line --------------------------------------------------------


def user_body(**change) -> dict:
    return {
        "email": "new@example.com",
        "name": "Nia New",
        "role": "auditor",
        "password": "long-enough-1",
        **change,
    }


@pytest.mark.parametrize(("field", "value"), BAD_USER_FIELDS)
def test_the_api_refuses_a_bad_user_field(admin, field, value):
    users = count(User)
    response = admin.post("/api/v1/users", json=user_body(**{field: value}))
    assert response.status_code == 422, response.get_json()
    assert field in problem_of(response)["errors"]
    patched = admin.patch(f"/api/v1/users/{admin.user.id}", json={field: value})
    assert patched.status_code == 422
    assert field in problem_of(patched)["errors"]
    assert count(User) == users


@pytest.mark.parametrize(("field", "value"), BAD_USER_FIELDS)
def test_the_pages_refuse_a_bad_user_field(pages, field, value):
    users = count(User)
    form = {**user_body(), field: value}
    response = post_form(pages, "/admin/users", form)
    assert f"{field}:" in pages.get(response.location).get_data(as_text=True)
    assert count(User) == users
    someone = UserFactory(role="auditor", name="Same Name")
    before = (someone.email, someone.name, someone.password_hash)
    edit = {"email": someone.email, "name": someone.name, "role": "auditor", field: value}
    response = post_form(pages, f"/admin/users/{someone.id}", edit)
    assert f"{field}:" in pages.get(response.location).get_data(as_text=True)
    db.session.refresh(someone)
    assert (someone.email, someone.name, someone.password_hash) == before


@pytest.mark.parametrize(("field", "value"), BAD_USER_FIELDS)
def test_the_command_line_refuses_a_bad_user_field(runner, field, value):
    fields = {**user_body(), field: value}
    options = [part for key in ("name", "role", "password") for part in (f"--{key}", fields[key])]
    db.session.commit()
    result = runner.invoke(args=["create-user", fields["email"], *options])
    assert result.exit_code != 0
    assert f"{field}: " in result.output
    assert "Traceback" not in result.output
    db.session.commit()
    assert count(User) == 0


def test_the_read_schema_of_a_user_has_no_password(client):
    schemas = client.get("/api/v1/openapi.json").get_json()["components"]["schemas"]
    read = schemas["User"]
    assert "password" not in read["properties"]
    assert set(read["required"]) == {
        "id", "email", "name", "role", "region_ids", "location_id", "active", "lead"
    }  # fmt: skip
    written = schemas["UserInput"]
    assert written["properties"]["password"] == {
        "type": "string",
        "minLength": 8,
        "maxLength": 1024,
    }
    assert set(written["required"]) == {"email", "name", "role", "password"}
    code = schemas["Location"]["properties"]["code"]
    assert code["pattern"] == rules.CODE_PATTERN
    assert schemas["Location"]["properties"]["lat"]["minimum"] == -90
