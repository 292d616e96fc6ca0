"""The user account and its candidate profile."""

from __future__ import annotations

import enum
from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Index, String, Text, event, text
from sqlalchemy.orm import Mapped, mapped_column

from jobhub.db import IdMixin, TimestampMixin, db, value_enum


class Role(enum.StrEnum):
    CANDIDATE = "candidate"
    EMPLOYER = "employer"
    ADMIN = "admin"


class User(IdMixin, TimestampMixin, db.Model):
    __tablename__ = "users"
    __table_args__ = (
        Index("ix_users_role_is_active", "role", "is_active"),
        Index("ix_users_created_at", "created_at"),  # signups per day (analytics)
        # Accounts per role (analytics), index-only.
        # The admin panel's search (email or name contains, ILIKE): trigrams on
        # PostgreSQL; a plain b-tree on SQLite, which LIKE cannot use, for one schema.
        Index(
            "ix_users_email_trgm",
            "email",
            postgresql_using="gin",
            postgresql_ops={"email": "gin_trgm_ops"},
        ),
        Index(
            "ix_users_full_name_trgm",
            "full_name",
            postgresql_using="gin",
            postgresql_ops={"full_name": "gin_trgm_ops"},
        ),
        Index(
            "ix_users_live_role",
            "role",
            postgresql_where=text("deleted_at IS NULL"),
            sqlite_where=text("deleted_at IS NULL"),
        ),
    )

    email: Mapped[str] = mapped_column(String(320), unique=True)
    password_hash: Mapped[str] = mapped_column(String(255))
    full_name: Mapped[str] = mapped_column(String(200))
    role: Mapped[Role] = mapped_column(value_enum(Role, "user_role"))
    is_active: Mapped[bool] = mapped_column(default=True)
    email_verified: Mapped[bool] = mapped_column(default=False)
    last_login_at: Mapped[datetime | None] = mapped_column(default=None)
    deleted_at: Mapped[datetime | None] = mapped_column(default=None)
    # The import that created the account (a candidate without a password; jobhub.imports).
    import_id: Mapped[int | None] = mapped_column(default=None, index=True)
    # ACCOUNT_INACTIVE_DAYS: when the erasure warning was mailed (cleared by a later login).
    inactivity_warned_at: Mapped[datetime | None] = mapped_column(default=None)

    # Candidate profile
    headline: Mapped[str | None] = mapped_column(String(200), default=None)
    location: Mapped[str | None] = mapped_column(String(200), default=None)
    bio: Mapped[str | None] = mapped_column(Text, default=None)
    skills: Mapped[list[str]] = mapped_column(JSON, default=list)
    years_experience: Mapped[int | None] = mapped_column(default=None)
    desired_roles: Mapped[list[str]] = mapped_column(JSON, default=list)
    open_to_work: Mapped[bool] = mapped_column(default=False)
    links: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)

    def __repr__(self) -> str:
        return f"<User {self.id} {self.role.value}>"


def _trigram_extension(_table: Any, connection: Any, **_: Any) -> None:
    """The trigram indexes above need ``pg_trgm`` before the table (migrations have it)."""
    if connection.dialect.name == "postgresql":
        connection.exec_driver_sql("CREATE EXTENSION IF NOT EXISTS pg_trgm")


event.listen(User.__table__, "before_create", _trigram_extension)
