"""An export: what was asked (resource, format, filters, fields), its progress and file.

The row stores the filters, never the ids of the rows they matched: the task reads the
rows when it runs, so an export of 700,000 rows costs one small row here.
"""

from __future__ import annotations

import enum
from datetime import datetime
from typing import Any

from sqlalchemy import JSON, ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column

from jobhub.db import IdMixin, TimestampMixin, db, value_enum


class ExportResource(enum.StrEnum):
    JOBS = "jobs"
    APPLICATIONS = "applications"
    ACCOUNT = "account"


class ExportFormat(enum.StrEnum):
    JSON = "json"
    CSV = "csv"
    PDF = "pdf"
    ZIP = "zip"


class ExportStatus(enum.StrEnum):
    QUEUED = "queued"
    RUNNING = "running"
    DONE = "done"
    FAILED = "failed"
    EXPIRED = "expired"


CONTENT_TYPES = {
    ExportFormat.JSON: "application/x-ndjson",
    ExportFormat.CSV: "text/csv; charset=utf-8",
    ExportFormat.PDF: "application/pdf",
    ExportFormat.ZIP: "application/zip",
}
EXTENSIONS = {
    ExportFormat.JSON: "jsonl",
    ExportFormat.CSV: "csv",
    ExportFormat.PDF: "pdf",
    ExportFormat.ZIP: "zip",
}
ERROR_MAX_LENGTH = 500


class Export(IdMixin, TimestampMixin, db.Model):
    __tablename__ = "exports"
    __table_args__ = (
        Index("ix_exports_owner_id_id", "owner_id", "id"),
        # The expiry sweep: finished exports past their expiry.
        Index("ix_exports_status_expires_at", "status", "expires_at"),
    )

    owner_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    resource: Mapped[ExportResource] = mapped_column(value_enum(ExportResource, "export_resource"))
    format: Mapped[ExportFormat] = mapped_column(value_enum(ExportFormat, "export_format"))
    filters: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    # The columns asked for, in order; null: every column of the resource.
    fields: Mapped[list[str] | None] = mapped_column(JSON, default=None)
    status: Mapped[ExportStatus] = mapped_column(
        value_enum(ExportStatus, "export_status"), default=ExportStatus.QUEUED
    )
    progress: Mapped[int] = mapped_column(default=0)
    rows: Mapped[int] = mapped_column(default=0)
    size_bytes: Mapped[int | None] = mapped_column(default=None)
    storage_key: Mapped[str | None] = mapped_column(String(255), default=None)
    storage_backend: Mapped[str | None] = mapped_column(String(16), default=None)
    sha256: Mapped[str | None] = mapped_column(String(64), default=None)
    error: Mapped[str | None] = mapped_column(String(ERROR_MAX_LENGTH), default=None)
    # Runs claimed so far: a run lost with its worker is claimed again, up to a limit.
    attempts: Mapped[int] = mapped_column(default=0, server_default="0")
    started_at: Mapped[datetime | None] = mapped_column(default=None)
    finished_at: Mapped[datetime | None] = mapped_column(default=None)
    expires_at: Mapped[datetime | None] = mapped_column(default=None)

    @property
    def content_type(self) -> str:
        return CONTENT_TYPES[self.format]

    @property
    def filename(self) -> str:
        return f"jobhub-{self.resource.value}-{self.id}.{EXTENSIONS[self.format]}"

    def __repr__(self) -> str:
        return f"<Export {self.id} {self.resource.value}/{self.format.value} {self.status.value}>"
