"""Webhooks and their deliveries (DESIGN §10.7).

Placeholder in the chain until its issue fills it in: it changes nothing yet.

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-01 18:40:00

"""

# revision identifiers, used by Alembic.
revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None


def upgrade():
    pass


def downgrade():
    pass
