"""API keys of companies: only a SHA-256 of the secret is kept, the prefix finds the row."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column

from jobhub.db import IdMixin, db, utcnow

# Every scope a key may hold; which routes each reaches is declared on the routes.
SCOPES = (
    "jobs:read",
    "jobs:write",
    "applications:read",
    "applications:write",
    "webhooks:manage",
)


class ApiKey(IdMixin, db.Model):
    """A key ``jh_<prefix>_<secret>``: the prefix is shown in lists, the secret only once."""

    __tablename__ = "api_keys"
    __table_args__ = (Index("ix_api_keys_company_id_revoked_at", "company_id", "revoked_at"),)

    company_id: Mapped[int] = mapped_column(ForeignKey("companies.id", ondelete="CASCADE"))
    created_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"), index=True, default=None
    )
    name: Mapped[str] = mapped_column(String(100))
    prefix: Mapped[str] = mapped_column(String(16), unique=True)
    secret_hash: Mapped[str] = mapped_column(String(64))
    scopes: Mapped[list[str]] = mapped_column(JSON, default=list)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    last_used_at: Mapped[datetime | None] = mapped_column(default=None)
    expires_at: Mapped[datetime | None] = mapped_column(default=None)
    revoked_at: Mapped[datetime | None] = mapped_column(default=None)

    def __repr__(self) -> str:
        return f"<ApiKey {self.id} jh_{self.prefix} company={self.company_id}>"
