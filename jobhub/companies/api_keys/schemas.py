"""API key payloads: the creation request, a key as listed, and the key shown once."""

from __future__ import annotations

from marshmallow import ValidationError, fields, validate

from jobhub.companies.api_keys.models import SCOPES
from jobhub.schemas import Schema, UtcDateTime

SCOPES_DOC = (
    "`jobs:read`: GET /jobs/mine, GET /jobs/{id}, GET /imports/{id} and its errors.csv. "
    "`jobs:write`: POST /jobs, PATCH and DELETE /jobs/{id}, POST /jobs/{id}/restore, "
    "POST/PATCH/DELETE /jobs/bulk, POST /imports, its confirm and undo. "
    "`applications:read`: GET /applications, GET /applications/{id}, "
    "GET /applications/{id}/history. `applications:write`: PATCH /applications/{id}/status "
    "and /applications/bulk/status, and (with `jobs:write`) POST /imports of applications. "
    "`webhooks:manage`: every webhook endpoint of §11. "
    "Always for the key's own company only."
)


def _printable(value: str) -> None:
    """A key's name is one printable line: no NUL or other control characters, no lone
    surrogates (PostgreSQL refuses both; a list would show garbage)."""
    if not value.strip() or any(
        ch < " " or ch == "\x7f" or "\ud800" <= ch <= "\udfff" for ch in value
    ):
        raise ValidationError("Must be one printable line.")


class ApiKeyCreateSchema(Schema):
    name = fields.String(required=True, validate=[validate.Length(min=1, max=100), _printable])
    scopes = fields.List(
        fields.String(validate=validate.OneOf(SCOPES)),
        required=True,
        validate=validate.Length(min=1, max=len(SCOPES)),
        metadata={"description": SCOPES_DOC, "example": ["jobs:read", "jobs:write"]},
    )
    expires_at = UtcDateTime(
        load_default=None,
        allow_none=True,
        metadata={"description": "Optional; in the future. The key stops working then."},
    )


class ApiKeySchema(Schema):
    id = fields.Integer(metadata={"example": 3})
    name = fields.String(metadata={"example": "ATS sync"})
    prefix = fields.Function(
        lambda key: f"jh_{key.prefix}",
        metadata={"example": "jh_3f9a0c1b2d4e", "description": "The key's visible start."},
    )
    scopes = fields.List(fields.String(), metadata={"example": ["jobs:read"]})
    created_at = UtcDateTime()
    last_used_at = UtcDateTime(
        allow_none=True, metadata={"description": "Updated at most once a minute."}
    )
    expires_at = UtcDateTime(allow_none=True)


class ApiKeyCreatedSchema(ApiKeySchema):
    key = fields.String(
        metadata={
            "example": "jh_3f9a0c1b2d4e_Xq…",
            "description": "The whole key: shown this once, stored only as a hash.",
        }
    )
