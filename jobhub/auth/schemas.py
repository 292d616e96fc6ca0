"""Auth payloads: credentials, token pairs, password and email flows, sessions."""

from __future__ import annotations

from marshmallow import fields, validate

from jobhub import passwords
from jobhub.schemas import Line, Schema, UtcDateTime
from jobhub.users.schemas import PASSWORD_INPUT_MAX, NormalizedEmail, UserSchema

EXAMPLE_PASSWORD = "Orbit-Lantern-42-Demo"
_email = {"required": True, "validate": validate.Length(max=254)}


def _password(description: str) -> fields.String:
    return fields.String(
        required=True,
        validate=validate.Length(min=1, max=PASSWORD_INPUT_MAX),
        metadata={"description": description},
    )


def _new_password(description: str) -> fields.String:
    """A password the policy will hold (``jobhub.passwords``): the document says 12-128
    characters as the policy enforces them, and a refusal still names its rule (``length``)."""
    field = _password(description)
    field.metadata = {
        **field.metadata,
        "minLength": passwords.MIN_LENGTH,
        "maxLength": passwords.MAX_LENGTH,
    }
    return field


NEW_PASSWORD_RULES = (
    "12 to 128 characters; not one of the most common passwords nor easy to guess (zxcvbn); "
    "not containing the email's local part or the user's name. A refusal names the rule in "
    "`errors.rule`: length, contains_email, contains_name, common, guessable, same_as_current."
)


class RegisterSchema(Schema):
    email = NormalizedEmail(**_email, metadata={"description": "Trimmed and lower-cased."})
    password = _new_password(NEW_PASSWORD_RULES)
    full_name = Line(required=True, validate=validate.Length(min=1, max=200))
    role = fields.String(
        required=True,
        validate=validate.OneOf(["candidate", "employer"]),
        metadata={"description": "`admin` cannot be self-registered."},
    )


REGISTER_EXAMPLE = {
    "email": "alice@example.com",
    "password": "Vivid-Harbor-Sketch-71",
    "full_name": "Alice Moreau",
    "role": "candidate",
}


class LoginSchema(Schema):
    email = NormalizedEmail(**_email)
    password = _password("The account's password.")


LOGIN_EXAMPLE = {"email": "alice.candidate@jobhub.local", "password": EXAMPLE_PASSWORD}


class TokenPairSchema(Schema):
    access_token = fields.String(metadata={"example": "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9…"})
    refresh_token = fields.String(metadata={"example": "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9…"})
    token_type = fields.String(metadata={"example": "Bearer"})
    expires_in = fields.Integer(
        metadata={"example": 900, "description": "Seconds the access token is valid."}
    )
    refresh_expires_in = fields.Integer(
        metadata={"example": 1209600, "description": "Seconds the refresh token is valid."}
    )
    user = fields.Nested(UserSchema)


class LoginResultSchema(TokenPairSchema):
    """The login answer: the token pair, or (second factor on) the ``mfa_token`` for
    ``POST /auth/login/2fa``, or (an admin who must set up 2FA) a setup-only token."""

    mfa_required = fields.Boolean(
        metadata={"description": "Present (true) when a code is needed: see /auth/login/2fa."}
    )
    mfa_token = fields.String(
        metadata={"description": "Single-use, a few minutes; never an access token."}
    )
    mfa_setup_required = fields.Boolean(
        metadata={"description": "Present (true) for an admin who must set up 2FA first."}
    )
    setup_token = fields.String(
        metadata={"description": "Reaches only /auth/2fa/setup, /auth/2fa/enable and /auth/me."}
    )


class MfaLoginSchema(Schema):
    mfa_token = fields.String(required=True, validate=validate.Length(min=1, max=4096))
    code = fields.String(
        required=True,
        validate=validate.Length(min=1, max=64),
        metadata={"description": "A 6-digit TOTP code, or one of the recovery codes."},
    )


class MfaCodeSchema(Schema):
    code = fields.String(
        required=True,
        validate=validate.Length(min=1, max=64),
        metadata={"description": "A 6-digit code from the authenticator app."},
    )


class MfaDisableSchema(Schema):
    password = _password("The account's password.")
    code = fields.String(
        required=True,
        validate=validate.Length(min=1, max=64),
        metadata={"description": "A 6-digit TOTP code, or one of the recovery codes."},
    )


class MfaSetupSchema(Schema):
    secret = fields.String(metadata={"example": "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"})
    otpauth_uri = fields.String(
        metadata={"example": "otpauth://totp/JobHub:alice%40example.com?secret=…&issuer=JobHub"}
    )


class RecoveryCodesSchema(Schema):
    recovery_codes = fields.List(
        fields.String(),
        metadata={"description": "10 single-use codes, shown this once.", "example": ["k3ma-…"]},
    )


class LogoutSchema(Schema):
    refresh_token = fields.String(
        validate=validate.Length(min=1, max=4096),
        metadata={"description": "The session's refresh token, revoked as well."},
    )


class PasswordChangeSchema(Schema):
    current_password = _password("The current password.")
    new_password = _new_password(NEW_PASSWORD_RULES)


class EmailSchema(Schema):
    email = NormalizedEmail(**_email)


class PasswordResetSchema(Schema):
    token = fields.String(required=True, validate=validate.Length(min=1, max=200))
    new_password = _new_password(NEW_PASSWORD_RULES)


class TokenSchema(Schema):
    token = fields.String(required=True, validate=validate.Length(min=1, max=200))


class MessageSchema(Schema):
    message = fields.String(metadata={"example": "Done."})


class SessionSchema(Schema):
    id = fields.Integer(metadata={"example": 7})
    created_at = UtcDateTime(metadata={"example": "2026-11-22T09:30:00Z"})
    last_used_at = UtcDateTime(
        metadata={"example": "2026-11-22T10:15:00Z", "description": "Login or last refresh."}
    )
    expires_at = UtcDateTime(metadata={"example": "2026-12-06T10:15:00Z"})
    user_agent = fields.String(allow_none=True, metadata={"example": "Mozilla/5.0 (X11; Linux)"})
    ip_address = fields.String(
        allow_none=True, metadata={"example": "203.0.113.7", "description": "Last seen."}
    )
    current = fields.Boolean(
        metadata={"example": True, "description": "The session of the request's token."}
    )


class EndedSessionsSchema(Schema):
    ended = fields.Integer(metadata={"example": 2})
