"""The write and read paths of an audit run a fixed, small number of SQL statements.

Counted on SQLite with every statement included (BEGIN too); PostgreSQL runs the same ones less
the BEGIN, which its driver sends by itself. The first PUT of a test reads the checklist's
definition (three statements); later ones find it cached.
"""

from sqlalchemy import event

from auditor.core.extensions import db
from tests.api.audit_helpers import audit_body, new_uuid
from tests.api.signal_helpers import scene


def statements_of(app, call) -> list[str]:
    """The SQL statements one request runs (it must succeed)."""
    statements: list[str] = []
    with app.app_context():
        engine = db.engine
    listener = lambda *args: statements.append(args[2])  # noqa: E731
    event.listen(engine, "before_cursor_execute", listener)
    try:
        response = call()
    finally:
        event.remove(engine, "before_cursor_execute", listener)
    assert response.status_code < 300, response.get_json()
    return statements


def put_photo(auditor, audit_id: str):
    """A photo with a perceptual hash (a flat one has none), so photo_reused is looked up."""
    url = f"/api/v1/audits/{audit_id}/photos/{new_uuid()}?question=tidy"
    return auditor.put(url, data=scene(7), headers={"Content-Type": "image/jpeg"})


def test_creating_a_full_audit_takes_at_most_15_statements(app, login_as, store):
    auditor, audit_id = login_as("auditor"), new_uuid()
    body = audit_body(store)
    statements = statements_of(app, lambda: auditor.put(f"/api/v1/audits/{audit_id}", json=body))
    assert len(statements) <= 15, statements
    # everything is read before anything is written: the audit's row takes one UPDATE, and
    # the thirteen answers one INSERT
    assert sum(s.startswith("UPDATE audits") for s in statements) == 1
    assert sum(s.startswith("INSERT INTO answers") for s in statements) == 1


def test_replacing_an_audit_takes_at_most_13_statements(app, login_as, store):
    auditor, audit_id = login_as("auditor"), new_uuid()
    body = audit_body(store)
    assert auditor.put(f"/api/v1/audits/{audit_id}", json=body).status_code == 201
    again = audit_body(store, notes="Quieter after all.")
    statements = statements_of(app, lambda: auditor.put(f"/api/v1/audits/{audit_id}", json=again))
    # 13 since an audit's document shows its signals (DESIGN §10.3): one more SELECT
    assert len(statements) <= 13, statements


def test_submitting_takes_at_most_13_statements_and_one_transaction(app, login_as, store):
    auditor, audit_id = login_as("auditor"), new_uuid()
    assert auditor.put(f"/api/v1/audits/{audit_id}", json=audit_body(store)).status_code == 201
    assert put_photo(auditor, audit_id).status_code == 201
    statements = statements_of(app, lambda: auditor.post(f"/api/v1/audits/{audit_id}/submit"))
    # submit stores a revision and computes signals (DESIGN §10.1, §10.3) within the 12: the
    # audit's signals load with it, then the photo-reuse lookup, its folded texts, the revision;
    # 13 since a submit is announced to webhooks in its own transaction (DESIGN §10.7): one
    # SELECT of the active webhooks
    assert len(statements) <= 13, statements
    assert sum(s.startswith("INSERT INTO audit_revisions") for s in statements) == 1
    assert [s for s in statements if s.startswith("BEGIN")] == ["BEGIN IMMEDIATE"] or (
        db.engine.dialect.name == "postgresql"
    )


def test_reading_one_audit_takes_at_most_7_statements(app, login_as, store):
    auditor, audit_id = login_as("auditor"), new_uuid()
    assert auditor.put(f"/api/v1/audits/{audit_id}", json=audit_body(store)).status_code == 201
    assert put_photo(auditor, audit_id).status_code == 201
    statements = statements_of(app, lambda: auditor.get(f"/api/v1/audits/{audit_id}"))
    # its reviewer and staff are joined to its row; answers, photos, scores and signals
    assert len(statements) <= 7, statements


def test_a_page_of_audits_costs_the_same_for_one_audit_or_many(app, login_as, store):
    auditor = login_as("auditor")
    assert auditor.put(f"/api/v1/audits/{new_uuid()}", json=audit_body(store)).status_code == 201
    one = statements_of(app, lambda: auditor.get("/api/v1/audits"))
    for _ in range(5):
        audit_id = new_uuid()
        assert auditor.put(f"/api/v1/audits/{audit_id}", json=audit_body(store)).status_code == 201
        assert put_photo(auditor, audit_id).status_code == 201
    many = statements_of(app, lambda: auditor.get("/api/v1/audits"))
    assert len(many) == len(one)


def test_revisions_cost_the_same_for_one_revision_or_many(app, login_as, store):
    auditor, audit_id = login_as("auditor"), new_uuid()
    admin = login_as("admin")
    assert auditor.put(f"/api/v1/audits/{audit_id}", json=audit_body(store)).status_code == 201
    assert put_photo(auditor, audit_id).status_code == 201
    assert auditor.post(f"/api/v1/audits/{audit_id}/submit").status_code == 200
    url = f"/api/v1/audits/{audit_id}/revisions"
    one = statements_of(app, lambda: admin.get(url))
    for _ in range(3):
        review = {"decision": "return", "note": "Again."}
        assert admin.post(f"/api/v1/audits/{audit_id}/review", json=review).status_code == 200
        assert auditor.post(f"/api/v1/audits/{audit_id}/submit").status_code == 200
    many = statements_of(app, lambda: admin.get(url))
    assert len(admin.get(url).get_json()["items"]) == 4
    assert len(many) == len(one) <= 4, many
