"""Schedules of visits (DESIGN §10.8).

Placeholder in the chain until its issue fills it in: it changes nothing yet.

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-01 19:00:00

"""

# revision identifiers, used by Alembic.
revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None


def upgrade():
    pass


def downgrade():
    pass
