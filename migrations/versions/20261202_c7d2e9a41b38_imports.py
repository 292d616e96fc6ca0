"""imports

Revision ID: c7d2e9a41b38
Revises: a4e2b7c91d05
Create Date: 2026-12-02 19:00:00.000000

Written by hand. ``imports`` holds each CSV import (the file, its status and counts, the
refused rows); ``jobs.import_id`` names the import that created a job (undo).
"""
import sqlalchemy as sa
from alembic import op


# revision identifiers, used by Alembic.
revision = 'c7d2e9a41b38'
down_revision = 'a4e2b7c91d05'
branch_labels = None
depends_on = None

RESOURCE = sa.Enum('jobs', 'applications', name='import_resource')
STATUS = sa.Enum(
    'queued', 'validating', 'validated', 'importing', 'done', 'failed', 'undone',
    name='import_status',
)


def upgrade():
    op.create_table(
        'imports',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('company_id', sa.Integer(), nullable=False),
        sa.Column('owner_id', sa.Integer(), nullable=True),
        sa.Column('resource', RESOURCE, nullable=False),
        sa.Column('status', STATUS, nullable=False),
        sa.Column('dry_run', sa.Boolean(), nullable=False),
        sa.Column('skip_invalid', sa.Boolean(), nullable=False),
        sa.Column('confirmed', sa.Boolean(), nullable=False),
        sa.Column('idempotency_key', sa.String(length=200), nullable=True),
        sa.Column('filename', sa.String(length=255), nullable=True),
        sa.Column('content', sa.Text(), nullable=False),
        sa.Column('total', sa.Integer(), nullable=False),
        sa.Column('valid', sa.Integer(), nullable=False),
        sa.Column('invalid', sa.Integer(), nullable=False),
        sa.Column('created', sa.Integer(), nullable=False),
        sa.Column('errors', sa.JSON(), nullable=False),
        sa.Column('error', sa.String(length=500), nullable=True),
        sa.Column('finished_at', sa.DateTime(timezone=True), nullable=True),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(['company_id'], ['companies.id'], ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['owner_id'], ['users.id'], ondelete='SET NULL'),
        sa.PrimaryKeyConstraint('id'),
        sa.UniqueConstraint('company_id', 'idempotency_key', name='uq_imports_company_id_key'),
    )
    with op.batch_alter_table('imports', schema=None) as batch_op:
        batch_op.create_index('ix_imports_company_id_id', ['company_id', 'id'], unique=False)
        batch_op.create_index('ix_imports_owner_id', ['owner_id'], unique=False)
    with op.batch_alter_table('jobs', schema=None) as batch_op:
        batch_op.add_column(sa.Column('import_id', sa.Integer(), nullable=True))
        batch_op.create_index('ix_jobs_import_id', ['import_id'], unique=False)


def downgrade():
    # Not in batch mode: SQLite's batch would copy the table, generated columns included
    # (which it refuses); its own ALTER TABLE DROP COLUMN does it in place.
    op.drop_index('ix_jobs_import_id', table_name='jobs')
    op.drop_column('jobs', 'import_id')
    with op.batch_alter_table('imports', schema=None) as batch_op:
        batch_op.drop_index('ix_imports_owner_id')
        batch_op.drop_index('ix_imports_company_id_id')
    op.drop_table('imports')
    STATUS.drop(op.get_bind(), checkfirst=True)
    RESOURCE.drop(op.get_bind(), checkfirst=True)
