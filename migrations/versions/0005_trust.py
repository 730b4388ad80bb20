"""Trust in the numbers (DESIGN §10.1-10.3): revisions, the latest review with its per-question
notes, visit-confidence signals, folded texts, photo perceptual hashes, opening hours.

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-01 16:15:28.417419

"""

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

JSON = sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql")

# revision identifiers, used by Alembic.
revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "audit_revisions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("audit_id", sa.Uuid(), nullable=False),
        sa.Column("number", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("by_id", sa.Integer(), nullable=True),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("changes", JSON, nullable=False),
        sa.ForeignKeyConstraint(
            ["audit_id"],
            ["audits.id"],
            name=op.f("fk_audit_revisions_audit_id_audits"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["by_id"], ["users.id"], name=op.f("fk_audit_revisions_by_id_users")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_audit_revisions")),
        sa.UniqueConstraint("audit_id", "number", name=op.f("uq_audit_revisions_audit_id_number")),
    )
    op.create_table(
        "audit_signals",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("audit_id", sa.Uuid(), nullable=False),
        sa.Column("code", sa.String(length=32), nullable=False),
        sa.Column("detail", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(
            ["audit_id"],
            ["audits.id"],
            name=op.f("fk_audit_signals_audit_id_audits"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_audit_signals")),
    )
    with op.batch_alter_table("audit_signals", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_audit_signals_audit_id"), ["audit_id"], unique=False)
        batch_op.create_index("ix_audit_signals_code_audit", ["code", "audit_id"], unique=False)

    op.create_table(
        "audit_texts",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("audit_id", sa.Uuid(), nullable=False),
        sa.Column("source", sa.String(length=64), nullable=False),
        sa.Column("digest", sa.String(length=64), nullable=False),
        sa.ForeignKeyConstraint(
            ["audit_id"],
            ["audits.id"],
            name=op.f("fk_audit_texts_audit_id_audits"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_audit_texts")),
    )
    with op.batch_alter_table("audit_texts", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_audit_texts_audit_id"), ["audit_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_audit_texts_digest"), ["digest"], unique=False)

    with op.batch_alter_table("audits", schema=None) as batch_op:
        batch_op.add_column(sa.Column("review_decision", sa.String(length=16), nullable=True))
        # existing audits have no per-question notes
        batch_op.add_column(
            sa.Column("review_questions", JSON, nullable=False, server_default=sa.text("'{}'"))
        )

    # audits reviewed before now read with the decision their status shows
    for status, decision in (("approved", "approve"), ("returned", "return")):
        op.execute(
            sa.text(
                "UPDATE audits SET review_decision = :decision"
                " WHERE status = :status AND reviewed_at IS NOT NULL"
            ).bindparams(decision=decision, status=status)
        )

    with op.batch_alter_table("locations", schema=None) as batch_op:
        batch_op.add_column(sa.Column("opening_hours", JSON, nullable=True))

    with op.batch_alter_table("photos", schema=None) as batch_op:
        batch_op.add_column(sa.Column("phash", sa.BigInteger(), nullable=True))
        batch_op.add_column(sa.Column("phash_q0", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("phash_q1", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("phash_q2", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("phash_q3", sa.Integer(), nullable=True))
        batch_op.create_index(batch_op.f("ix_photos_phash_q0"), ["phash_q0"], unique=False)
        batch_op.create_index(batch_op.f("ix_photos_phash_q1"), ["phash_q1"], unique=False)
        batch_op.create_index(batch_op.f("ix_photos_phash_q2"), ["phash_q2"], unique=False)
        batch_op.create_index(batch_op.f("ix_photos_phash_q3"), ["phash_q3"], unique=False)


def downgrade():
    with op.batch_alter_table("photos", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_photos_phash_q3"))
        batch_op.drop_index(batch_op.f("ix_photos_phash_q2"))
        batch_op.drop_index(batch_op.f("ix_photos_phash_q1"))
        batch_op.drop_index(batch_op.f("ix_photos_phash_q0"))
        batch_op.drop_column("phash_q3")
        batch_op.drop_column("phash_q2")
        batch_op.drop_column("phash_q1")
        batch_op.drop_column("phash_q0")
        batch_op.drop_column("phash")

    with op.batch_alter_table("locations", schema=None) as batch_op:
        batch_op.drop_column("opening_hours")

    with op.batch_alter_table("audits", schema=None) as batch_op:
        batch_op.drop_column("review_questions")
        batch_op.drop_column("review_decision")

    with op.batch_alter_table("audit_texts", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_audit_texts_digest"))
        batch_op.drop_index(batch_op.f("ix_audit_texts_audit_id"))

    op.drop_table("audit_texts")
    with op.batch_alter_table("audit_signals", schema=None) as batch_op:
        batch_op.drop_index("ix_audit_signals_code_audit")
        batch_op.drop_index(batch_op.f("ix_audit_signals_audit_id"))

    op.drop_table("audit_signals")
    op.drop_table("audit_revisions")
