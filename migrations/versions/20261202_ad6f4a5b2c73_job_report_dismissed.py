"""job reports: the dismissed status (an admin found the report unfounded)

Revision ID: ad6f4a5b2c73
Revises: 9c5e3f4a1b62
Create Date: 2026-12-02 03:40:00.000000

Written by hand. PostgreSQL adds the enum value (never dropped); SQLite stores the
enum as a VARCHAR as long as its longest value, so the column is widened.
"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'ad6f4a5b2c73'
down_revision = '9c5e3f4a1b62'
branch_labels = None
depends_on = None

OLD = ('open', 'resolved')
NEW = OLD + ('dismissed',)


def _sqlite_column(values, previous):
    with op.batch_alter_table('job_reports', schema=None) as batch_op:
        batch_op.alter_column(
            'status',
            existing_type=sa.Enum(*previous, name='job_report_status'),
            type_=sa.Enum(*values, name='job_report_status'),
            existing_nullable=False,
        )


def upgrade():
    if op.get_bind().dialect.name == 'postgresql':
        op.execute("ALTER TYPE job_report_status ADD VALUE IF NOT EXISTS 'dismissed'")
    else:
        _sqlite_column(NEW, OLD)


def downgrade():
    if op.get_bind().dialect.name != 'postgresql':
        _sqlite_column(OLD, NEW)
