"""API tokens remember the page session that minted them, so logging out ends them (DESIGN §5).

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-01 15:49:02

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade():
    # nullable: tokens from a password login (and every token issued before) belong to no session
    with op.batch_alter_table("api_tokens", schema=None) as batch_op:
        batch_op.add_column(sa.Column("session_version", sa.Integer(), nullable=True))


def downgrade():
    with op.batch_alter_table("api_tokens", schema=None) as batch_op:
        batch_op.drop_column("session_version")
