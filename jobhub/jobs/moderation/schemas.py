"""Report and moderation payloads."""

from __future__ import annotations

import marshmallow as ma
from marshmallow import validate

from jobhub.jobs.models import ModerationStatus
from jobhub.jobs.moderation.models import Decision, RejectionCode, ReportReason, ReportStatus
from jobhub.schemas import Schema, UtcDateTime


class ReportCreateSchema(Schema):
    reason = ma.fields.Enum(ReportReason, by_value=True, required=True)
    details = ma.fields.String(allow_none=True, validate=validate.Length(max=2000))


class ReportSchema(Schema):
    id = ma.fields.Integer()
    job_id = ma.fields.Integer()
    reporter_id = ma.fields.Integer()
    reason = ma.fields.Enum(ReportReason, by_value=True)
    details = ma.fields.String(allow_none=True)
    status = ma.fields.Enum(ReportStatus, by_value=True)
    created_at = UtcDateTime()
    resolved_at = UtcDateTime(allow_none=True)


class ReportListArgsSchema(Schema):
    status = ma.fields.Enum(ReportStatus, by_value=True, metadata={"description": "e.g. `open`."})
    job_id = ma.fields.Integer(validate=validate.Range(min=1, max=2**31 - 1))


_NO_NUL = validate.Regexp(r"^[^\x00]*$", error="Must not contain NUL characters.")
INT4_MAX = 2**31 - 1


class ModerationSchema(Schema):
    decision = ma.fields.String(required=True, validate=validate.OneOf(["approve", "reject"]))
    reason_code = ma.fields.Enum(
        RejectionCode,
        by_value=True,
        allow_none=True,
        metadata={
            "description": "Why a job is rejected (required for a rejection, unless "
            "`reason` is given)."
        },
    )
    message = ma.fields.String(
        allow_none=True,
        validate=[validate.Length(max=2000), _NO_NUL],
        metadata={"description": "What the employer is told (notification and mail)."},
    )
    reason = ma.fields.String(
        allow_none=True,
        validate=[validate.Length(max=2000), _NO_NUL],
        metadata={
            "description": "The original field, still accepted: a reason code counts as "
            "`reason_code`, other text as `message` (code `other` on a rejection)."
        },
    )

    @ma.validates_schema
    def _rejection_has_a_reason(self, data: dict, **_: object) -> None:
        if (
            data.get("decision") == Decision.REJECT.value
            and data.get("reason_code") is None
            and not data.get("reason")
            and not data.get("message")
        ):
            raise ma.ValidationError("A rejection needs a reason code.", "reason_code")


class BulkModerationSchema(ModerationSchema):
    ids = ma.fields.List(
        ma.fields.Integer(strict=True, validate=validate.Range(min=1, max=INT4_MAX)),
        required=True,
        validate=validate.Length(min=1, max=1000),
        metadata={"description": "Up to 1,000 job ids, each once."},
    )

    @ma.validates("ids")
    def _unique(self, ids: list[int], **_: object) -> None:
        if len(set(ids)) != len(ids):
            raise ma.ValidationError("Each job may be named once.")


class BulkResultSchema(Schema):
    index = ma.fields.Integer()
    id = ma.fields.Integer()
    status = ma.fields.String(metadata={"description": "The job's new moderation status."})


class BulkModerationResultSchema(Schema):
    results = ma.fields.List(ma.fields.Nested(BulkResultSchema))


class DecisionSchema(Schema):
    id = ma.fields.Integer()
    job_id = ma.fields.Integer()
    actor_id = ma.fields.Integer(allow_none=True)
    decision = ma.fields.Enum(Decision, by_value=True)
    reason_code = ma.fields.Enum(RejectionCode, by_value=True, allow_none=True)
    message = ma.fields.String(allow_none=True)
    from_status = ma.fields.String(metadata={"description": "The moderation status before."})
    pending_since = UtcDateTime(allow_none=True)
    created_at = UtcDateTime(metadata={"description": "When the decision was made."})


class ModerationQueueArgsSchema(Schema):
    moderation_status = ma.fields.Enum(
        ModerationStatus,
        by_value=True,
        validate=validate.OneOf([ModerationStatus.PENDING, ModerationStatus.FLAGGED]),
    )
