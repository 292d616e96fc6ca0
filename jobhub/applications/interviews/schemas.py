"""Interview and feedback payloads, shown to two audiences like applications are."""

from __future__ import annotations

from typing import Any

import marshmallow as ma
from marshmallow import validate

from jobhub.applications.interviews.models import (
    MAX_DURATION,
    MIN_DURATION,
    InterviewKind,
    InterviewStatus,
    Recommendation,
)
from jobhub.applications.schemas import MAX_NOTE, AudienceSchema, PersonField
from jobhub.schemas import ChangeSchema, Line, Schema, UtcDateTime

MAX_INTERVIEWERS = 10


class _InterviewFields(Schema):
    starts_at = UtcDateTime(metadata={"description": "In the future."})
    duration_minutes = ma.fields.Integer(validate=validate.Range(MIN_DURATION, MAX_DURATION))
    kind = ma.fields.Enum(InterviewKind, by_value=True)
    location = Line(
        allow_none=True,
        validate=validate.Length(max=500),
        metadata={"description": "Address or meeting link; required for onsite and video."},
    )


class InterviewCreateSchema(_InterviewFields):
    starts_at = UtcDateTime(required=True, metadata={"description": "In the future."})
    duration_minutes = ma.fields.Integer(
        required=True, validate=validate.Range(MIN_DURATION, MAX_DURATION)
    )
    kind = ma.fields.Enum(InterviewKind, by_value=True, required=True)
    interviewer_ids = ma.fields.List(
        ma.fields.Integer(),
        validate=validate.Length(max=MAX_INTERVIEWERS),
        metadata={"description": "Members of the job's company; default: you."},
    )


class InterviewUpdateSchema(ChangeSchema, _InterviewFields):
    interviewer_ids = ma.fields.List(
        ma.fields.Integer(), validate=validate.Length(min=1, max=MAX_INTERVIEWERS)
    )


class InterviewerSchema(Schema):
    id = ma.fields.Integer(attribute="user_id")
    full_name = ma.fields.Method("_name")
    email = ma.fields.Method("_email", allow_none=True)

    def _name(self, row: Any) -> str:
        return "Deleted user" if row.user.deleted_at is not None else row.user.full_name

    def _email(self, row: Any) -> str | None:
        return None if row.user.deleted_at is not None else row.user.email


class InterviewSchema(AudienceSchema):
    """An interview. Candidates get: id, application_id, starts_at, ends_at,
    duration_minutes, kind, location, status, cancelled_at, updated_at."""

    CANDIDATE_FIELDS = frozenset(
        {
            "id",
            "application_id",
            "starts_at",
            "ends_at",
            "duration_minutes",
            "kind",
            "location",
            "status",
            "cancelled_at",
            "updated_at",
        }
    )

    id = ma.fields.Integer()
    application_id = ma.fields.Integer()
    starts_at = UtcDateTime()
    ends_at = UtcDateTime()
    duration_minutes = ma.fields.Integer()
    kind = ma.fields.Enum(InterviewKind, by_value=True)
    location = ma.fields.String(allow_none=True)
    status = ma.fields.Enum(InterviewStatus, by_value=True)
    organizer = PersonField()
    interviewers = ma.fields.List(ma.fields.Nested(InterviewerSchema), attribute="interviewer_rows")
    sequence = ma.fields.Integer(metadata={"description": "The invite's iCalendar SEQUENCE."})
    cancelled_at = UtcDateTime(allow_none=True)
    created_at = UtcDateTime()
    updated_at = UtcDateTime()


class FeedbackCreateSchema(Schema):
    rating = ma.fields.Integer(required=True, validate=validate.Range(1, 5))
    recommendation = ma.fields.Enum(Recommendation, by_value=True, required=True)
    notes = ma.fields.String(allow_none=True, validate=validate.Length(max=MAX_NOTE))


class FeedbackUpdateSchema(ChangeSchema):
    rating = ma.fields.Integer(validate=validate.Range(1, 5))
    recommendation = ma.fields.Enum(Recommendation, by_value=True)
    notes = ma.fields.String(allow_none=True, validate=validate.Length(max=MAX_NOTE))


class FeedbackSchema(Schema):
    id = ma.fields.Integer()
    interview_id = ma.fields.Integer()
    author = PersonField()
    rating = ma.fields.Integer()
    recommendation = ma.fields.Enum(Recommendation, by_value=True)
    notes = ma.fields.String(allow_none=True)
    created_at = UtcDateTime()
    updated_at = UtcDateTime()
