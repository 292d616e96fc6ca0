"""Saved-search payloads: a name, ``alert``, and the flat parameters of ``GET /jobs``."""

from __future__ import annotations

import marshmallow as ma
from marshmallow import validate

from jobhub.jobs.schemas import SearchFilters
from jobhub.schemas import Schema, UtcDateTime


class SavedSearchCreateSchema(SearchFilters):
    name = ma.fields.String(required=True, validate=validate.Length(min=1, max=100))
    alert = ma.fields.Boolean(load_default=True)


class SavedSearchUpdateSchema(SearchFilters):
    name = ma.fields.String(validate=validate.Length(min=1, max=100))
    alert = ma.fields.Boolean()


class SavedSearchSchema(Schema):
    id = ma.fields.Integer()
    name = ma.fields.String()
    alert = ma.fields.Boolean()
    q = ma.fields.String(allow_none=True)
    location = ma.fields.String(allow_none=True)
    country = ma.fields.String(allow_none=True)
    remote = ma.fields.String(allow_none=True)
    employment_type = ma.fields.String(allow_none=True)
    seniority = ma.fields.String(allow_none=True)
    salary_min = ma.fields.Integer(allow_none=True)
    salary_currency = ma.fields.String(allow_none=True)
    skills = ma.fields.List(ma.fields.String())
    company_id = ma.fields.Integer(allow_none=True)
    posted_within_days = ma.fields.Integer(allow_none=True)
    sort = ma.fields.String(allow_none=True)
    created_at = UtcDateTime()
    updated_at = UtcDateTime()
