"""auth sessions: the account_deactivated end reason (an admin deactivated the account)

Revision ID: 8b4d2e3f0a51
Revises: 7a3c1d2e9f40
Create Date: 2026-12-02 03:20:00.000000

Written by hand. PostgreSQL adds the enum value (it cannot drop one: the downgrade
leaves it); SQLite stores the enum as text and needs nothing.
"""
from alembic import op


# revision identifiers, used by Alembic.
revision = '8b4d2e3f0a51'
down_revision = '7a3c1d2e9f40'
branch_labels = None
depends_on = None


def upgrade():
    if op.get_bind().dialect.name == 'postgresql':
        op.execute("ALTER TYPE session_end_reason ADD VALUE IF NOT EXISTS 'account_deactivated'")


def downgrade():
    pass
