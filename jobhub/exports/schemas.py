"""Export requests and answers (SPEC §10)."""

from __future__ import annotations

import marshmallow as ma
from marshmallow import validate

from jobhub.exports.columns import APPLICATION_EXPORT_COLUMNS, JOB_EXPORT_COLUMNS
from jobhub.exports.models import ExportFormat, ExportResource, ExportStatus
from jobhub.exports.services import APPLICATION_STATUSES, JOB_STATUSES, MODERATION_STATUSES
from jobhub.schemas import Id, Line, Schema, UtcDateTime

ALL_COLUMNS = sorted(set(JOB_EXPORT_COLUMNS) | set(APPLICATION_EXPORT_COLUMNS))
MAX_FIELDS = len(ALL_COLUMNS)


class ExportFiltersSchema(Schema):
    """Which rows: each resource takes only its own filters (others are a 422)."""

    company_id = Id(metadata={"description": "jobs, applications: one of your companies."})
    job_id = Id(metadata={"description": "applications: one job."})
    status = ma.fields.String(
        validate=validate.OneOf(sorted(set(JOB_STATUSES) | set(APPLICATION_STATUSES))),
        metadata={"description": "jobs: draft|published|closed; applications: a stage."},
    )
    moderation_status = ma.fields.String(
        validate=validate.OneOf(MODERATION_STATUSES), metadata={"description": "jobs only."}
    )
    created_from = UtcDateTime(metadata={"description": "Created at or after (UTC)."})
    created_to = UtcDateTime(metadata={"description": "Created before (UTC)."})


class ExportCreateSchema(Schema):
    resource = ma.fields.Enum(ExportResource, by_value=True, required=True)
    format = ma.fields.Enum(ExportFormat, by_value=True, required=True)
    filters = ma.fields.Nested(ExportFiltersSchema, load_default=dict)
    # "fields" on the wire; not a Python attribute name, which Schema.fields would shadow.
    columns = ma.fields.List(
        Line(validate=validate.OneOf(ALL_COLUMNS)),
        data_key="fields",
        validate=validate.Length(min=1, max=MAX_FIELDS),
        metadata={
            "description": "The columns, in this order (jobs and applications); default all."
        },
    )


class ExportSchema(Schema):
    id = ma.fields.Integer(metadata={"example": 12})
    resource = ma.fields.Enum(ExportResource, by_value=True)
    format = ma.fields.Enum(ExportFormat, by_value=True)
    filters = ma.fields.Dict()
    columns = ma.fields.List(
        ma.fields.String(), attribute="fields", data_key="fields", allow_none=True
    )
    status = ma.fields.Enum(ExportStatus, by_value=True)
    progress = ma.fields.Integer(metadata={"description": "0-100", "example": 40})
    rows = ma.fields.Integer(metadata={"description": "Rows written so far."})
    size_bytes = ma.fields.Integer(allow_none=True)
    created_at = UtcDateTime()
    finished_at = UtcDateTime(allow_none=True)
    expires_at = UtcDateTime(allow_none=True)
    error = ma.fields.String(allow_none=True)


class ExportQueuedSchema(Schema):
    id = ma.fields.Integer(metadata={"example": 12})
    status = ma.fields.Enum(ExportStatus, by_value=True)
