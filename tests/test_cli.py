"""The flask commands of DESIGN §11: create-user, seed-demo, checklist import and export."""

import copy
import json
from collections import Counter
from datetime import timedelta

import pytest
from flask import current_app
from sqlalchemy import func, select

from auditor.checklists import versions
from auditor.core.extensions import db
from auditor.demo import dataset
from auditor.models import Answer, Audit, Checklist, Location, Photo, Region, User, utcnow
from auditor.models.trust import SIGNAL_CODES
from auditor.people import accounts
from auditor.people.passwords import PasswordHashing, needs_rehash
from tests.conftest import empty_all_tables
from tests.factories import LocationFactory, RegionFactory, UserFactory

NEW_PASSWORD = "a-long-enough-password"


def run(runner, *args: str):
    """Invoke a command; the test side's transaction ends first, so the command may write."""
    db.session.commit()
    result = runner.invoke(args=list(args))
    db.session.commit()  # and the test sees what the command wrote
    return result


def count(model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


def authenticate(email: str, password: str) -> User | None:
    """The user these credentials log in as, checked at the app's hashing cost."""
    hashing = PasswordHashing.from_config(current_app.config)
    return accounts.authenticate(db.session, email, password, hashing)


def user_named(email: str) -> User | None:
    return db.session.scalar(select(User).where(User.email == email))


# -- create-user ---------------------------------------------------------------------------


SHORT_PASSWORD = "password: Must be at least 8 characters."


def create_user(runner, email: str, *options: str, **fields: str):
    """`flask create-user EMAIL`, with a valid name, role and password unless `fields` say else."""
    fields = {"name": "Kim Koch", "role": "auditor", "password": NEW_PASSWORD, **fields}
    named = [part for field, value in fields.items() for part in (f"--{field}", value)]
    return run(runner, "create-user", email, *named, *options)


@pytest.mark.parametrize("role", ["admin", "auditor", "manager", "staff"])
def test_create_user_makes_an_account_of_every_role(runner, role):
    result = create_user(runner, "Kim@Example.com", role=role)
    assert result.exit_code == 0, result.output
    user = user_named("kim@example.com")
    assert user is not None
    assert (user.name, user.role, user.active) == ("Kim Koch", role, True)
    assert f"Created {role} kim@example.com (id {user.id})." in result.output
    assert authenticate("kim@example.com", NEW_PASSWORD) is user


def test_create_user_hashes_at_the_apps_cost(runner):
    assert create_user(runner, "kim@example.com").exit_code == 0
    hashing = PasswordHashing.from_config(current_app.config)
    assert not needs_rehash(user_named("kim@example.com").password_hash, hashing)


def test_create_user_gives_a_manager_regions_and_staff_a_home_location(runner):
    north, south = RegionFactory(name="North"), RegionFactory(name="South")
    store = LocationFactory(code="HAM-01", region=north)
    options = ["--region", "North", "--region", "South"]
    result = create_user(runner, "boss@example.com", *options, role="manager")
    assert result.exit_code == 0, result.output
    assert [r.id for r in user_named("boss@example.com").regions] == [north.id, south.id]
    result = create_user(runner, "clerk@example.com", "--location", "HAM-01", role="staff")
    assert result.exit_code == 0, result.output
    assert user_named("clerk@example.com").location_id == store.id


@pytest.mark.parametrize("email", ["mia@example.com", "MIA@EXAMPLE.COM", "Mia@Example.com "])
def test_create_user_refuses_an_email_in_use_whatever_its_case(runner, email):
    UserFactory(email="mia@example.com", name="Mia Original")
    result = create_user(runner, email, name="Mia Copy")
    assert result.exit_code == 1
    assert "Error: A user with the email mia@example.com exists already." in result.output
    assert count(User) == 1
    assert user_named("mia@example.com").name == "Mia Original"


@pytest.mark.parametrize(
    ("options", "fields", "exit_code", "message"),
    [
        ([], {"role": "superuser"}, 2, "Invalid value for '--role'"),
        (["--region", "Atlantis"], {"role": "manager"}, 1, "No region named 'Atlantis'."),
        (["--location", "NOPE-01"], {"role": "staff"}, 1, "No location with the code 'NOPE-01'."),
        (["--region", "North"], {}, 1, "region_ids: Only managers have regions."),
        (["--location", "HAM-01"], {}, 1, "location_id: Only staff members"),
        ([], {"password": "short"}, 1, SHORT_PASSWORD),
        ([], {"password": ""}, 1, SHORT_PASSWORD),
    ],
)
def test_create_user_refuses_bad_options_with_a_clear_message(
    runner, options, fields, exit_code, message
):
    LocationFactory(code="HAM-01", region=RegionFactory(name="North"))
    result = create_user(runner, "kim@example.com", *options, **fields)
    assert result.exit_code == exit_code
    assert message in result.output
    assert user_named("kim@example.com") is None


@pytest.mark.parametrize("email", ["not-an-email", "kim@", "@example.com", "kim example.com", ""])
def test_create_user_refuses_a_malformed_email(runner, email):
    result = create_user(runner, email)
    assert result.exit_code == 1
    assert "email: Not a valid email address." in result.output
    assert count(User) == 0


@pytest.mark.parametrize("missing", ["--name", "--role", "--password"])
def test_create_user_needs_name_role_and_password(runner, missing):
    options = {"--name": "Kim", "--role": "auditor", "--password": NEW_PASSWORD}
    del options[missing]
    args = [part for pair in options.items() for part in pair]
    result = run(runner, "create-user", "kim@example.com", *args)
    assert result.exit_code == 2
    assert f"Missing option '{missing}'" in result.output
    assert count(User) == 0


# -- seed-demo -----------------------------------------------------------------------------


def counts() -> dict[str, int]:
    return {
        "regions": count(Region),
        "locations": count(Location),
        "users": count(User),
        "checklists": count(Checklist),
    }


def staff_names() -> list[str]:
    stmt = select(User.name).where(User.role == "staff").order_by(User.email)
    return list(db.session.scalars(stmt))


def test_seed_demo_loads_the_demo_organisation(runner):
    result = run(runner, "seed-demo")
    assert result.exit_code == 0, result.output
    assert counts() == {"regions": 3, "locations": 12, "users": 1 + 3 + 3 + 24, "checklists": 1}
    users = db.session.scalars(select(User)).all()
    roles = ("admin", "manager", "auditor", "staff")
    by_role = {role: [u for u in users if u.role == role] for role in roles}
    assert [len(by_role[role]) for role in roles] == [1, 3, 3, 24]
    managed = [region.name for manager in by_role["manager"] for region in manager.regions]
    assert sorted(managed) == ["Central", "North", "South"]  # one region each, all covered
    for location in db.session.scalars(select(Location)):
        at_location = [u for u in by_role["staff"] if u.location_id == location.id]
        assert len(at_location) == 2, location.code
        assert location.region is not None
    checklist = db.session.scalar(select(Checklist))
    assert (checklist.key, checklist.version, checklist.status) == ("store-visit", 1, "published")
    assert sorted(u.email for u in users) == sorted(dataset.demo_emails())


def test_seed_demo_prints_logins_that_work(runner):
    result = run(runner, "seed-demo")
    assert f"password for all: {dataset.DEMO_PASSWORD}" in result.output
    printed = [line.split() for line in result.output.splitlines() if "@example.com" in line]
    roles = [fields[0] for fields in printed]
    assert roles == ["admin"] + ["manager"] * 3 + ["auditor"] * 3 + ["staff"] * 2
    assert printed[0][1] == "admin@example.com"
    for fields in printed:
        user = authenticate(fields[1], dataset.DEMO_PASSWORD)
        assert user is not None
        assert user.role == fields[0]


def _import_store_visit(runner, tmp_path) -> None:
    path = tmp_path / "store-visit.json"
    path.write_text(json.dumps({**versions.default_definition(), "title": "Ours"}))
    assert run(runner, "checklist", "import", str(path)).exit_code == 0


@pytest.mark.parametrize(
    "make_data",
    [
        lambda runner, tmp_path: UserFactory(role="admin"),
        lambda runner, tmp_path: RegionFactory(),
        lambda runner, tmp_path: LocationFactory(),
        _import_store_visit,  # seeding would replace this draft of store-visit
    ],
    ids=["user", "region", "location", "checklist"],
)
def test_seed_demo_refuses_a_database_with_data(runner, tmp_path, make_data):
    make_data(runner, tmp_path)
    before = counts()
    result = run(runner, "seed-demo")
    assert result.exit_code == 1
    assert "The database is not empty; seed-demo needs an empty one." in result.output
    assert counts() == before
    result = run(runner, "seed-demo", "--if-empty")
    assert result.exit_code == 0
    assert "There are no demo logins in this database." in result.output
    assert counts() == before


def test_seed_demo_if_empty_leaves_existing_data_alone_and_prints_the_logins(runner):
    assert run(runner, "seed-demo").exit_code == 0
    before = counts()
    result = run(runner, "seed-demo", "--if-empty", "--seed", "2")
    assert result.exit_code == 0, result.output
    assert "demo not loaded" in result.output
    assert "admin@example.com" in result.output
    assert counts() == before


def test_seed_demo_if_empty_loads_an_empty_database(runner):
    result = run(runner, "seed-demo", "--if-empty")
    assert result.exit_code == 0, result.output
    assert "Demo data loaded." in result.output
    assert counts()["locations"] == 12


def test_seed_demo_is_deterministic_for_a_seed(runner):
    assert run(runner, "seed-demo", "--seed", "7").exit_code == 0
    first = staff_names()
    empty_all_tables()
    assert run(runner, "seed-demo", "--seed", "7").exit_code == 0
    assert staff_names() == first
    empty_all_tables()
    assert run(runner, "seed-demo", "--seed", "8").exit_code == 0
    assert staff_names() != first
    assert len(first) == 24


# -- checklist import / export -------------------------------------------------------------


@pytest.fixture
def definition() -> dict:
    """The shipped store-visit definition, as a JSON document."""
    return versions.default_definition()


@pytest.fixture
def write_json(tmp_path):
    """Write a document to a fresh file and answer its path."""
    written = []

    def write(document, text: str | None = None) -> str:
        path = tmp_path / f"checklist-{len(written)}.json"
        path.write_text(text if text is not None else json.dumps(document), encoding="utf-8")
        written.append(path)
        return str(path)

    return write


def stored_versions() -> list[tuple[int, str, str]]:
    """(version, status, title) of every store-visit version, oldest first."""
    stmt = select(Checklist).where(Checklist.key == "store-visit").order_by(Checklist.version)
    return [(c.version, c.status, c.title) for c in db.session.scalars(stmt)]


def retitled(definition: dict, title: str) -> dict:
    return {**definition, "title": title}


@pytest.mark.parametrize(("flags", "status"), [([], "draft"), (["--publish"], "published")])
def test_import_creates_version_one(runner, write_json, definition, flags, status):
    result = run(runner, "checklist", "import", write_json(definition), *flags)
    assert result.exit_code == 0, result.output
    assert f"Created store-visit version 1 ({status})." in result.output
    assert stored_versions() == [(1, status, "Store visit")]


def test_import_replaces_the_draft_until_it_is_published(runner, write_json, definition):
    run(runner, "checklist", "import", write_json(retitled(definition, "First")))
    result = run(runner, "checklist", "import", write_json(retitled(definition, "Second")))
    assert result.exit_code == 0, result.output
    assert "Replaced draft store-visit version 1 (draft)." in result.output
    assert stored_versions() == [(1, "draft", "Second")]
    third = write_json(retitled(definition, "Third"))
    result = run(runner, "checklist", "import", third, "--publish")
    assert "Replaced draft store-visit version 1 (published)." in result.output
    assert stored_versions() == [(1, "published", "Third")]
    result = run(runner, "checklist", "import", write_json(retitled(definition, "Fourth")))
    assert "Created store-visit version 2 (draft)." in result.output
    assert stored_versions() == [(1, "published", "Third"), (2, "draft", "Fourth")]


@pytest.mark.parametrize(
    "text", ["{not json", "", '{"key": "store-visit",', "\ufeff\ufeff{}", "[1, 2,]"]
)
def test_import_of_a_file_that_is_not_json_fails_and_changes_nothing(
    runner, write_json, definition, text
):
    run(runner, "checklist", "import", write_json(retitled(definition, "Kept")))
    path = write_json(None, text)
    result = run(runner, "checklist", "import", path, "--publish")
    assert result.exit_code == 1
    assert f"Error: {path} is not JSON:" in result.output
    assert stored_versions() == [(1, "draft", "Kept")]


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("[" * 5000 + "]" * 5000, "nested more than"),
        ('{"key": "store-visit", "follow_up_days": ' + "9" * 5000 + "}", "more than 20 digits"),
        ('{"key": "store-visit", "title": "\\ud800"}', "lone UTF-16 surrogate"),
        ('{"key": "store-visit", "follow_up_days": NaN}', "NaN is not a JSON value"),
        ('{"key": "store-visit", "follow_up_days": 1e999}', "out of range"),
    ],
)
def test_import_of_json_python_cannot_hold_fails_clearly_without_a_traceback(
    runner, write_json, text, reason
):
    path = write_json(None, text)
    result = run(runner, "checklist", "import", path)
    assert result.exit_code == 1
    assert f"Error: {path} is not JSON: " in result.output
    assert reason in result.output
    assert result.exception is None or isinstance(result.exception, SystemExit)
    assert stored_versions() == []


