"""Report and moderation payloads."""

from __future__ import annotations

import marshmallow as ma
from marshmallow import validate

from jobhub.jobs.models import ModerationStatus
from jobhub.jobs.moderation.models import ReportReason, ReportStatus
from jobhub.schemas import Schema, UtcDateTime


class ReportCreateSchema(Schema):
    reason = ma.fields.Enum(ReportReason, by_value=True, required=True)
    details = ma.fields.String(allow_none=True, validate=validate.Length(max=2000))


class ReportSchema(Schema):
    id = ma.fields.Integer()
    job_id = ma.fields.Integer()
    reason = ma.fields.Enum(ReportReason, by_value=True)
    details = ma.fields.String(allow_none=True)
    status = ma.fields.Enum(ReportStatus, by_value=True)
    created_at = UtcDateTime()


class ModerationSchema(Schema):
    decision = ma.fields.String(required=True, validate=validate.OneOf(["approve", "reject"]))
    reason = ma.fields.String(allow_none=True, validate=validate.Length(max=2000))


class ModerationQueueArgsSchema(Schema):
    moderation_status = ma.fields.Enum(
        ModerationStatus,
        by_value=True,
        validate=validate.OneOf([ModerationStatus.PENDING, ModerationStatus.FLAGGED]),
    )
