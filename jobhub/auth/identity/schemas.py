"""Token exchange (RFC 8693) payloads and linked identities."""

from __future__ import annotations

from marshmallow import fields, validate

from jobhub.auth.schemas import LoginResultSchema
from jobhub.schemas import Schema, UtcDateTime

GRANT_TYPE = "urn:ietf:params:oauth:grant-type:token-exchange"
ID_TOKEN_TYPE = "urn:ietf:params:oauth:token-type:id_token"
ACCESS_TOKEN_TYPE = "urn:ietf:params:oauth:token-type:access_token"


class TokenExchangeSchema(Schema):
    grant_type = fields.String(required=True, validate=validate.Equal(GRANT_TYPE))
    subject_token = fields.String(
        required=True,
        validate=validate.Length(min=1, max=16384),
        metadata={"description": "The ID token (a JWT) the provider issued."},
    )
    subject_token_type = fields.String(required=True, validate=validate.Equal(ID_TOKEN_TYPE))
    provider = fields.String(
        required=True,
        validate=validate.Length(min=1, max=32),
        metadata={"description": "One of the names in OIDC_PROVIDERS."},
    )
    role = fields.String(
        load_default="candidate",
        validate=validate.OneOf(["candidate", "employer"]),
        metadata={"description": "The role of an account created by this exchange."},
    )


TOKEN_EXCHANGE_EXAMPLE = {
    "grant_type": GRANT_TYPE,
    "subject_token": "eyJhbGciOiJSUzI1NiIsImtpZCI6…",
    "subject_token_type": ID_TOKEN_TYPE,
    "provider": "google",
}


class TokenExchangeResultSchema(LoginResultSchema):
    """The login answer, plus the type of the token issued (with the token pair)."""

    issued_token_type = fields.String(metadata={"example": ACCESS_TOKEN_TYPE})


class IdentitySchema(Schema):
    id = fields.Integer(metadata={"example": 3})
    provider = fields.String(metadata={"example": "google"})
    subject = fields.String(metadata={"example": "110169484474386276334"})
    email = fields.String(metadata={"example": "alice@example.com"})
    linked_at = UtcDateTime(metadata={"example": "2026-12-02T09:30:00Z"})
    last_used_at = UtcDateTime(metadata={"example": "2026-12-02T10:15:00Z"})
