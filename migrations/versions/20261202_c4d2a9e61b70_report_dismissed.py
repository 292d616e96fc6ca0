"""moderation: a report can be dismissed (SPEC §8 reports: resolve or dismiss)

Revision ID: c4d2a9e61b70
Revises: 4d97d43f8645
Create Date: 2026-12-02 03:00:00.000000

Written by hand. PostgreSQL gets the new value of the ``job_report_status`` type; SQLite
stores the enum as a VARCHAR as long as its longest value (8), so the column is widened
to hold ``dismissed`` (a batch rebuild; the schema check compares the length). A downgrade
turns dismissed reports back into resolved ones (PostgreSQL cannot drop an enum value;
the type keeps it).
"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'c4d2a9e61b70'
down_revision = '4d97d43f8645'
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
    op.execute("UPDATE job_reports SET status = 'resolved' WHERE status = 'dismissed'")
    if op.get_bind().dialect.name != 'postgresql':
        _sqlite_column(OLD, NEW)
