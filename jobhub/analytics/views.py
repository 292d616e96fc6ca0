"""Analytics endpoints (SPEC §9): arguments → policy → one service call → response.

Every answer carries ``X-Cache: hit|miss`` and a ``Cache-Control``: ``private,
no-store`` for the dashboards (they are personal), ``public, max-age=300`` for the
public responsiveness.
"""

from __future__ import annotations

import functools
import json
from typing import Any

from flask import Response
from flask_smorest import Blueprint
from marshmallow import Schema

from jobhub.analytics import policies, services
from jobhub.analytics.schemas import (
    DEFINITIONS,
    AnalyticsArgsSchema,
    CandidateAnalyticsSchema,
    CompanyAnalyticsSchema,
    JobAnalyticsSchema,
    PlatformAnalyticsSchema,
    ResponsivenessSchema,
)
from jobhub.security import auth_required, authorize, current_user

blp = Blueprint("analytics", __name__, description=DEFINITIONS)

PRIVATE = "private, no-store"
PUBLIC = f"public, max-age={services.RESPONSIVENESS_CACHE_SECONDS}"
HEADERS_DOC = {
    "X-Cache": {
        "description": "hit or miss: whether the answer came from the analytics cache "
        "(absent when the cache is off).",
        "schema": {"type": "string", "enum": ["hit", "miss"]},
    },
    "Cache-Control": {
        "description": "`private, no-store` (dashboards) or `public, "
        "max-age=300` (responsiveness).",
        "schema": {"type": "string"},
    },
}


@functools.cache
def _schema(schema: type[Schema]) -> Schema:
    return schema()


def _render(schema: type[Schema]) -> services.Render:
    """The body of an answer shaped by ``schema`` (one instance per process, used only on
    a miss: a cache hit serialises nothing)."""
    return lambda answer: json.dumps(_schema(schema).dump(answer), separators=(",", ":"))


def _respond(answer: services.Answer, cache_control: str) -> Response:
    """The rendered body as it was computed or cached (the schema already shaped it)."""
    body, state = answer
    response = Response(body, status=200, mimetype="application/json")
    response.headers["Cache-Control"] = cache_control
    if state is not None:
        response.headers["X-Cache"] = state
    return response


def _range(args: dict[str, Any]) -> services.Range:
    return services.resolve_range(
        first=args["first"], last=args["last"], interval=args["interval"], zone=args["tz"]
    )


@blp.route("/analytics/me")
@auth_required("candidate")
@blp.arguments(AnalyticsArgsSchema, location="query")
@blp.response(200, CandidateAnalyticsSchema, headers=HEADERS_DOC)
def my_analytics(args: dict[str, Any]) -> Response:
    """Your search (candidates): counts by status, rates, trend, skills, companies, gap."""
    return _respond(
        services.candidate_dashboard(
            user=current_user, range_=_range(args), render=_render(CandidateAnalyticsSchema)
        ),
        PRIVATE,
    )


@blp.route("/analytics/jobs/<int:job_id>")
@auth_required()
@blp.arguments(AnalyticsArgsSchema, location="query")
@blp.response(200, JobAnalyticsSchema, headers=HEADERS_DOC)
def job_analytics(args: dict[str, Any], job_id: int) -> Response:
    """A job's funnel, time in stage, response times, match scores, skills and sources."""
    job = services.job_subject(actor=current_user, job_id=job_id)
    authorize(
        policies.can_view_company_analytics(current_user, job.membership),
        "No such job.",
        hidden=True,
    )
    return _respond(
        services.job_dashboard(job=job, range_=_range(args), render=_render(JobAnalyticsSchema)),
        PRIVATE,
    )


@blp.route("/analytics/companies/<int:company_id>")
@auth_required()
@blp.arguments(AnalyticsArgsSchema, location="query")
@blp.response(200, CompanyAnalyticsSchema, headers=HEADERS_DOC)
def company_analytics(args: dict[str, Any], company_id: int) -> Response:
    """The job measures over every live job of the company, plus one row per job."""
    company = services.company_subject(user_id=current_user.id, company_id=company_id)
    authorize(
        policies.can_view_company_analytics(current_user, company.membership),
        "No such company.",
        hidden=True,
    )
    return _respond(
        services.company_dashboard(
            company=company, range_=_range(args), render=_render(CompanyAnalyticsSchema)
        ),
        PRIVATE,
    )


@blp.route("/analytics/platform")
@auth_required("admin")
@blp.arguments(AnalyticsArgsSchema, location="query")
@blp.response(200, PlatformAnalyticsSchema, headers=HEADERS_DOC)
def platform_analytics(args: dict[str, Any]) -> Response:
    """The platform's health (admins): users, jobs, moderation, applications, hires."""
    return _respond(
        services.platform_dashboard(range_=_range(args), render=_render(PlatformAnalyticsSchema)),
        PRIVATE,
    )


@blp.route("/companies/<int:company_id>/responsiveness")
@blp.response(200, ResponsivenessSchema, headers=HEADERS_DOC)
def company_responsiveness(company_id: int) -> Response:
    """How often and how fast the company answers applicants (public; last 90 days)."""
    company = services.company_subject(user_id=None, company_id=company_id)
    return _respond(
        services.responsiveness(company=company, render=_render(ResponsivenessSchema)), PUBLIC
    )
