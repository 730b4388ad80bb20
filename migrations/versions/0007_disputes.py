"""Disputes and lead staff (DESIGN §10.4): a staff member may lead their store; a store's
lead or a manager of its region disputes one answer of an approved audit, an admin settles it.

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-01 18:40:00

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("users", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("lead", sa.Boolean(), server_default=sa.false(), nullable=False)
        )


def downgrade():
    with op.batch_alter_table("users", schema=None) as batch_op:
        batch_op.drop_column("lead")
