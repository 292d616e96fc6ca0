"""external identities (token exchange)

Revision ID: a4e2b7c91d05
Revises: f3c1d9e8a7b6
Create Date: 2026-12-02 18:30:00.000000

Written by hand. ``external_identities`` links an identity provider's subject (``sub``)
to an account: one row per (provider, subject), the token's last email, when it was
linked and last used.
"""
import sqlalchemy as sa
from alembic import op


# revision identifiers, used by Alembic.
revision = 'a4e2b7c91d05'
down_revision = 'a9d4e2f7c315'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'external_identities',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('user_id', sa.Integer(), nullable=False),
        sa.Column('provider', sa.String(length=32), nullable=False),
        sa.Column('subject', sa.String(length=255), nullable=False),
        sa.Column('email', sa.String(length=320), nullable=False),
        sa.Column('linked_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('last_used_at', sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(['user_id'], ['users.id'], ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id'),
        sa.UniqueConstraint(
            'provider', 'subject', name='uq_external_identities_provider_subject'
        ),
    )
    with op.batch_alter_table('external_identities', schema=None) as batch_op:
        batch_op.create_index('ix_external_identities_user_id', ['user_id'], unique=False)


def downgrade():
    with op.batch_alter_table('external_identities', schema=None) as batch_op:
        batch_op.drop_index('ix_external_identities_user_id')
    op.drop_table('external_identities')
