"""auth sessions: the account_deactivated end reason (an admin deactivated the account)

Revision ID: 8b4d2e3f0a51
Revises: 7a3c1d2e9f40
Create Date: 2026-12-02 03:20:00.000000

Written by hand. PostgreSQL adds the enum value (it cannot drop one: the downgrade
leaves it); SQLite stores the enum as a VARCHAR as long as its longest value, so the
column is widened (a batch rebuild of the table).
"""
from alembic import op
import sqlalchemy as sa

OLD = ('logout', 'ended', 'password_changed', 'password_reset', 'token_reuse', 'account_deleted')
NEW = OLD + ('account_deactivated',)


# revision identifiers, used by Alembic.
revision = '8b4d2e3f0a51'
down_revision = '7a3c1d2e9f40'
branch_labels = None
depends_on = None


def _sqlite_column(values):
    with op.batch_alter_table('auth_sessions', schema=None) as batch_op:
        batch_op.alter_column(
            'end_reason',
            existing_type=sa.Enum(*OLD if values is NEW else NEW, name='session_end_reason'),
            type_=sa.Enum(*values, name='session_end_reason'),
            existing_nullable=True,
        )


def upgrade():
    if op.get_bind().dialect.name == 'postgresql':
        op.execute("ALTER TYPE session_end_reason ADD VALUE IF NOT EXISTS 'account_deactivated'")
    else:
        _sqlite_column(NEW)


def downgrade():
    if op.get_bind().dialect.name != 'postgresql':
        _sqlite_column(OLD)
