"""The audit log's one table, and the PostgreSQL trigger that keeps it append-only.

A row's ``hash`` is SHA-256 over the previous row's hash and a canonical JSON encoding
of the row's content (``services.content_of``). Personal values do not enter that
encoding themselves: ``ip`` and ``personal`` (the personal fields of ``changes``) are
covered through ``personal_digest``, a SHA-256 over a random per-row ``salt`` and those
values. Redaction sets ``ip``, ``personal`` and ``salt`` to NULL (and ``redacted_at``);
the digest, and with it the chain, stays verifiable, and without the salt the digest
cannot be brute-forced back into an IP address.

On PostgreSQL a trigger refuses every DELETE and every UPDATE except that redaction
(the personal columns set to NULL, everything else unchanged). The same statements run
from ``db.metadata.create_all`` (a DDL event) and from the migration.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, BigInteger, Connection, Index, Integer, String, event
from sqlalchemy.orm import Mapped, mapped_column

from jobhub.db import db, utcnow

# BIGINT on PostgreSQL; SQLite's rowid alias must be spelled INTEGER.
BigId = BigInteger().with_variant(Integer(), "sqlite")


class AuditEntry(db.Model):
    __tablename__ = "audit_log"
    __table_args__ = (
        Index("ix_audit_log_target", "target_type", "target_id"),
        Index("ix_audit_log_action_at", "action", "at"),
    )

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
    actor_id: Mapped[int | None] = mapped_column(BigInteger, index=True)
    actor_role: Mapped[str] = mapped_column(String(20))
    action: Mapped[str] = mapped_column(String(64))
    target_type: Mapped[str | None] = mapped_column(String(40))
    target_id: Mapped[str | None] = mapped_column(String(64))
    # The user the row's personal data is about besides the actor (redact_user finds it).
    subject_id: Mapped[int | None] = mapped_column(BigInteger, index=True)
    changes: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    request_id: Mapped[str | None] = mapped_column(String(128), index=True)
    # Personal values: erased by redaction; the chain covers them through the digest.
    ip: Mapped[str | None] = mapped_column(String(64))
    personal: Mapped[dict[str, Any] | None] = mapped_column(JSON(none_as_null=True))
    salt: Mapped[str | None] = mapped_column(String(32))
    personal_digest: Mapped[str] = mapped_column(String(64))
    redacted_at: Mapped[datetime | None] = mapped_column(default=None)
    # Unique: two writers that read the same head cannot both append (a fork fails).
    prev_hash: Mapped[str] = mapped_column(String(64), unique=True)
    hash: Mapped[str] = mapped_column(String(64), unique=True)


# Columns a redaction may change (to NULL, or redacted_at from NULL); all others are frozen.
_FROZEN = (
    "id",
    "at",
    "actor_id",
    "actor_role",
    "action",
    "target_type",
    "target_id",
    "subject_id",
    "changes::text",
    "request_id",
    "personal_digest",
    "prev_hash",
    "hash",
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
POSTGRESQL_UNINSTALL = [
    "DROP TRIGGER IF EXISTS audit_log_append_only ON audit_log",
    "DROP FUNCTION IF EXISTS audit_log_append_only()",
]


def install(connection: Connection) -> None:
    """Create the append-only trigger (PostgreSQL; SQLite relies on the code having no
    update or delete path, and on ``flask audit verify``)."""
    if connection.dialect.name == "postgresql":
        for statement in POSTGRESQL_INSTALL:
            connection.exec_driver_sql(statement)


event.listen(AuditEntry.__table__, "after_create", lambda _t, connection, **_: install(connection))


@event.listens_for(AuditEntry, "before_update")
@event.listens_for(AuditEntry, "before_delete")
def _refuse_change(_mapper: Any, _connection: Any, _entry: AuditEntry) -> None:
    # No ORM path edits or deletes an entry; redaction is one Core UPDATE in services.
    raise RuntimeError("audit_log is append-only")
