"""import attempts

Revision ID: b7d2e5a9c310
Revises: 9e4b1c7a2d58
Create Date: 2026-12-03 10:00:00.000000

Written by hand. ``imports.attempts`` counts the runs claimed: a run lost with a killed
worker is claimed again by the redelivered task, up to ``imports.tasks.MAX_ATTEMPTS``.
"""
import sqlalchemy as sa
from alembic import op


# revision identifiers, used by Alembic.
revision = 'b7d2e5a9c310'
down_revision = '9e4b1c7a2d58'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('imports') as batch_op:
        batch_op.add_column(
            sa.Column('attempts', sa.Integer(), server_default='0', nullable=False)
        )


def downgrade():
    with op.batch_alter_table('imports') as batch_op:
        batch_op.drop_column('attempts')