def test_import_reads_utf8_with_or_without_a_byte_order_mark(runner, tmp_path, definition):
    text = json.dumps({**definition, "title": "Filialbesuch Köln"}, ensure_ascii=False)
    path = tmp_path / "with-bom.json"
    path.write_bytes(b"\xef\xbb\xbf" + text.encode())
    result = run(runner, "checklist", "import", str(path))
    assert result.exit_code == 0, result.output
    assert stored_versions() == [(1, "draft", "Filialbesuch Köln")]


def test_import_of_a_file_that_is_not_utf8_fails_clearly(runner, tmp_path, definition):
    path = tmp_path / "latin-1.json"
    path.write_bytes(
        json.dumps({**definition, "title": "Köln"}, ensure_ascii=False).encode("latin-1")
    )
    result = run(runner, "checklist", "import", str(path))
    assert result.exit_code == 1
    assert f"Error: {path} is not JSON: 'utf-8' codec can't decode byte 0xf6" in result.output
    assert result.exception is None or isinstance(result.exception, SystemExit)
    assert stored_versions() == []


def test_import_of_a_missing_file_fails(runner, tmp_path):
    result = run(runner, "checklist", "import", str(tmp_path / "missing.json"))
    assert result.exit_code == 2
    assert "No such file or directory" in result.output


