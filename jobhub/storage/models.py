"""Columns every model that owns a stored file carries (found by `flask storage migrate`)."""

from __future__ import annotations

from sqlalchemy import String
from sqlalchemy.orm import Mapped, mapped_column


class StoredFileMixin:
    """Where a row's file lives: its key, the backend holding it and its checksum.

    ``stale_storage_backend`` names a backend that may still hold an old copy after a
    migration, until that copy is deleted (so an interrupted cleanup is resumed).
    """

    storage_key: Mapped[str] = mapped_column(String(255), unique=True)
    storage_backend: Mapped[str] = mapped_column(String(16))
    stale_storage_backend: Mapped[str | None] = mapped_column(String(16), default=None)
    sha256: Mapped[str] = mapped_column(String(64))
    size_bytes: Mapped[int]
    content_type: Mapped[str] = mapped_column(String(120))
