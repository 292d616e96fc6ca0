"""audit log: the append-only, hash-chained table and its PostgreSQL trigger

Revision ID: 7a3c1d2e9f40
Revises: 5b7e2c9d41aa
Create Date: 2026-12-02 02:50:00.000000

Written by hand. The trigger refuses DELETE and every UPDATE except the redaction of
personal values (ip, personal, salt to NULL); see jobhub/audit/models.py. The SQL is
copied here (not imported) so the revision stays what it was when it shipped.
"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '7a3c1d2e9f40'
down_revision = '5b7e2c9d41aa'
branch_labels = None
depends_on = None

_FROZEN = (
    "id", "at", "actor_id", "actor_role", "action", "target_type", "target_id",
    "subject_id", "changes::text", "request_id", "personal_digest", "prev_hash", "hash",
)
_OLD = ", ".join(f"OLD.{c}" for c in _FROZEN)
_NEW = ", ".join(f"NEW.{c}" for c in _FROZEN)
POSTGRESQL_INSTALL = [
    f"""
CREATE OR REPLACE FUNCTION audit_log_append_only() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'UPDATE'
       AND ROW({_NEW}) IS NOT DISTINCT FROM ROW({_OLD})
       AND NEW.ip IS NULL AND NEW.personal IS NULL AND NEW.salt IS NULL
       AND (OLD.redacted_at IS NULL OR NEW.redacted_at = OLD.redacted_at)
    THEN
        RETURN NEW;
    END IF;
    RAISE EXCEPTION USING ERRCODE = 'insufficient_privilege',
        MESSAGE = 'audit_log is append-only: ' || TG_OP || ' refused';
END
$$
""",
    """
CREATE TRIGGER audit_log_append_only
BEFORE UPDATE OR DELETE ON audit_log
FOR EACH ROW EXECUTE FUNCTION audit_log_append_only()
""",
]


def upgrade():
    big_id = sa.BigInteger().with_variant(sa.Integer(), 'sqlite')
    op.create_table(
        'audit_log',
        sa.Column('id', big_id, nullable=False),
        sa.Column('at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('actor_id', sa.BigInteger(), nullable=True),
        sa.Column('actor_role', sa.String(length=20), nullable=False),
        sa.Column('action', sa.String(length=64), nullable=False),
        sa.Column('target_type', sa.String(length=40), nullable=True),
        sa.Column('target_id', sa.String(length=64), nullable=True),
        sa.Column('subject_id', sa.BigInteger(), nullable=True),
        sa.Column('changes', sa.JSON(), nullable=False),
        sa.Column('request_id', sa.String(length=128), nullable=True),
        sa.Column('ip', sa.String(length=64), nullable=True),
        sa.Column('personal', sa.JSON(), nullable=True),
        sa.Column('salt', sa.String(length=32), nullable=True),
        sa.Column('personal_digest', sa.String(length=64), nullable=False),
        sa.Column('redacted_at', sa.DateTime(timezone=True), nullable=True),
        sa.Column('prev_hash', sa.String(length=64), nullable=False),
        sa.Column('hash', sa.String(length=64), nullable=False),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_audit_log')),
        sa.UniqueConstraint('hash', name=op.f('uq_audit_log_hash')),
        sa.UniqueConstraint('prev_hash', name=op.f('uq_audit_log_prev_hash')),
    )
    with op.batch_alter_table('audit_log', schema=None) as batch_op:
        batch_op.create_index('ix_audit_log_action_at', ['action', 'at'], unique=False)
        batch_op.create_index(batch_op.f('ix_audit_log_actor_id'), ['actor_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_audit_log_at'), ['at'], unique=False)
        batch_op.create_index(batch_op.f('ix_audit_log_request_id'), ['request_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_audit_log_subject_id'), ['subject_id'], unique=False)
        batch_op.create_index('ix_audit_log_target', ['target_type', 'target_id'], unique=False)
    if op.get_bind().dialect.name == 'postgresql':
        for statement in POSTGRESQL_INSTALL:
            op.execute(statement)


def downgrade():
    if op.get_bind().dialect.name == 'postgresql':
        op.execute("DROP TRIGGER IF EXISTS audit_log_append_only ON audit_log")
        op.execute("DROP FUNCTION IF EXISTS audit_log_append_only()")
    op.drop_table('audit_log')
