"""exports, and the inactivity warning on users

Revision ID: f3c1d9e8a7b6
Revises: e5a7c3b9d012
Create Date: 2026-12-02 07:00:00.000000

Written by hand. ``exports`` holds one row per export (its filters, never the matched
ids), its progress and where its file is stored. ``users.inactivity_warned_at`` records
the ACCOUNT_INACTIVE_DAYS warning mail so it is sent once.
"""
import sqlalchemy as sa
from alembic import op


# revision identifiers, used by Alembic.
revision = 'f3c1d9e8a7b6'
down_revision = 'e5a7c3b9d012'
branch_labels = None
depends_on = None

RESOURCE = sa.Enum('jobs', 'applications', 'account', name='export_resource')
FORMAT = sa.Enum('json', 'csv', 'pdf', 'zip', name='export_format')
STATUS = sa.Enum('queued', 'running', 'done', 'failed', 'expired', name='export_status')


def upgrade():
    op.create_table(
        'exports',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('owner_id', sa.Integer(), nullable=False),
        sa.Column('resource', RESOURCE, nullable=False),
        sa.Column('format', FORMAT, nullable=False),
        sa.Column('filters', sa.JSON(), nullable=False),
        sa.Column('fields', sa.JSON(), nullable=True),
        sa.Column('status', STATUS, nullable=False),
        sa.Column('progress', sa.Integer(), nullable=False),
        sa.Column('rows', sa.Integer(), nullable=False),
        sa.Column('size_bytes', sa.Integer(), nullable=True),
        sa.Column('storage_key', sa.String(length=255), nullable=True),
        sa.Column('storage_backend', sa.String(length=16), nullable=True),
        sa.Column('sha256', sa.String(length=64), nullable=True),
        sa.Column('error', sa.String(length=500), nullable=True),
        sa.Column('started_at', sa.DateTime(timezone=True), nullable=True),
        sa.Column('finished_at', sa.DateTime(timezone=True), nullable=True),
        sa.Column('expires_at', sa.DateTime(timezone=True), nullable=True),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(['owner_id'], ['users.id'], ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id'),
    )
    with op.batch_alter_table('exports', schema=None) as batch_op:
        batch_op.create_index('ix_exports_owner_id_id', ['owner_id', 'id'], unique=False)
        batch_op.create_index(
            'ix_exports_status_expires_at', ['status', 'expires_at'], unique=False
        )
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.add_column(
            sa.Column('inactivity_warned_at', sa.DateTime(timezone=True), nullable=True)
        )


def downgrade():
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.drop_column('inactivity_warned_at')
    with op.batch_alter_table('exports', schema=None) as batch_op:
        batch_op.drop_index('ix_exports_status_expires_at')
        batch_op.drop_index('ix_exports_owner_id_id')
    op.drop_table('exports')
    STATUS.drop(op.get_bind(), checkfirst=True)
    FORMAT.drop(op.get_bind(), checkfirst=True)
    RESOURCE.drop(op.get_bind(), checkfirst=True)
