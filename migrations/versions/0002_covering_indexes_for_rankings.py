"""Covering indexes for rankings: the checklist joins the location- and window-led indexes.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-22 10:50:27.369817

"""

from alembic import op

# revision identifiers, used by Alembic.
revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("audits", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_audits_status_finished"))
        batch_op.drop_index(batch_op.f("ix_audits_status_location_finished"))
        batch_op.create_index(
            "ix_audits_ranking_by_location",
            ["status", "location_id", "finished_at", "checklist_id", "score_overall"],
            unique=False,
        )
        batch_op.create_index(
            "ix_audits_ranking_by_window",
            ["status", "finished_at", "checklist_id", "location_id", "score_overall"],
            unique=False,
        )


def downgrade():
    with op.batch_alter_table("audits", schema=None) as batch_op:
        batch_op.drop_index("ix_audits_ranking_by_window")
        batch_op.drop_index("ix_audits_ranking_by_location")
        batch_op.create_index(
            batch_op.f("ix_audits_status_location_finished"),
            ["status", "location_id", "finished_at", "score_overall"],
            unique=False,
        )
        batch_op.create_index(
            batch_op.f("ix_audits_status_finished"), ["status", "finished_at"], unique=False
        )
