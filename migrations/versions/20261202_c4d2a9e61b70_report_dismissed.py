"""moderation: a report can be dismissed (SPEC §8 reports: resolve or dismiss)

Revision ID: c4d2a9e61b70
Revises: 4d97d43f8645
Create Date: 2026-12-02 03:00:00.000000

Written by hand. PostgreSQL gets the new value of the ``job_report_status`` type; SQLite
stores the enum as VARCHAR without a CHECK constraint, so it needs nothing. A downgrade
turns dismissed reports back into resolved ones (PostgreSQL cannot drop an enum value;
the type keeps it).
"""
from alembic import op


# revision identifiers, used by Alembic.
revision = 'c4d2a9e61b70'
down_revision = '4d97d43f8645'
branch_labels = None
depends_on = None


def upgrade():
    if op.get_bind().dialect.name == 'postgresql':
        op.execute("ALTER TYPE job_report_status ADD VALUE IF NOT EXISTS 'dismissed'")


def downgrade():
    op.execute("UPDATE job_reports SET status = 'resolved' WHERE status = 'dismissed'")
