"""users: trigram indexes for the admin panel's search (email or name contains)

Revision ID: e5a7c3b9d012
Revises: 4d97d43f8645
Create Date: 2026-12-02 04:00:00.000000

Written by hand. The panel's user search is ``ILIKE '%…%'`` on ``email`` and
``full_name``; GIN trigram indexes serve it on PostgreSQL (``pg_trgm`` is already
installed for ``ix_jobs_title``). On SQLite they are plain b-trees (LIKE cannot use them),
kept so that both schemas have the same index names.
"""
from alembic import op


# revision identifiers, used by Alembic.
revision = 'e5a7c3b9d012'
down_revision = '4d97d43f8645'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.create_index(
            'ix_users_email_trgm',
            ['email'],
            unique=False,
            postgresql_using='gin',
            postgresql_ops={'email': 'gin_trgm_ops'},
        )
        batch_op.create_index(
            'ix_users_full_name_trgm',
            ['full_name'],
            unique=False,
            postgresql_using='gin',
            postgresql_ops={'full_name': 'gin_trgm_ops'},
        )


def downgrade():
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.drop_index('ix_users_full_name_trgm', postgresql_using='gin')
        batch_op.drop_index('ix_users_email_trgm', postgresql_using='gin')
