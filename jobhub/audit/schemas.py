"""Audit log payloads: the list filters and an entry as admins read it."""

from __future__ import annotations

import marshmallow as ma
from marshmallow import validate

from jobhub.audit.services import shown_changes
from jobhub.schemas import Schema, UtcDateTime, refuse_control_characters

BIGINT_MAX = 2**63 - 1


def _text(length: int, description: str) -> ma.fields.String:
    return ma.fields.String(
        # No Regexp of its own: the control-character refusal is documented as the pattern
        # (jobhub/apidocs/contract.py), which a Regexp here would replace.
        validate=[validate.Length(min=1, max=length), refuse_control_characters],
        metadata={"description": description},
    )


class AuditFilterSchema(Schema):
    actor_id = ma.fields.Integer(
        validate=validate.Range(min=1, max=BIGINT_MAX),
        metadata={"description": "Who acted (a user id)."},
    )
    action = _text(64, "A dotted action name, e.g. `job.moderated`.")
    target_type = _text(40, "What was acted on: `job`, `user`, `company`, `application`…")
    target_id = _text(64, "The target's id.")
    request_id = _text(128, "The `X-Request-ID` of the request that wrote the rows.")
    since = UtcDateTime(metadata={"description": "At or after this moment (ISO-8601)."})
    until = UtcDateTime(metadata={"description": "Before this moment (ISO-8601)."})

    @ma.validates_schema
    def _range(self, data: dict, **_: object) -> None:
        if "since" in data and "until" in data and data["since"] > data["until"]:
            raise ma.ValidationError("`since` must not be after `until`.", "until")


class AuditEntrySchema(Schema):
    id = ma.fields.Integer()
    at = UtcDateTime()
    actor_id = ma.fields.Integer(allow_none=True)
    actor_role = ma.fields.String()
    action = ma.fields.String()
    target_type = ma.fields.String(allow_none=True)
    target_id = ma.fields.String(allow_none=True)
    changes = ma.fields.Function(
        shown_changes,
        metadata={"description": "`{field: [before, after]}`; `redacted: true` once erased."},
    )
    ip = ma.fields.String(allow_none=True)
    request_id = ma.fields.String(allow_none=True)
    prev_hash = ma.fields.String()
    hash = ma.fields.String()
    redacted_at = UtcDateTime(allow_none=True)
