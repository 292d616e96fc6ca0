"""application imports

Revision ID: d91b4e7f2a60
Revises: c7d2e9a41b38
Create Date: 2026-12-03 09:00:00.000000

Written by hand. ``applications.import_id`` and ``users.import_id`` name the import that
created an application or a candidate account; ``applications.deleted_at`` is the soft
delete of an import's undo (and a soft-deleted application no longer blocks a new one:
the partial unique index skips it); ``imports.progress`` is 0-100.
"""
import sqlalchemy as sa
from alembic import op


# revision identifiers, used by Alembic.
revision = 'd91b4e7f2a60'
down_revision = 'c7d2e9a41b38'
branch_labels = None
depends_on = None

_STATUSES = "'applied', 'hired', 'interviewing', 'offered', 'screening'"
OLD_ACTIVE = f"status IN ({_STATUSES})"
NEW_ACTIVE = f"status IN ({_STATUSES}) AND deleted_at IS NULL"
INDEX = 'uq_applications_active_candidate_job'


def _unique(predicate):
    op.create_index(
        INDEX,
        'applications',
        ['candidate_id', 'job_id'],
        unique=True,
        postgresql_where=sa.text(predicate),
        sqlite_where=sa.text(predicate),
    )


def upgrade():
    op.add_column('applications', sa.Column('import_id', sa.Integer(), nullable=True))
    op.add_column(
        'applications', sa.Column('deleted_at', sa.DateTime(timezone=True), nullable=True)
    )
    op.create_index('ix_applications_import_id', 'applications', ['import_id'], unique=False)
    op.drop_index(INDEX, table_name='applications')
    _unique(NEW_ACTIVE)
    op.add_column('users', sa.Column('import_id', sa.Integer(), nullable=True))
    op.create_index('ix_users_import_id', 'users', ['import_id'], unique=False)
    op.add_column(
        'imports', sa.Column('progress', sa.Integer(), server_default='0', nullable=False)
    )


def downgrade():
    # Not in batch mode: SQLite's own ALTER TABLE DROP COLUMN does it in place.
    op.drop_column('imports', 'progress')
    op.drop_index('ix_users_import_id', table_name='users')
    op.drop_column('users', 'import_id')
    op.drop_index(INDEX, table_name='applications')
    _unique(OLD_ACTIVE)
    op.drop_index('ix_applications_import_id', table_name='applications')
    op.drop_column('applications', 'deleted_at')
    op.drop_column('applications', 'import_id')
