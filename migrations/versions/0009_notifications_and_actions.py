"""Email preferences and corrective actions people can work with (DESIGN §10.7).

Placeholder in the chain until its issue fills it in: it changes nothing yet.

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-01 18:40:00

"""

# revision identifiers, used by Alembic.
revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None


def upgrade():
    pass


def downgrade():
    pass
