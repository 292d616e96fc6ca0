"""Companies and their memberships."""

from __future__ import annotations

import enum
from datetime import datetime

from sqlalchemy import ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from jobhub.db import IdMixin, SoftDeleteMixin, TimestampMixin, db, utcnow, value_enum
from jobhub.users.models import User


class CompanySize(enum.StrEnum):
    XS = "1-10"
    S = "11-50"
    M = "51-200"
    L = "201-500"
    XL = "501-1000"
    XXL = "1001-5000"
    HUGE = "5001+"


class MemberRole(enum.StrEnum):
    OWNER = "owner"
    RECRUITER = "recruiter"


class Company(IdMixin, TimestampMixin, SoftDeleteMixin, db.Model):
    __tablename__ = "companies"
    __table_args__ = (
        Index("ix_companies_name", "name"),
        Index("ix_companies_verified", "verified"),
    )

    name: Mapped[str] = mapped_column(String(200))
    # Unique across deleted companies too: a slug never points at another company.
    slug: Mapped[str] = mapped_column(String(80), unique=True)
    description: Mapped[str | None] = mapped_column(Text, default=None)
    website: Mapped[str | None] = mapped_column(String(500), default=None)
    location: Mapped[str | None] = mapped_column(String(200), default=None)
    size: Mapped[CompanySize | None] = mapped_column(
        value_enum(CompanySize, "company_size"), default=None
    )
    verified: Mapped[bool] = mapped_column(default=False)

    members: Mapped[list[CompanyMember]] = relationship(
        back_populates="company", lazy="raise", cascade="all, delete-orphan"
    )

    def __repr__(self) -> str:
        return f"<Company {self.id} {self.slug}>"


class CompanyMember(IdMixin, db.Model):
    __tablename__ = "company_members"
    __table_args__ = (UniqueConstraint("company_id", "user_id"),)

    company_id: Mapped[int] = mapped_column(ForeignKey("companies.id", ondelete="CASCADE"))
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    role: Mapped[MemberRole] = mapped_column(value_enum(MemberRole, "company_member_role"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    company: Mapped[Company] = relationship(back_populates="members", lazy="raise")
    user: Mapped[User] = relationship(lazy="raise")
