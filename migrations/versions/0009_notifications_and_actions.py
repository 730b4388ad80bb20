"""Email preferences and corrective actions people can work with (DESIGN §10.7): one open
action per store and question or section (the audits that failed it in audit_actions), a
priority, comments, reminders sent once; the checklist's alert_threshold and action_due_days.

Open copies of one store's question or section are merged into the oldest: its audits join it
and the copies are closed with a note naming it, so the unique index can be built.

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-01 18:40:00

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None

OPEN_ONLY = sa.text("status = 'open'")


def upgrade():
    with op.batch_alter_table("checklists", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("alert_threshold", sa.Double(), server_default="60", nullable=False)
        )
        batch_op.add_column(
            sa.Column("action_due_days", sa.Integer(), server_default="14", nullable=False)
        )
    with op.batch_alter_table("corrective_actions", schema=None) as batch_op:
        batch_op.add_column(sa.Column("subject", sa.String(length=80), nullable=True))
        batch_op.add_column(
            sa.Column("priority", sa.String(length=16), server_default="normal", nullable=False)
        )
        batch_op.add_column(sa.Column("due_soon_sent_at", sa.DateTime(timezone=True)))
        batch_op.add_column(sa.Column("overdue_sent_at", sa.DateTime(timezone=True)))
    op.execute(
        "UPDATE corrective_actions SET subject = COALESCE(question_key, "
        "'section:' || COALESCE(section_key, ''))"
    )
    with op.batch_alter_table("corrective_actions", schema=None) as batch_op:
        batch_op.alter_column("subject", existing_type=sa.String(length=80), nullable=False)
    _create_links_and_comments()
    _merge_open_copies()
    with op.batch_alter_table("corrective_actions", schema=None) as batch_op:
        batch_op.create_index(
            "ux_corrective_actions_open_subject",
            ["location_id", "subject"],
            unique=True,
            sqlite_where=OPEN_ONLY,
            postgresql_where=OPEN_ONLY,
        )
    _create_email_preferences()


def _create_links_and_comments():
    op.create_table(
        "audit_actions",
        sa.Column("action_id", sa.Integer(), nullable=False),
        sa.Column("audit_id", sa.Uuid(), nullable=False),
        sa.ForeignKeyConstraint(
            ["action_id"],
            ["corrective_actions.id"],
            name=op.f("fk_audit_actions_action_id_corrective_actions"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["audit_id"],
            ["audits.id"],
            name=op.f("fk_audit_actions_audit_id_audits"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("action_id", "audit_id", name=op.f("pk_audit_actions")),
    )
    with op.batch_alter_table("audit_actions", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_audit_actions_audit_id"), ["audit_id"], unique=False)
    op.execute(
        "INSERT INTO audit_actions (action_id, audit_id) SELECT id, audit_id FROM corrective_actions"
    )
    op.create_table(
        "action_comments",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("action_id", sa.Integer(), nullable=False),
        sa.Column("author_id", sa.Integer(), nullable=True),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["action_id"],
            ["corrective_actions.id"],
            name=op.f("fk_action_comments_action_id_corrective_actions"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["author_id"], ["users.id"], name=op.f("fk_action_comments_author_id_users")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_action_comments")),
    )
    with op.batch_alter_table("action_comments", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_action_comments_action_id"), ["action_id"], unique=False
        )


def _merge_open_copies():
    """Each open copy of a store's question or section joins the oldest open one."""
    connection = op.get_bind()
    rows = connection.execute(
        sa.text(
            "SELECT id, location_id, subject FROM corrective_actions "
            "WHERE status = 'open' ORDER BY id"
        )
    ).all()
    kept: dict[tuple[int, str], int] = {}
    for action_id, location_id, subject in rows:
        first = kept.setdefault((location_id, subject), action_id)
        if first == action_id:
            continue
        connection.execute(
            sa.text(
                "INSERT INTO audit_actions (action_id, audit_id) SELECT :first, audit_id "
                "FROM audit_actions WHERE action_id = :copy AND audit_id NOT IN "
                "(SELECT audit_id FROM audit_actions WHERE action_id = :first)"
            ),
            {"first": first, "copy": action_id},
        )
        connection.execute(
            sa.text("UPDATE corrective_actions SET status = 'done', note = :note WHERE id = :copy"),
            {"copy": action_id, "note": f"A repeat: followed up in action {first}."},
        )


def _create_email_preferences():
    op.create_table(
        "email_preferences",
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("off", sa.JSON(), nullable=False),
        sa.Column("digest", sa.Boolean(), nullable=False),
        sa.Column("digest_sent_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["users.id"],
            name=op.f("fk_email_preferences_user_id_users"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("user_id", name=op.f("pk_email_preferences")),
    )


def downgrade():
    op.drop_table("email_preferences")
    with op.batch_alter_table("action_comments", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_action_comments_action_id"))
    op.drop_table("action_comments")
    with op.batch_alter_table("audit_actions", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_audit_actions_audit_id"))
    op.drop_table("audit_actions")
    with op.batch_alter_table("corrective_actions", schema=None) as batch_op:
        batch_op.drop_index("ux_corrective_actions_open_subject")
        batch_op.drop_column("overdue_sent_at")
        batch_op.drop_column("due_soon_sent_at")
        batch_op.drop_column("priority")
        batch_op.drop_column("subject")
    # not in batch: SQLite would copy the table, which audits and assignments refer to
    op.drop_column("checklists", "action_due_days")
    op.drop_column("checklists", "alert_threshold")
