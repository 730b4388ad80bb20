"""Disputes and lead staff (DESIGN §10.4).

Placeholder in the chain until its issue fills it in: it changes nothing yet.

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-01 18:40:00

"""

# revision identifiers, used by Alembic.
revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade():
    pass


def downgrade():
    pass
