"""photo_reused reads candidates from the indexes alone: each 16-bit quarter's index carries
the hash and the audit (DESIGN §10.3; at 1M photos a table read per candidate cost more than
the 50 ms a check may take).

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-01 16:50:00

"""

from alembic import op

# revision identifiers, used by Alembic.
revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None

QUARTERS = range(4)


def upgrade():
    with op.batch_alter_table("photos", schema=None) as batch_op:
        for i in QUARTERS:
            batch_op.drop_index(f"ix_photos_phash_q{i}")
            batch_op.create_index(
                f"ix_photos_phash_q{i}", [f"phash_q{i}", "phash", "audit_id"], unique=False
            )


def downgrade():
    with op.batch_alter_table("photos", schema=None) as batch_op:
        for i in QUARTERS:
            batch_op.drop_index(f"ix_photos_phash_q{i}")
            batch_op.create_index(f"ix_photos_phash_q{i}", [f"phash_q{i}"], unique=False)