def _without_sections(definition: dict) -> dict:
    return {k: v for k, v in definition.items() if k != "sections"}


def _duplicate_section(definition: dict) -> dict:
    broken = copy.deepcopy(definition)
    broken["sections"].append(broken["sections"][0])
    return broken


def _unknown_field(definition: dict) -> dict:
    return {**definition, "colour": "blue"}


@pytest.mark.parametrize(
    ("breakage", "field"),
    [
        (lambda d: [d], "_schema"),
        (lambda d: {}, "key"),
        (_without_sections, "sections"),
        (lambda d: {**d, "key": "Store Visit!"}, "key"),
        (lambda d: {**d, "sections": []}, "sections"),
        (_unknown_field, "colour"),
        (_duplicate_section, "sections"),
    ],
)
def test_import_of_an_invalid_definition_fails_and_changes_nothing(
    runner, write_json, definition, breakage, field
):
    run(runner, "checklist", "import", write_json(retitled(definition, "Kept")), "--publish")
    result = run(runner, "checklist", "import", write_json(breakage(definition)), "--publish")
    assert result.exit_code == 1
    assert "Error: The checklist definition is invalid." in result.output
    assert f"\n  {field}" in result.output  # which field, on its own line
    assert stored_versions() == [(1, "published", "Kept")]


