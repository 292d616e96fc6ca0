"""jobs.external_ref: a job's own reference in its company's systems

Revision ID: e2b6d8f0a914
Revises: c4e8a1f5b270
Create Date: 2026-12-03 13:45:00.000000

Written by hand. Nullable, unique per company (NULLs never clash); application imports
name a job by it (``job_reference``).
"""
import sqlalchemy as sa
from alembic import op


# revision identifiers, used by Alembic.
revision = 'e2b6d8f0a914'
down_revision = 'c4e8a1f5b270'
branch_labels = None
depends_on = None


def upgrade():
    # ADD COLUMN and CREATE INDEX: SQLite does both in place (a batch rebuild of jobs
    # would drop its FTS5 triggers).
    op.add_column('jobs', sa.Column('external_ref', sa.String(length=100), nullable=True))
    op.create_index(
        'ux_jobs_company_id_external_ref', 'jobs', ['company_id', 'external_ref'], unique=True
    )


def downgrade():
    op.drop_index('ux_jobs_company_id_external_ref', table_name='jobs')
    # SQLite >= 3.35 drops a column in place.
    op.drop_column('jobs', 'external_ref')
