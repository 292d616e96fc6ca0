"""An import: the uploaded CSV, what was asked (resource, dry run, skip invalid), its
progress, counts and the rows it refused.

The file is kept in the row (``content``, deferred): imports are capped at
``IMPORT_MAX_BYTES`` and a confirmed dry run reads it again. The jobs an import created
carry its id (``jobs.import_id``), which is what ``undo`` soft-deletes.
"""

from __future__ import annotations

import enum
from datetime import datetime
from typing import Any

from sqlalchemy import JSON, ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, deferred, mapped_column

from jobhub.db import IdMixin, TimestampMixin, db, value_enum


class ImportResource(enum.StrEnum):
    JOBS = "jobs"
    APPLICATIONS = "applications"


class ImportStatus(enum.StrEnum):
    QUEUED = "queued"
    VALIDATING = "validating"
    VALIDATED = "validated"
    IMPORTING = "importing"
    DONE = "done"
    FAILED = "failed"
    UNDONE = "undone"


MAX_ERRORS_SHOWN = 1_000
ERROR_MAX_LENGTH = 500


class Import(IdMixin, TimestampMixin, db.Model):
    __tablename__ = "imports"
    __table_args__ = (
        UniqueConstraint("company_id", "idempotency_key", name="uq_imports_company_id_key"),
        Index("ix_imports_company_id_id", "company_id", "id"),
    )

    company_id: Mapped[int] = mapped_column(ForeignKey("companies.id", ondelete="CASCADE"))
    # Who asked: a member (a user), or the company's API key (then no user).
    owner_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"), default=None, index=True
    )
    resource: Mapped[ImportResource] = mapped_column(value_enum(ImportResource, "import_resource"))
    status: Mapped[ImportStatus] = mapped_column(
        value_enum(ImportStatus, "import_status"), default=ImportStatus.QUEUED
    )
    dry_run: Mapped[bool] = mapped_column(default=False)
    skip_invalid: Mapped[bool] = mapped_column(default=False)
    confirmed: Mapped[bool] = mapped_column(default=False)
    idempotency_key: Mapped[str | None] = mapped_column(String(200), default=None)
    filename: Mapped[str | None] = mapped_column(String(255), default=None)
    content: Mapped[str] = deferred(mapped_column(Text, nullable=False))
    total: Mapped[int] = mapped_column(default=0)
    valid: Mapped[int] = mapped_column(default=0)
    invalid: Mapped[int] = mapped_column(default=0)
    created: Mapped[int] = mapped_column(default=0)
    # 0-100: validation is the first half (rows read of ``total``), the insert the second.
    progress: Mapped[int] = mapped_column(default=0, server_default="0")
    # Every refused row's problems: [{row, field, message}] (the API shows the first 1,000).
    errors: Mapped[list[dict[str, Any]]] = deferred(
        mapped_column(JSON, default=list, nullable=False)
    )
    error: Mapped[str | None] = mapped_column(String(ERROR_MAX_LENGTH), default=None)
    # Runs claimed since it was queued: a run lost with its worker is claimed again, up
    # to a limit; each run's number is its token (a lost run's late steps are refused).
    attempts: Mapped[int] = mapped_column(default=0, server_default="0")
    finished_at: Mapped[datetime | None] = mapped_column(default=None)

    def __repr__(self) -> str:
        return f"<Import {self.id} {self.resource.value} {self.status.value}>"
