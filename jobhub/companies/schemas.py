"""Company payloads."""

from __future__ import annotations

import marshmallow as ma
from marshmallow import validate

from jobhub.companies.models import CompanySize, MemberRole
from jobhub.schemas import HttpUrl, Line, Schema, UtcDateTime

SLUG_PATTERN = r"^[a-z0-9]+(?:-[a-z0-9]+)*$"


def _strip(value: object) -> object:
    return value.strip() if isinstance(value, str) else value


class _CompanyFields(Schema):
    description = ma.fields.String(allow_none=True, validate=validate.Length(max=20_000))
    website = HttpUrl(
        allow_none=True,
        blank_is_none=True,
        metadata={"description": "An http(s) URL; an empty string clears it (null)."},
    )
    location = Line(allow_none=True, validate=validate.Length(max=200))
    size = ma.fields.Enum(CompanySize, by_value=True, allow_none=True)

    @ma.pre_load
    def _strip_strings(self, data: dict, **_: object) -> dict:
        return (
            {key: _strip(value) for key, value in data.items()} if isinstance(data, dict) else data
        )


class CompanyCreateSchema(_CompanyFields):
    name = Line(required=True, validate=validate.Length(min=2, max=200))
    slug = ma.fields.String(
        validate=[validate.Length(min=2, max=80), validate.Regexp(SLUG_PATTERN)],
        metadata={
            "description": "Lower-case words joined by hyphens; derived from the name when omitted."
        },
    )


class CompanyUpdateSchema(_CompanyFields):
    name = Line(validate=validate.Length(min=2, max=200))
    verified = ma.fields.Boolean(metadata={"description": "Admins only."})


class CompanySchema(Schema):
    id = ma.fields.Integer(dump_only=True)
    name = ma.fields.String()
    slug = ma.fields.String()
    description = ma.fields.String(allow_none=True)
    website = ma.fields.String(allow_none=True)
    location = ma.fields.String(allow_none=True)
    size = ma.fields.Enum(CompanySize, by_value=True, allow_none=True)
    verified = ma.fields.Boolean()
    created_at = UtcDateTime()
    updated_at = UtcDateTime()


class CompanyListArgsSchema(Schema):
    q = ma.fields.String(validate=validate.Length(min=1, max=200))
    verified = ma.fields.Boolean()
    location = Line(validate=validate.Length(min=1, max=200))


class MemberCreateSchema(Schema):
    email = ma.fields.Email(required=True)
    role = ma.fields.Enum(MemberRole, by_value=True, load_default=MemberRole.RECRUITER)

    @ma.pre_load
    def _strip_email(self, data: dict, **_: object) -> dict:
        if isinstance(data, dict) and isinstance(data.get("email"), str):
            return {**data, "email": data["email"].strip()}
        return data


class MemberSchema(Schema):
    user_id = ma.fields.Integer()
    email = ma.fields.String(attribute="user.email")
    full_name = ma.fields.String(attribute="user.full_name")
    role = ma.fields.Enum(MemberRole, by_value=True)
    created_at = UtcDateTime()
