"""Saved-search payloads: a name, ``alert``, and the flat parameters of ``GET /jobs``."""

from __future__ import annotations

import marshmallow as ma
from marshmallow import validate

from jobhub.companies.models import Company
from jobhub.jobs.schemas import SearchFilters
from jobhub.schemas import Id, Line, Schema, UtcDateTime


class SavedSearchCreateSchema(SearchFilters):
    name = Line(required=True, validate=validate.Length(min=1, max=100))
    alert = ma.fields.Boolean(load_default=True)
    # Stored as a foreign key: an unknown company is a 422, not a refused flush.
    company_id = Id(allow_none=True, references=Company)


class SavedSearchUpdateSchema(SearchFilters):
    name = Line(validate=validate.Length(min=1, max=100))
    alert = ma.fields.Boolean()
    company_id = Id(allow_none=True, references=Company)


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
