"""export attempts

Revision ID: 9e4b1c7a2d58
Revises: d91b4e7f2a60
Create Date: 2026-12-03 08:40:00.000000

Written by hand. ``exports.attempts`` counts the runs claimed: a run lost with a killed
worker is claimed again by the redelivered task, up to ``exports.tasks.MAX_ATTEMPTS``.
"""
import sqlalchemy as sa
from alembic import op


# revision identifiers, used by Alembic.
revision = '9e4b1c7a2d58'
down_revision = 'd91b4e7f2a60'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('exports') as batch_op:
        batch_op.add_column(
            sa.Column('attempts', sa.Integer(), server_default='0', nullable=False)
        )


def downgrade():
    with op.batch_alter_table('exports') as batch_op:
        batch_op.drop_column('attempts')
