"""Resumes: the stored file, its analysis state and what the analysis found."""

from __future__ import annotations

import enum
from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Float, ForeignKey, Index, String, Text, text
from sqlalchemy.orm import Mapped, deferred, mapped_column, relationship

from jobhub.db import IdMixin, TimestampMixin, db, value_enum
from jobhub.storage.models import StoredFileMixin


class FileFormat(enum.StrEnum):
    PDF = "pdf"
    DOCX = "docx"
    TEXT = "txt"


class AnalysisStatus(enum.StrEnum):
    PENDING = "pending"
    PROCESSING = "processing"
    DONE = "done"
    FAILED = "failed"


class Resume(IdMixin, TimestampMixin, StoredFileMixin, db.Model):
    """An uploaded resume; the file itself is in storage under ``storage_key``."""

    __tablename__ = "resumes"
    __table_args__ = (
        Index("ix_resumes_user_id_created_at", "user_id", "created_at"),
        Index("ix_resumes_analysis_status_queued_at", "analysis_status", "analysis_queued_at"),
    )

    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    # The client's name for the file, cleaned for display (any script, no paths or controls).
    filename: Mapped[str] = mapped_column(String(255))
    # ASCII-only name with the detected type's extension, for Content-Disposition.
    download_name: Mapped[str] = mapped_column(String(150))
    file_format: Mapped[FileFormat] = mapped_column(value_enum(FileFormat, "resume_file_format"))

    analysis_status: Mapped[AnalysisStatus] = mapped_column(
        value_enum(AnalysisStatus, "resume_analysis_status"),
        default=AnalysisStatus.PENDING,
    )
    analysis_error: Mapped[str | None] = mapped_column(String(500), default=None)
    analysis_attempts: Mapped[int] = mapped_column(default=0)
    analysis_queued_at: Mapped[datetime | None] = mapped_column(default=None)
    analysis_started_at: Mapped[datetime | None] = mapped_column(default=None)
    # Who holds the analysis: a finishing run writes its result only if it still does.
    analysis_token: Mapped[str | None] = mapped_column(String(32), default=None)
    analyzed_at: Mapped[datetime | None] = mapped_column(default=None)

    years_experience: Mapped[float | None] = mapped_column(Float, default=None)
    education: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list)
    summary: Mapped[str | None] = mapped_column(Text, default=None)
    # The extracted text, for matching; never listed, so loaded only when asked for.
    text: Mapped[str | None] = deferred(mapped_column(Text, default=None))

    skill_rows: Mapped[list[ResumeSkill]] = relationship(
        back_populates="resume",
        order_by="ResumeSkill.position",
        cascade="all, delete-orphan",
        passive_deletes=True,
    )

    @property
    def skills(self) -> list[str]:
        """Canonical skill names found by the analysis, in order of first mention (a skill
        only implied by others follows the first one implying it)."""
        return [row.skill for row in self.skill_rows]

    @property
    def skill_weights(self) -> dict[str, float]:
        """Canonical skill → how strongly the resume shows it, (0, 1]."""
        return {row.skill: row.weight for row in self.skill_rows}

    def __repr__(self) -> str:
        return f"<Resume {self.id} of user {self.user_id} {self.analysis_status.value}>"


class ResumeSkill(db.Model):
    """One canonical skill found in a resume (a row per skill, so SQL can join on skills)."""

    __tablename__ = "resume_skills"

    resume_id: Mapped[int] = mapped_column(
        ForeignKey("resumes.id", ondelete="CASCADE"), primary_key=True
    )
    skill: Mapped[str] = mapped_column(String(100), primary_key=True, index=True)
    position: Mapped[int]
    # Mentions in the text; 0 for a skill only implied by others ("aws" from "aws lambda").
    occurrences: Mapped[int] = mapped_column(default=1)
    # (0, 1]: a skills list and use in several roles weigh more than a single mention.
    weight: Mapped[float] = mapped_column(Float, default=1.0, server_default=text("1"))
    # Up to three [{section, snippet}]: where the resume shows the skill.
    evidence: Mapped[list[dict[str, str]]] = mapped_column(
        JSON, default=list, server_default=text("'[]'")
    )
    # The skills it was inferred from, when the resume does not name it itself.
    implied_by: Mapped[list[str]] = mapped_column(JSON, default=list, server_default=text("'[]'"))

    resume: Mapped[Resume] = relationship(back_populates="skill_rows")
