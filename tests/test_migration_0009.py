"""Migration 0009 on a database that already holds corrective actions: open copies of one store's
question or section are merged into the oldest (their audits join it, the copies close with a
note naming it), so the one-open-action index can be built; and it downgrades cleanly."""

import os
import secrets
from collections.abc import Iterator

import pytest
from flask_migrate import downgrade, upgrade
from sqlalchemy import create_engine, text

from auditor import create_app
from auditor.core.config import database_url
from auditor.core.extensions import db
from tests.api.audit_helpers import published_store
from tests.api.insight_helpers import approved
from tests.conftest import app_config
from tests.factories import UserFactory


@pytest.fixture
def fresh_uri(tmp_path) -> Iterator[str]:
    """A database of this test's own: a SQLite file, or a schema on TEST_DATABASE_URL."""
    url = os.environ.get("TEST_DATABASE_URL")
    if not url:
        yield f"sqlite:///{tmp_path / 'migrated.db'}"
        return
    url = database_url(url)
    schema = f"test_m_{os.getpid()}_{secrets.token_hex(3)}"
    engine = create_engine(url)
    with engine.begin() as connection:
        connection.execute(text(f"CREATE SCHEMA {schema}"))
    separator = "&" if "?" in url else "?"
    yield f"{url}{separator}options=-csearch_path%3D{schema}"
    with engine.begin() as connection:
        connection.execute(text(f"DROP SCHEMA {schema} CASCADE"))
    engine.dispose()


INSERT = text(
    "INSERT INTO corrective_actions (location_id, audit_id, section_key, question_key, reason,"
    " due, status, note, created_at) VALUES (:location, :audit, :section, :question, :reason,"
    " :due, :status, '', :created)"
)


def test_open_copies_are_merged_into_the_oldest(fresh_uri, tmp_path):
    app = create_app(app_config(fresh_uri, str(tmp_path / "media")))
    with app.app_context():
        upgrade()
        store = published_store()
        auditor = UserFactory(role="auditor")
        audits = [
            approved(store, store.location_id, 50.0, days, auditor_id=auditor.id).id
            for days in (30, 20, 10)
        ]
        db.session.commit()
        downgrade(revision="0008")
        rows = [
            (audits[0], "greeting", "welcome", "open"),  # kept: the oldest open copy
            (audits[1], "greeting", "welcome", "open"),  # merged into it
            (audits[2], "greeting", "welcome", "open"),  # merged into it
            (audits[1], "greeting", None, "open"),  # the section: another subject
            (audits[0], "greeting", "welcome", "done"),  # done ones stay as they are
        ]
        with db.engine.begin() as connection:
            for audit, section, question, status in rows:
                connection.execute(
                    INSERT,
                    {
                        "location": store.location_id,
                        "audit": audit.hex if fresh_uri.startswith("sqlite") else audit,
                        "section": section,
                        "question": question,
                        "reason": "failed",
                        "due": "2026-12-01",
                        "status": status,
                        "created": "2026-11-01 10:00:00+00:00",
                    },
                )
        upgrade()
        with db.engine.connect() as connection:
            actions = connection.execute(
                text("SELECT id, subject, status, note FROM corrective_actions ORDER BY id")
            ).all()
            links = connection.execute(
                text("SELECT action_id, COUNT(*) FROM audit_actions GROUP BY action_id")
            ).all()
        ids = [row.id for row in actions]
        assert [(row.subject, row.status) for row in actions] == [
            ("welcome", "open"),
            ("welcome", "done"),
            ("welcome", "done"),
            ("section:greeting", "open"),
            ("welcome", "done"),
        ]
        assert actions[1].note == actions[2].note == f"A repeat: followed up in action {ids[0]}."
        assert dict(links) == {ids[0]: 3, ids[1]: 1, ids[2]: 1, ids[3]: 1, ids[4]: 1}
        downgrade(revision="0008")
        upgrade()
        db.session.remove()
        db.engine.dispose()
