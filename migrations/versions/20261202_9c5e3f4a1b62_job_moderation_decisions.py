"""jobs: the moderation decision history (who, when, decision, reason code, message)

Revision ID: 9c5e3f4a1b62
Revises: 8b4d2e3f0a51
Create Date: 2026-12-02 03:30:00.000000

Written by hand. Jobs decided before this revision keep their latest decision on the
job row only (moderated_at, moderated_by_id, moderation_reason).
"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '9c5e3f4a1b62'
down_revision = '8b4d2e3f0a51'
branch_labels = None
depends_on = None

CODES = ('spam', 'scam', 'discriminatory', 'misleading', 'duplicate', 'incomplete', 'other')


def upgrade():
    op.create_table(
        'job_moderation_decisions',
        sa.Column('job_id', sa.Integer(), nullable=False),
        sa.Column('actor_id', sa.Integer(), nullable=True),
        sa.Column('decision', sa.Enum('approve', 'reject', name='moderation_decision'), nullable=False),
        sa.Column('reason_code', sa.Enum(*CODES, name='moderation_reason_code'), nullable=True),
        sa.Column('message', sa.Text(), nullable=True),
        sa.Column('from_status', sa.String(length=20), nullable=False),
        sa.Column('pending_since', sa.DateTime(timezone=True), nullable=True),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('id', sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ['actor_id'], ['users.id'],
            name=op.f('fk_job_moderation_decisions_actor_id_users'), ondelete='SET NULL',
        ),
        sa.ForeignKeyConstraint(
            ['job_id'], ['jobs.id'],
            name=op.f('fk_job_moderation_decisions_job_id_jobs'), ondelete='CASCADE',
        ),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_job_moderation_decisions')),
    )
    with op.batch_alter_table('job_moderation_decisions', schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f('ix_job_moderation_decisions_actor_id'), ['actor_id'], unique=False
        )
        batch_op.create_index(
            batch_op.f('ix_job_moderation_decisions_created_at'), ['created_at'], unique=False
        )
        batch_op.create_index(
            'ix_job_moderation_decisions_job_id_id', ['job_id', 'id'], unique=False
        )


def downgrade():
    op.drop_table('job_moderation_decisions')
    sa.Enum(name='moderation_reason_code').drop(op.get_bind(), checkfirst=True)
    sa.Enum(name='moderation_decision').drop(op.get_bind(), checkfirst=True)