def test_export_prints_json_that_reimports_unchanged(runner, write_json, definition):
    run(runner, "checklist", "import", write_json(definition), "--publish")
    exported = run(runner, "checklist", "export", "store-visit")
    assert exported.exit_code == 0, exported.output
    document = json.loads(exported.output)
    assert document == versions.dump_definition(versions.parse_definition(definition))
    result = run(runner, "checklist", "import", write_json(None, exported.output))
    assert result.exit_code == 0, result.output
    assert "Created store-visit version 2 (draft)." in result.output
    again = run(runner, "checklist", "export", "store-visit")
    assert again.output == exported.output


def test_export_keeps_non_ascii_text_readable(runner, write_json, definition):
    run(runner, "checklist", "import", write_json(retitled(definition, "Filialbesuch Köln")))
    output = run(runner, "checklist", "export", "store-visit").output
    assert '"title": "Filialbesuch Köln"' in output


def test_export_of_an_unknown_key_fails(runner):
    result = run(runner, "checklist", "export", "no-such-checklist")
    assert result.exit_code == 1
    assert "Error: No checklist with the key 'no-such-checklist'." in result.output
    assert not result.output.lstrip().startswith("{")


def test_seed_demo_creates_approved_audits_over_six_months(runner):
    result = run(runner, "seed-demo", "--audits", "40")
    assert result.exit_code == 0, result.output
    db.session.commit()
    audits = db.session.scalars(select(Audit).where(Audit.status == "approved")).all()
    assert len(audits) == 40
    assert not [a for a in audits if a.signals]  # the demo's approved visits are clean ones
    photos = select(func.count()).select_from(Photo).join(Audit).where(Audit.status == "approved")
    assert db.session.scalar(photos) == 40
    now = utcnow()
    assert all(now - timedelta(days=190) < a.finished_at < now for a in audits)
    assert all(a.submitted_at > a.finished_at and a.reviewed_at > a.submitted_at for a in audits)
    assert len({a.location_id for a in audits}) > 6
    assert len({round(a.score_overall) for a in audits}) > 10  # scores differ
    assert all(a.staff for a in audits)
    # failures carry the kind of remark an auditor writes; good answers carry none
    answers = db.session.scalars(select(Answer).where(Answer.possible > 0)).all()
    remarked = [a for a in answers if a.comment]
    assert remarked
    assert all(a.earned < a.possible for a in remarked)


def test_seed_demo_leaves_visits_with_each_signal_in_the_review_queue(runner):
    result = run(runner, "seed-demo", "--audits", "4")
    assert result.exit_code == 0, result.output
    db.session.commit()
    queued = db.session.scalars(select(Audit).where(Audit.status == "submitted")).all()
    codes = Counter(signal.code for audit in queued for signal in audit.signals)
    assert codes == dict.fromkeys(SIGNAL_CODES, 2)
    # one signal each, and clean originals that photo_reused and text_copied name
    assert sorted(len(audit.signals) for audit in queued) == [0] * 4 + [1] * 12
    named = {str(audit.id) for audit in queued if not audit.signals}
    for audit in queued:
        if audit.signals and audit.signals[0].code in ("photo_reused", "text_copied"):
            assert any(original in audit.signals[0].detail for original in named)
