"""analytics: live applications by creation time, undone applications by id

Revision ID: c4a8e1f07b92
Revises: b7d2e5a9c310
Create Date: 2026-12-03 13:40:00.000000

Written by hand. Two partial indexes for the platform dashboard: its applications per day
and in the previous range are counted from ``ix_applications_live_created_at`` alone (an
index-only scan, no heap visit to check ``deleted_at``), and its hires leave out the
undone applications with an anti-join on ``ix_applications_deleted_id``, which holds only
those (usually none).
"""
import sqlalchemy as sa
from alembic import op


# revision identifiers, used by Alembic.
revision = 'c4a8e1f07b92'
down_revision = 'b7d2e5a9c310'
branch_labels = None
depends_on = None

LIVE = "deleted_at IS NULL"
UNDONE = "deleted_at IS NOT NULL"


def upgrade():
    with op.batch_alter_table('applications') as batch_op:
        batch_op.create_index(
            'ix_applications_live_created_at',
            ['created_at'],
            unique=False,
            postgresql_where=sa.text(LIVE),
            sqlite_where=sa.text(LIVE),
        )
        batch_op.create_index(
            'ix_applications_deleted_id',
            ['id'],
            unique=False,
            postgresql_where=sa.text(UNDONE),
            sqlite_where=sa.text(UNDONE),
        )


def downgrade():
    with op.batch_alter_table('applications') as batch_op:
        batch_op.drop_index('ix_applications_deleted_id')
        batch_op.drop_index('ix_applications_live_created_at')
