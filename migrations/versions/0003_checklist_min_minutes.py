"""Checklists say how long a visit lasts at least (DESIGN §10.1: `min_minutes`, default 0).

Revision ID: 0003
Revises: 0002
Create Date: 2026-12-01 15:50:00

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("checklists", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("min_minutes", sa.Integer(), server_default="0", nullable=False)
        )


def downgrade():
    with op.batch_alter_table("checklists", schema=None) as batch_op:
        batch_op.drop_column("min_minutes")
