"""Job payloads and the search parameters (reports: ``moderation``; ``saved_searches``)."""

from __future__ import annotations

from typing import Any

import marshmallow as ma
from marshmallow import validate

from jobhub import bulk
from jobhub import skills as taxonomy
from jobhub.jobs.models import (
    MAX_EXTERNAL_REF,
    MAX_SKILLS,
    EmploymentType,
    JobStatus,
    ModerationStatus,
    Seniority,
    WorkMode,
)
from jobhub.pagination import DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE
from jobhub.schemas import FastDump, Line, Schema, UtcDateTime

# ISO 4217 currency codes accepted for salaries (active codes, 2026).
_CODES = """
    AED AFN ALL AMD ANG AOA ARS AUD AWG AZN BAM BBD BDT BGN BHD BIF BMD BND BOB BRL BSD BTN
    BWP BYN BZD CAD CDF CHF CLP CNY COP CRC CUP CVE CZK DJF DKK DOP DZD EGP ERN ETB EUR FJD
    FKP GBP GEL GHS GIP GMD GNF GTQ GYD HKD HNL HTG HUF IDR ILS INR IQD IRR ISK JMD JOD JPY
    KES KGS KHR KMF KPW KRW KWD KYD KZT LAK LBP LKR LRD LSL LYD MAD MDL MGA MKD MMK MNT MOP
    MRU MUR MVR MWK MXN MYR MZN NAD NGN NIO NOK NPR NZD OMR PAB PEN PGK PHP PKR PLN PYG QAR
    RON RSD RUB RWF SAR SBD SCR SDG SEK SGD SHP SLE SOS SRD SSP STN SVC SYP SZL THB TJS TMT
    TND TOP TRY TTD TWD TZS UAH UGX USD UYU UZS VES VND VUV WST XAF XCD XCG XOF XPF YER ZAR
    ZMW ZWG
"""
CURRENCIES = frozenset(_CODES.split())
MAX_SALARY = 100_000_000


# Any case: "de" is taken as DE. The document says so (the pattern), so that a lower-case
# code is not a schema-violating request the server accepts.
COUNTRY_PATTERN = r"^[A-Za-z]{2}$"
COUNTRY_DESCRIPTION = "An ISO 3166-1 alpha-2 code in any case (stored upper-case)."


def _upper(value: Any) -> Any:
    # ASCII only: "ß".upper() is "SS", which would pass the pattern the sent value fails.
    return value.strip().upper() if isinstance(value, str) and value.isascii() else value


def _strip(value: Any) -> Any:
    return value.strip() if isinstance(value, str) else value


MAX_SKILL_LENGTH = 100  # job_skills.skill, saved_search_skills.skill


def _fits_once_cleaned(name: str) -> None:
    if len(taxonomy.clean(name)) > MAX_SKILL_LENGTH:
        raise ma.ValidationError(f"Longer than {MAX_SKILL_LENGTH} characters in lower case.")


