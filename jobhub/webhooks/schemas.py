"""Webhook payloads: registration, edits, an endpoint as listed, and its deliveries."""

from __future__ import annotations

import marshmallow as ma
from marshmallow import validate

from jobhub.schemas import ChangeSchema, Line, Schema, UtcDateTime, refuse_control_characters
from jobhub.webhooks.models import DeliveryStatus
from jobhub.webhooks.services import event_filters

EVENTS_DOC = (
    "Event types to receive: `application.created`, `application.status_changed` (or "
    "`application.status_changed:<status>` for moves to one status only), "
    "`application.withdrawn`, `interview.scheduled|updated|cancelled`, "
    "`job.published|closed|moderated`, `candidate.erased`. `webhook.test` comes only from "
    "POST /webhooks/{id}/test, whatever the filters."
)
URL_DOC = (
    "Where events are POSTed. https (http too outside production). Hosts resolving to "
    "loopback, private, link-local, multicast or reserved addresses are refused unless "
    "WEBHOOKS_ALLOW_PRIVATE=true."
)


def _url(**options: bool) -> ma.fields.String:
    return ma.fields.String(
        **options,
        validate=[validate.Length(min=8, max=2048), refuse_control_characters],
        metadata={"description": URL_DOC, "example": "https://ats.example.com/hooks/jobhub"},
    )


def _events(**options: bool) -> ma.fields.List:
    return ma.fields.List(
        ma.fields.String(validate=validate.OneOf(event_filters())),
        **options,
        validate=validate.Length(min=1, max=len(event_filters())),
        metadata={"description": EVENTS_DOC, "example": ["application.created"]},
    )


class EndpointCreateSchema(Schema):
    url = _url(required=True)
    events = _events(required=True)
    description = Line(allow_none=True, load_default=None, validate=validate.Length(max=500))
    include_personal_data = ma.fields.Boolean(
        load_default=False,
        metadata={"description": "Add names, emails and titles to the ids and statuses."},
    )


class EndpointUpdateSchema(ChangeSchema):
    url = _url()
    events = _events()
    description = Line(allow_none=True, validate=validate.Length(max=500))
    include_personal_data = ma.fields.Boolean()
    enabled = ma.fields.Boolean(
        metadata={"description": "false stops deliveries; true re-enables a disabled endpoint."}
    )


class EndpointSchema(Schema):
    id = ma.fields.Integer(metadata={"example": 7})
    company_id = ma.fields.Integer()
    url = ma.fields.String()
    description = ma.fields.String(allow_none=True)
    events = ma.fields.List(ma.fields.String())
    include_personal_data = ma.fields.Boolean()
    enabled = ma.fields.Boolean()
    disabled_reason = ma.fields.String(
        allow_none=True,
        metadata={"description": "Why it stopped: a 410, 5 days of failures, or the company."},
    )
    failing_since = UtcDateTime(allow_none=True)
    previous_secret_expires_at = UtcDateTime(
        allow_none=True,
        metadata={"description": "Until then the previous secret signs too (after a rotation)."},
    )
    created_at = UtcDateTime()
    updated_at = UtcDateTime()


class EndpointWithSecretSchema(EndpointSchema):
    secret = ma.fields.String(
        metadata={
            "example": "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw",
            "description": "The signing secret (Standard Webhooks): shown this once.",
        }
    )


class DeliverySchema(Schema):
    id = ma.fields.Integer(metadata={"example": 42})
    event_id = ma.fields.String(metadata={"description": "The webhook-id header."})
    type = ma.fields.String(metadata={"example": "application.created"})
    attempt = ma.fields.Integer(metadata={"description": "Attempts made so far."})
    status = ma.fields.Enum(DeliveryStatus, by_value=True)
    response_status = ma.fields.Integer(allow_none=True)
    duration_ms = ma.fields.Integer(allow_none=True)
    next_attempt_at = UtcDateTime(allow_none=True)
    error = ma.fields.String(allow_none=True)
    created_at = UtcDateTime()
    redelivery_of_id = ma.fields.Integer(allow_none=True)
