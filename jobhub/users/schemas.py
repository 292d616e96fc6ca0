"""User payloads: the account as the API shows it, profile updates, list filters."""

from __future__ import annotations

from marshmallow import fields, validate

from jobhub.schemas import ChangeSchema, HttpUrl, Line, Schema, UtcDateTime
from jobhub.users.models import Role

PASSWORD_INPUT_MAX = 1024  # a hard cap before hashing; the policy allows 128


class NormalizedEmail(fields.Email):
    """An email address, trimmed and lower-cased before it is validated (SPEC §2)."""

    def _deserialize(self, value, attr, data, **kwargs) -> str:
        if isinstance(value, str):
            value = value.strip().lower()
        return super()._deserialize(value, attr, data, **kwargs)


class UserSchema(Schema):
    """An account with its profile; never the password hash."""

    id = fields.Integer(metadata={"example": 42})
    email = fields.Email(metadata={"example": "alice@example.com"})
    full_name = fields.String(metadata={"example": "Alice Moreau"})
    role = fields.Enum(Role, by_value=True, metadata={"example": "candidate"})
    is_active = fields.Boolean(metadata={"example": True})
    email_verified = fields.Boolean(metadata={"example": False})
    created_at = UtcDateTime(metadata={"example": "2026-11-22T09:30:00Z"})
    updated_at = UtcDateTime(metadata={"example": "2026-11-22T09:30:00Z"})
    last_login_at = UtcDateTime(allow_none=True, metadata={"example": "2026-11-23T08:00:00Z"})
    deleted_at = UtcDateTime(allow_none=True, metadata={"example": None})
    headline = fields.String(allow_none=True, metadata={"example": "Backend engineer"})
    location = fields.String(allow_none=True, metadata={"example": "Lyon, France"})
    bio = fields.String(allow_none=True, metadata={"example": "Eight years of Python."})
    skills = fields.List(fields.String(), metadata={"example": ["python", "postgresql"]})
    years_experience = fields.Integer(allow_none=True, metadata={"example": 8})
    desired_roles = fields.List(fields.String(), metadata={"example": ["Backend engineer"]})
    open_to_work = fields.Boolean(metadata={"example": True})
    links = fields.Dict(
        keys=fields.String(),
        values=fields.String(),
        metadata={"example": {"github": "https://github.com/alice"}},
    )


class ProfileUpdateSchema(ChangeSchema):
    """Fields a user may change on their own profile; anything else is refused (422).

    ``skills``, ``years_experience``, ``desired_roles`` and ``open_to_work`` are for
    candidates only. ``null`` clears an optional text field.
    """

    EMPTY_MESSAGE = "Send at least one field to change."

    full_name = Line(validate=validate.Length(min=1, max=200))
    headline = Line(allow_none=True, validate=validate.Length(max=200))
    location = Line(allow_none=True, validate=validate.Length(max=200))
    bio = fields.String(allow_none=True, validate=validate.Length(max=5000))
    skills = fields.List(
        fields.String(validate=validate.Length(min=1, max=100)),
        validate=validate.Length(max=50),
    )
    years_experience = fields.Integer(allow_none=True, validate=validate.Range(min=0, max=70))
    desired_roles = fields.List(
        fields.String(validate=validate.Length(min=1, max=100)),
        validate=validate.Length(max=20),
    )
    open_to_work = fields.Boolean()
    links = fields.Dict(
        keys=fields.String(validate=validate.Length(min=1, max=40)),
        values=HttpUrl(),
        validate=validate.Length(max=10),
    )


PROFILE_UPDATE_EXAMPLE = {
    "headline": "Backend engineer",
    "location": "Lyon, France",
    "skills": ["Python", "postgres", "Docker"],
    "years_experience": 8,
    "desired_roles": ["Backend engineer", "Platform engineer"],
    "open_to_work": True,
    "links": {"github": "https://github.com/alice"},
}


class DeleteAccountSchema(Schema):
    password = fields.String(
        required=True,
        validate=validate.Length(min=1, max=PASSWORD_INPUT_MAX),
        metadata={"description": "The account's current password, as confirmation."},
    )


class RetainedSchema(Schema):
    what = fields.String(metadata={"example": "anonymised applications at the companies"})
    why = fields.String(metadata={"example": "The employer's hiring records."})


class ErasureReceiptSchema(Schema):
    """What erasing the account did (SPEC §10): removed, anonymised, and kept with why."""

    erased = fields.List(fields.String(), metadata={"example": ["resumes and their files (1)"]})
    anonymised = fields.List(
        fields.String(), metadata={"example": ["account: email, name, password and profile"]}
    )
    retained = fields.List(fields.Nested(RetainedSchema))


class UserListArgsSchema(Schema):
    role = fields.Enum(Role, by_value=True, metadata={"description": "Only this role."})
    is_active = fields.Boolean(metadata={"description": "Only active (or disabled) accounts."})
    q = fields.String(
        validate=validate.Length(min=1, max=100),
        metadata={"description": "Part of the email or the name, case-insensitive."},
    )
    include_deleted = fields.Boolean(
        load_default=False, metadata={"description": "Include deleted (anonymised) accounts."}
    )


class AccountChangeSchema(ChangeSchema):
    """``PATCH /admin/users/{id}``: what an admin may change of an account."""

    EMPTY_MESSAGE = "Give is_active, email_verified or both."

    is_active = fields.Boolean(
        metadata={"description": "false ends every session of the user at once."}
    )
    email_verified = fields.Boolean()