class SkillList(ma.fields.List):
    """A JSON list of skills (each kept as the taxonomy cleans it: it must still fit)."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(
            ma.fields.String(
                validate=[validate.Length(min=1, max=MAX_SKILL_LENGTH), _fits_once_cleaned]
            ),
            validate=validate.Length(max=MAX_SKILLS),
            **kwargs,
        )


class SkillQueryList(SkillList):
    """Skills in a query string: ``skills=python,django`` or repeated ``skills=``.

    The documented bounds (30 values of 1-100 characters) hold for the values as sent;
    each is then split at its commas. More distinct skills than a job can list match
    nothing (the search answers an empty page), they are not refused.
    """

    def _deserialize(self, value: Any, attr: Any, data: Any, **kwargs: Any) -> list[str]:
        if isinstance(value, str):
            value = [value]
        sent = super()._deserialize(value, attr, data, **kwargs)
        for validator in self.validators:
            validator(sent)
        return [part for item in sent for part in item.split(",") if part.strip()]

    def _validate(self, value: Any) -> None:
        """The bounds were checked on the values as sent, before splitting."""


class CompanySummarySchema(FastDump):
    """The company as a job shows it."""

    id = ma.fields.Integer()
    name = ma.fields.String()
    slug = ma.fields.String()
    verified = ma.fields.Boolean()


class _JobFields(Schema):
    title = Line(validate=validate.Length(min=3, max=200))
    description = ma.fields.String(validate=validate.Length(min=1, max=50_000))
    location = Line(allow_none=True, validate=validate.Length(max=200))
    country = ma.fields.String(
        allow_none=True,
        validate=validate.Regexp(COUNTRY_PATTERN, error="An ISO 3166-1 alpha-2 code, e.g. DE."),
        metadata={"description": COUNTRY_DESCRIPTION},
    )
    remote = ma.fields.Enum(WorkMode, by_value=True)
    employment_type = ma.fields.Enum(EmploymentType, by_value=True)
    seniority = ma.fields.Enum(Seniority, by_value=True)
    salary_min = ma.fields.Integer(allow_none=True, validate=validate.Range(0, MAX_SALARY))
    salary_max = ma.fields.Integer(allow_none=True, validate=validate.Range(0, MAX_SALARY))
    salary_currency = ma.fields.String(
        allow_none=True,
        validate=validate.OneOf(sorted(CURRENCIES), error="Not an ISO 4217 currency code."),
    )
    skills = SkillList(metadata={"description": "Required skills, normalised by the taxonomy."})
    nice_to_have_skills = SkillList()
    expires_at = UtcDateTime(allow_none=True)
    external_ref = Line(
        allow_none=True,
        validate=validate.Length(min=1, max=MAX_EXTERNAL_REF),
        metadata={
            "description": "Your own reference for the job (unique within the company; "
            "application imports may name the job by it as `job_reference`)."
        },
    )

    @ma.pre_load
    def _clean(self, data: Any, **_: Any) -> Any:
        if not isinstance(data, dict):
            return data
        data = {key: _strip(value) for key, value in data.items()}
        for key in ("country", "salary_currency"):
            if key in data:
                data[key] = _upper(data[key])
        return data

    @ma.validates_schema
    def _salary_range(self, data: dict[str, Any], **_: Any) -> None:
        low, high = data.get("salary_min"), data.get("salary_max")
        if low is not None and high is not None and low > high:
            raise ma.ValidationError("Must not exceed salary_max.", "salary_min")


class JobCreateSchema(_JobFields):
    company_id = ma.fields.Integer(required=True)
    title = Line(required=True, validate=validate.Length(min=3, max=200))
    description = ma.fields.String(required=True, validate=validate.Length(min=1, max=50_000))
    remote = ma.fields.Enum(WorkMode, by_value=True, load_default=WorkMode.ONSITE)
    employment_type = ma.fields.Enum(
        EmploymentType, by_value=True, load_default=EmploymentType.FULL_TIME
    )
    seniority = ma.fields.Enum(Seniority, by_value=True, load_default=Seniority.MID)
    skills = SkillList(load_default=list)
    nice_to_have_skills = SkillList(load_default=list)
    status = ma.fields.Enum(
        JobStatus,
        by_value=True,
        load_default=JobStatus.DRAFT,
        validate=validate.OneOf([JobStatus.DRAFT, JobStatus.PUBLISHED]),
    )


class JobUpdateSchema(_JobFields):
    status = ma.fields.Enum(JobStatus, by_value=True)


class JobSchema(FastDump):
    id = ma.fields.Integer()
    company_id = ma.fields.Integer()
    company = ma.fields.Nested(CompanySummarySchema)
    title = ma.fields.String()
    description = ma.fields.String()
    location = ma.fields.String(allow_none=True)
    country = ma.fields.String(allow_none=True)
    remote = ma.fields.Enum(WorkMode, by_value=True)
    employment_type = ma.fields.Enum(EmploymentType, by_value=True)
    seniority = ma.fields.Enum(Seniority, by_value=True)
    salary_min = ma.fields.Integer(allow_none=True)
    salary_max = ma.fields.Integer(allow_none=True)
    salary_currency = ma.fields.String(allow_none=True)
    skills = ma.fields.List(ma.fields.String())
    nice_to_have_skills = ma.fields.List(ma.fields.String())
    status = ma.fields.Enum(JobStatus, by_value=True)
    moderation_status = ma.fields.Enum(ModerationStatus, by_value=True)
    moderation_reason = ma.fields.String(allow_none=True)
    published_at = UtcDateTime(allow_none=True)
    expires_at = UtcDateTime(allow_none=True)
    closed_at = UtcDateTime(allow_none=True)
    views = ma.fields.Integer()
    applications_count = ma.fields.Integer()
    created_at = UtcDateTime()
    updated_at = UtcDateTime()
    deleted_at = UtcDateTime(allow_none=True)
    external_ref = ma.fields.String(
        allow_none=True,
        attribute="shown_external_ref",
        metadata={
            "description": "The company's own reference: its members and admins only "
            "(null for anyone else)."
        },
    )


class SearchFilters(Schema):
    # A saved search's own fields (its subclasses'), which are not filters.
    SAVED_SEARCH_FIELDS = ("name", "alert")
    EMPTY_MEANS_ANY = ("q", "location")
    # An empty value means "not filtered" (see _clean), so no minimum length.
    q = ma.fields.String(
        validate=validate.Length(max=200), metadata={"description": "Empty: not filtered."}
    )
    location = Line(
        validate=validate.Length(max=200), metadata={"description": "Empty: not filtered."}
    )
    country = ma.fields.String(
        validate=validate.Regexp(COUNTRY_PATTERN), metadata={"description": COUNTRY_DESCRIPTION}
    )
    remote = ma.fields.Enum(WorkMode, by_value=True)
    employment_type = ma.fields.Enum(EmploymentType, by_value=True)
    seniority = ma.fields.Enum(Seniority, by_value=True)
    salary_min = ma.fields.Integer(
        validate=validate.Range(0, MAX_SALARY),
        metadata={"description": "Jobs whose salary range reaches this amount."},
    )
    salary_currency = ma.fields.String(validate=validate.OneOf(sorted(CURRENCIES)))
    skills = SkillList(metadata={"description": "Every one required (aliases accepted)."})
    company_id = ma.fields.Integer()
    posted_within_days = ma.fields.Integer(validate=validate.Range(1, 365))
    sort = ma.fields.String(validate=validate.OneOf(["relevance", "newest", "salary"]))

    def on_bind_field(self, field_name: str, field_obj: ma.fields.Field) -> None:
        # In a saved search, null clears a parameter (query strings never send null).
        if field_name not in self.SAVED_SEARCH_FIELDS:
            field_obj.allow_none = True

    @ma.pre_load
    def _clean(self, data: Any, **_: Any) -> Any:
        if not hasattr(data, "items"):
            return data
        # Only the filters are cleaned: a saved search's name is taken as sent, so that
        # its documented length holds for what was sent ("" and 101 characters are 422s).
        own = self.SAVED_SEARCH_FIELDS
        cleaned = {key: value if key in own else _strip(value) for key, value in data.items()}
        for key in ("country", "salary_currency"):
            if key in cleaned:
                cleaned[key] = _upper(cleaned[key])
        # An empty text filter means "not filtered" (documented); an empty value of any
        # other filter is validated as sent (a 422 where the schema does not allow it).
        empty_is_any = self.EMPTY_MEANS_ANY
        return {k: v for k, v in cleaned.items() if v != "" or k not in empty_is_any}


class JobSearchArgsSchema(SearchFilters):
    skills = SkillQueryList(
        metadata={"description": "Comma-separated; every one required (aliases accepted)."}
    )
    page = ma.fields.Integer(load_default=1, validate=validate.Range(min=1))
    page_size = ma.fields.Integer(
        load_default=DEFAULT_PAGE_SIZE, validate=validate.Range(1, MAX_PAGE_SIZE)
    )
    cursor = ma.fields.String(
        validate=validate.Length(max=500),
        metadata={"description": "Opaque keyset cursor from X-Pagination's next_cursor."},
    )


class MyJobsArgsSchema(Schema):
    status = ma.fields.Enum(JobStatus, by_value=True)
    moderation_status = ma.fields.Enum(ModerationStatus, by_value=True)
    company_id = ma.fields.Integer()
    deleted = ma.fields.Boolean(
        load_default=False, metadata={"description": "List the deleted jobs (to restore)."}
    )


# -- bulk (SPEC §10) -------------------------------------------------------------------


class JobBulkCreateSchema(Schema):
    items = bulk.items_field(
        metadata={"description": "1 to 1,000 jobs, each as the body of POST /jobs."}
    )


class JobBulkUpdateItemSchema(JobUpdateSchema):
    id = ma.fields.Integer(required=True, validate=validate.Range(min=1))


class JobBulkUpdateSchema(Schema):
    items = bulk.items_field(
        metadata={"description": "1 to 1,000 changes: each `{id, ...}` as PATCH /jobs/{id}."}
    )


class JobBulkDeleteSchema(Schema):
    ids = bulk.ids_field(metadata={"description": "1 to 1,000 distinct job ids."})
