"""Resume payloads."""

from __future__ import annotations

from typing import Any

import marshmallow as ma
from flask_smorest.fields import Upload

from jobhub.schemas import Schema, UtcDateTime


class UploadSchema(Schema):
    file = Upload(
        required=True,
        metadata={"description": "PDF, Word (.docx) or plain text (UTF-8/UTF-16), ≤ 5 MB."},
    )


class ResumeSchema(Schema):
    id = ma.fields.Integer(dump_only=True)
    filename = ma.fields.String(
        dump_only=True, metadata={"description": "The uploaded file's name, cleaned for display."}
    )
    file_format = ma.fields.Function(
        lambda resume: resume.file_format.value,
        dump_only=True,
        metadata={"enum": ["pdf", "docx", "txt"], "description": "Detected from the content."},
    )
    content_type = ma.fields.String(dump_only=True)
    size_bytes = ma.fields.Integer(dump_only=True)
    sha256 = ma.fields.String(dump_only=True)
    analysis_status = ma.fields.Function(
        lambda resume: resume.analysis_status.value,
        dump_only=True,
        metadata={"enum": ["pending", "processing", "done", "failed"]},
    )
    analyzed_at = UtcDateTime(dump_only=True, allow_none=True)
    created_at = UtcDateTime(dump_only=True)


class EducationSchema(Schema):
    level = ma.fields.String(
        metadata={"enum": ["doctorate", "master", "bachelor", "associate", "high_school"]}
    )
    degree = ma.fields.String(metadata={"example": "B.Sc."})
    field = ma.fields.String(allow_none=True, metadata={"example": "Computer Science"})
    institution = ma.fields.String(allow_none=True, metadata={"example": "University of Leeds"})
    year = ma.fields.Integer(allow_none=True, metadata={"example": 2016})


class AnalysisSchema(Schema):
    status = ma.fields.Function(
        lambda resume: resume.analysis_status.value,
        metadata={"enum": ["pending", "processing", "done", "failed"]},
    )
    skills = ma.fields.List(
        ma.fields.String(),
        metadata={"description": "Canonical skill names (the skill taxonomy's), by first mention."},
    )
    years_experience = ma.fields.Float(allow_none=True)
    education = ma.fields.List(ma.fields.Nested(EducationSchema))
    summary = ma.fields.String(allow_none=True)
    analyzed_at = UtcDateTime(allow_none=True)
    error = ma.fields.String(
        attribute="analysis_error",
        metadata={"description": "Why the analysis failed; present only when it did."},
    )

    @ma.post_dump
    def _error_only_when_failed(self, data: dict[str, Any], **_: Any) -> dict[str, Any]:
        if data.get("error") is None:
            data.pop("error", None)
        return data
