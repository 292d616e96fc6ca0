"""resume skill evidence: where each skill was found, its weight, what implied it

Revision ID: 5e1f0c7a9b21
Revises: 12ab3a641330
Create Date: 2026-12-01 22:50:00

Rows analysed before this revision get weight 1 and no evidence; re-analysing a resume
fills them in.
"""
from alembic import op
import sqlalchemy as sa


revision = '5e1f0c7a9b21'
down_revision = '12ab3a641330'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('resume_skills', schema=None) as batch_op:
        batch_op.add_column(
            sa.Column('weight', sa.Float(), nullable=False, server_default=sa.text('1'))
        )
        batch_op.add_column(
            sa.Column('evidence', sa.JSON(), nullable=False, server_default=sa.text("'[]'"))
        )
        batch_op.add_column(
            sa.Column('implied_by', sa.JSON(), nullable=False, server_default=sa.text("'[]'"))
        )


def downgrade():
    with op.batch_alter_table('resume_skills', schema=None) as batch_op:
        batch_op.drop_column('implied_by')
        batch_op.drop_column('evidence')
        batch_op.drop_column('weight')
