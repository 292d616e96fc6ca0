"""analytics: application source, and the indexes the analytics queries read

Revision ID: 5b7e2c9d41aa
Revises: 5e1f0c7a9b21
Create Date: 2026-12-01 22:40:00.000000

Written by hand. ``applications.source`` (SPEC §4) is NOT NULL with a server default of
``direct``, so existing rows read as direct applications. The indexes serve the
date-range scans of ``jobhub/analytics/queries.py``: a job's applications by date, all
applications by date, a history in time order, hires per day, signups per day and
accounts per role, live jobs per state, posted and moderated per day (partial indexes
over rows not deleted, so the counts are index-only scans), and titles containing a
desired role (trigrams on PostgreSQL; a plain b-tree on SQLite, which LIKE cannot use,
kept for one schema).
"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '5b7e2c9d41aa'
down_revision = '5e1f0c7a9b21'
branch_labels = None
depends_on = None

SOURCES = ('search', 'saved_search', 'recommendation', 'direct', 'referral', 'import')


def upgrade():
    source = sa.Enum(*SOURCES, name='application_source')
    source.create(op.get_bind(), checkfirst=True)
    with op.batch_alter_table('applications', schema=None) as batch_op:
        batch_op.add_column(
            sa.Column('source', source, server_default='direct', nullable=False)
        )
        batch_op.create_index('ix_applications_job_id_created_at', ['job_id', 'created_at'], unique=False)
        batch_op.create_index('ix_applications_created_at', ['created_at'], unique=False)

    with op.batch_alter_table('application_events', schema=None) as batch_op:
        batch_op.create_index(
            'ix_application_events_application_id_created_at',
            ['application_id', 'created_at', 'id'],
            unique=False,
        )
        batch_op.create_index(
            'ix_application_events_to_status_created_at', ['to_status', 'created_at'], unique=False
        )

    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.create_index('ix_users_created_at', ['created_at'], unique=False)
        batch_op.create_index(
            'ix_users_live_role', ['role'], unique=False,
            postgresql_where=sa.text('deleted_at IS NULL'), sqlite_where=sa.text('deleted_at IS NULL'),
        )

    with op.batch_alter_table('jobs', schema=None) as batch_op:
        batch_op.create_index(
            'ix_jobs_live_published_at', ['published_at'], unique=False,
            postgresql_where=sa.text('deleted_at IS NULL'), sqlite_where=sa.text('deleted_at IS NULL'),
        )
        batch_op.create_index(
            'ix_jobs_live_state', ['status', 'moderation_status'], unique=False,
            postgresql_where=sa.text('deleted_at IS NULL'), sqlite_where=sa.text('deleted_at IS NULL'),
        )
        batch_op.create_index('ix_jobs_moderated_at', ['moderated_at'], unique=False)
        batch_op.create_index(
            'ix_jobs_title',
            ['title'],
            unique=False,
            postgresql_using='gin',
            postgresql_ops={'title': 'gin_trgm_ops'},
        )


def downgrade():
    with op.batch_alter_table('jobs', schema=None) as batch_op:
        batch_op.drop_index('ix_jobs_title', postgresql_using='gin', postgresql_ops={'title': 'gin_trgm_ops'})
        batch_op.drop_index('ix_jobs_moderated_at')
        batch_op.drop_index('ix_jobs_live_state')
        batch_op.drop_index('ix_jobs_live_published_at')

    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.drop_index('ix_users_live_role')
        batch_op.drop_index('ix_users_created_at')

    with op.batch_alter_table('application_events', schema=None) as batch_op:
        batch_op.drop_index('ix_application_events_to_status_created_at')
        batch_op.drop_index('ix_application_events_application_id_created_at')

    with op.batch_alter_table('applications', schema=None) as batch_op:
        batch_op.drop_index('ix_applications_created_at')
        batch_op.drop_index('ix_applications_job_id_created_at')
        batch_op.drop_column('source')
    sa.Enum(name='application_source').drop(op.get_bind(), checkfirst=True)
