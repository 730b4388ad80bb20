"""Schedules of visits (DESIGN §10.8): schedules with their locations and auditors, the days
auditors declare themselves away, and on assignments the schedule, the visit's occurrence and
daypart (unique per schedule, location and occurrence: the daily job creates each once) and an
auditor that may be empty (an open visit auditors may claim).

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-01 19:00:00

"""

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

JSON = sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql")

# revision identifiers, used by Alembic.
revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None


def _link_table(name: str, column: str, target: str) -> None:
    op.create_table(
        name,
        sa.Column("schedule_id", sa.Integer(), nullable=False),
        sa.Column(column, sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["schedule_id"],
            ["schedules.id"],
            name=op.f(f"fk_{name}_schedule_id_schedules"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            [column],
            [f"{target}.id"],
            name=op.f(f"fk_{name}_{column}_{target}"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("schedule_id", column, name=op.f(f"pk_{name}")),
    )


def upgrade():
    op.create_table(
        "schedules",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("checklist_id", sa.Integer(), nullable=False),
        sa.Column("every_days", sa.Integer(), nullable=False),
        sa.Column("min_gap_days", sa.Integer(), nullable=False),
        sa.Column("dayparts", JSON, nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("starts_on", sa.Date(), nullable=False),
        sa.Column("created_by_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["checklist_id"], ["checklists.id"], name=op.f("fk_schedules_checklist_id_checklists")
        ),
        sa.ForeignKeyConstraint(
            ["created_by_id"], ["users.id"], name=op.f("fk_schedules_created_by_id_users")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_schedules")),
    )
    _link_table("schedule_locations", "location_id", "locations")
    _link_table("schedule_auditors", "user_id", "users")
    op.create_table(
        "unavailability",
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("day", sa.Date(), nullable=False),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["users.id"],
            name=op.f("fk_unavailability_user_id_users"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("user_id", "day", name=op.f("pk_unavailability")),
    )
    with op.batch_alter_table("assignments", schema=None) as batch_op:
        batch_op.add_column(sa.Column("schedule_id", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("occurrence", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("daypart", sa.String(length=16), nullable=True))
        batch_op.add_column(sa.Column("reminded_at", sa.DateTime(timezone=True), nullable=True))
        batch_op.alter_column("auditor_id", existing_type=sa.Integer(), nullable=True)
        batch_op.create_foreign_key(
            batch_op.f("fk_assignments_schedule_id_schedules"),
            "schedules",
            ["schedule_id"],
            ["id"],
            ondelete="SET NULL",
        )
        batch_op.create_index(
            batch_op.f("ix_assignments_schedule_id"), ["schedule_id"], unique=False
        )
        batch_op.create_unique_constraint(
            batch_op.f("uq_assignments_schedule_id_location_id_occurrence"),
            ["schedule_id", "location_id", "occurrence"],
        )


def downgrade():
    op.execute("DELETE FROM assignments WHERE auditor_id IS NULL")
    with op.batch_alter_table("assignments", schema=None) as batch_op:
        batch_op.drop_constraint(
            batch_op.f("uq_assignments_schedule_id_location_id_occurrence"), type_="unique"
        )
        batch_op.drop_index(batch_op.f("ix_assignments_schedule_id"))
        batch_op.drop_constraint(
            batch_op.f("fk_assignments_schedule_id_schedules"), type_="foreignkey"
        )
        batch_op.alter_column("auditor_id", existing_type=sa.Integer(), nullable=False)
        batch_op.drop_column("reminded_at")
        batch_op.drop_column("daypart")
        batch_op.drop_column("occurrence")
        batch_op.drop_column("schedule_id")
    op.drop_table("unavailability")
    op.drop_table("schedule_auditors")
    op.drop_table("schedule_locations")
    op.drop_table("schedules")
