"""Resume payloads."""

from __future__ import annotations

from typing import Any

import marshmallow as ma
from flask_smorest.fields import Upload

from jobhub.schemas import Schema, UtcDateTime
from jobhub.skills import get as get_skill


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


class SkillEvidenceSchema(Schema):
    section = ma.fields.String(
        metadata={
            "description": "The resume section it was found in: skills, experience, summary, "
            "projects, education, certifications, other, or header (before any heading).",
            "example": "experience",
        }
    )
    snippet = ma.fields.String(
        metadata={
            "description": "The words around the mention, at most about 120 characters.",
            "example": "Built payment services in Go with gRPC",
        }
    )


class SkillDetailSchema(Schema):
    skill = ma.fields.String(attribute="skill", metadata={"example": "go"})
    label = ma.fields.Function(
        lambda row: found.label if (found := get_skill(row.skill)) else row.skill,
        metadata={"example": "Go"},
    )
    category = ma.fields.Function(
        lambda row: found.category if (found := get_skill(row.skill)) else None,
        allow_none=True,
        metadata={"example": "languages"},
    )
    occurrences = ma.fields.Integer(
        metadata={"description": "Mentions in the resume; 0 when only implied by others."}
    )
    weight = ma.fields.Float(
        metadata={
            "description": "How strongly the resume shows the skill, 0-1: a skills list and "
            "use in several roles weigh more than one mention. Match scores use it."
        }
    )
    implied_by = ma.fields.List(
        ma.fields.String(),
        metadata={
            "description": "The more specific skills it was inferred from (aws from aws "
            "lambda), when the resume does not name it; empty otherwise."
        },
    )
    evidence = ma.fields.List(
        ma.fields.Nested(SkillEvidenceSchema),
        metadata={"description": "Up to three places it was found, different sections first."},
    )


class AnalysisSchema(Schema):
    status = ma.fields.Function(
        lambda resume: resume.analysis_status.value,
        metadata={"enum": ["pending", "processing", "done", "failed"]},
    )
    skills = ma.fields.List(
        ma.fields.String(),
        metadata={"description": "Canonical skill names (the skill taxonomy's), by first mention."},
    )
    skill_details = ma.fields.List(
        ma.fields.Nested(SkillDetailSchema),
        attribute="skill_rows",
        metadata={
            "description": "*Our addition*: each skill of `skills`, in the same order, with "
            "where the resume shows it (section and snippet), its weight, and what implied it."
        },
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
