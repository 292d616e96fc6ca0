"""Job endpoints (SPEC §3): search, posting, reports; thin views → policy → one service call."""

from __future__ import annotations

import functools
import json
from typing import Any

from flask import Response, g
from flask_smorest import Blueprint

from jobhub import bulk
from jobhub.companies import services as companies
from jobhub.companies.models import Company
from jobhub.errors import NotFound, ValidationError
from jobhub.jobs import policies, services
from jobhub.jobs.models import REFERENCE_VIEWER, Job
from jobhub.jobs.moderation import policies as moderation_policies
from jobhub.jobs.moderation import services as moderation
from jobhub.jobs.moderation.models import JobReport, ModerationDecision
from jobhub.jobs.moderation.schemas import DecisionSchema, ReportCreateSchema, ReportSchema
from jobhub.jobs.schemas import (
    JobBulkCreateSchema,
    JobBulkDeleteSchema,
    JobBulkUpdateItemSchema,
    JobBulkUpdateSchema,
    JobCreateSchema,
    JobSchema,
    JobSearchArgsSchema,
    JobUpdateSchema,
    MyJobsArgsSchema,
)
from jobhub.jobs.search import services as search
from jobhub.pagination import PAGINATION, paginated_in_one
from jobhub.security import (
    API_KEY_SECURITY,
    BEARER,
    auth_optional,
    auth_required,
    authorize,
    current_user,
    optional_user,
)

blp = Blueprint("jobs", __name__, description="Job posting, search, reports.")


@blp.before_app_request
def _reference_viewer() -> None:
    """Who sees jobs' ``external_ref`` in this request's payloads (any blueprint's): the
    caller, resolved when a job with a reference is first shown."""
    answer: list[Any] = []

    def sees(company_id: int) -> bool:
        if not answer:
            try:
                caller = optional_user()
            except RuntimeError:  # no token was looked at: anonymous
                caller = None
            answer.append(services.reference_viewer(caller))
        return answer[0](company_id)

    g.setdefault(REFERENCE_VIEWER, sees)


# Public endpoints that also accept a token (members and admins see more).
OPTIONAL_BEARER = [{}, *BEARER]
SEARCH_HEADERS_DOC = {
    "X-Pagination": {
        "description": (
            "JSON: total, total_pages, first_page, last_page, page, previous_page, "
            "next_page (page mode) and next_cursor (both modes; absent on the last page)."
        ),
        "schema": {"type": "string"},
    },
    "X-Cache": {
        "description": "hit or miss: whether an anonymous search came from the cache "
        "(absent when the cache is off or the caller is signed in).",
        "schema": {"type": "string", "enum": ["hit", "miss"]},
    },
}


def _cached_for_anonymous(view: Any) -> Any:
    """Anonymous searches share their results: from the cache (``X-Cache: hit``), or run,
    stored and sent (``miss``). Signed-in callers see more than the public, so theirs are
    never cached. Wraps the ``@blp.response`` view: it caches the response it renders."""

    @functools.wraps(view)
    def wrapper(args: dict[str, Any]) -> Response:
        if optional_user() is not None:
            return view(args)
        cached, key = search.cached_search(args)
        if cached is not None:
            entry = json.loads(cached)
            response = Response(entry["body"], status=200, mimetype="application/json")
            response.headers["X-Pagination"] = entry["pagination"]
            response.headers["X-Cache"] = "hit"
            return response
        response = view(args)
        if key is not None:  # the cache is on and answered
            body = response.get_data(as_text=True)
            entry = {"body": body, "pagination": response.headers["X-Pagination"]}
            search.store_search(key, json.dumps(entry))
            response.headers["X-Cache"] = "miss"
        return response

    return wrapper


@blp.route("")
@blp.doc(security=OPTIONAL_BEARER)
@blp.arguments(JobSearchArgsSchema, location="query")
@auth_optional
@_cached_for_anonymous
@blp.response(200, JobSchema(many=True), headers=SEARCH_HEADERS_DOC)
@blp.alt_response(
    400,
    response="DEFAULT_ERROR",
    description="`bad_request`: a cursor this server did not issue, or one that expired.",
)
def search_jobs(args: dict[str, Any]) -> Any:
    """Search jobs: full text (`q`), filters, `sort`, page or cursor (public)."""
    result, pagination = search.search_jobs(actor=optional_user(), args=args)
    return result.jobs, {"X-Pagination": json.dumps(pagination)}


@blp.route("", methods=["POST"])
@auth_required("employer", api_key="jobs:write")
@blp.arguments(JobCreateSchema)
@blp.response(201, JobSchema)
def create_job(data: dict[str, Any]) -> Job:
    """Post a job for a company you are a member of, as a draft or published."""
    try:
        company = companies.get_company(company_id=data["company_id"])
    except NotFound:
        raise ValidationError(errors={"json": {"company_id": ["No such company."]}}) from None
    role = companies.role_of(actor=current_user, company_id=company.id)
    authorize(
        policies.can_post_job(current_user, role), "Only the company's members may post its jobs."
    )
    return services.create_job(actor=current_user, company=company, data=data)


BULK_422 = (
    "`validation_error`: nothing was changed; `errors` maps each refused item's index to "
    'its field errors (`{"3": {"title": ["..."]}}`): invalid fields, a company that is not '
    "yours (`company_id`), a job you may not see or change (`id`, as a 404 or 403 would), "
    "a move the status rules refuse (`status`). A malformed body (no list, over 1,000 "
    "items) is the usual `errors.json`."
)


def _company_to_post(item: dict[str, Any], roles: dict[int, Any]) -> Company:
    """The company an item posts for, if the caller may post for it (else refused)."""
    try:
        company = companies.get_company(company_id=item["company_id"])
    except NotFound:
        raise ValidationError(errors={"json": {"company_id": ["No such company."]}}) from None
    if company.id not in roles:
        roles[company.id] = companies.role_of(actor=current_user, company_id=company.id)
    authorize(
        policies.can_post_job(current_user, roles[company.id]),
        "Only the company's members may post its jobs.",
    )
    return company


@blp.route("/bulk", methods=["POST"])
@auth_required("employer", api_key="jobs:write")
@blp.arguments(JobBulkCreateSchema)
@blp.response(200, bulk.BulkResultsSchema)
@blp.alt_response(422, response="DEFAULT_ERROR", description=BULK_422)
def bulk_create_jobs(data: dict[str, Any]) -> dict[str, Any]:
    """Post up to 1,000 jobs (each as POST /jobs): all of them, or none."""
    items = bulk.load_items(JobCreateSchema(), data["items"])
    roles: dict[int, Any] = {}
    found = bulk.check_each(items, lambda item: _company_to_post(item, roles), "company_id")
    jobs = services.bulk_create_jobs(actor=current_user, items=list(zip(found, items, strict=True)))
    return bulk.results([(job.id, job.status.value) for job in jobs])


@blp.route("/bulk", methods=["PATCH"])
@auth_required("employer", "admin", api_key="jobs:write")
@blp.arguments(JobBulkUpdateSchema)
@blp.response(200, bulk.BulkResultsSchema)
@blp.alt_response(422, response="DEFAULT_ERROR", description=BULK_422)
def bulk_update_jobs(data: dict[str, Any]) -> dict[str, Any]:
    """Change up to 1,000 jobs (each `{id, ...}` as PATCH /jobs/{id}): all, or none."""
    items = bulk.load_items(JobBulkUpdateItemSchema(), data["items"])
    bulk.refuse_repeats([item["id"] for item in items])
    jobs = bulk.check_each(items, lambda item: _editable_job(item.pop("id")), "id")
    changed = services.bulk_update_jobs(items=list(zip(jobs, items, strict=True)))
    return bulk.results([(job.id, job.status.value) for job in changed])


@blp.route("/bulk", methods=["DELETE"])
@auth_required("employer", "admin", api_key="jobs:write")
@blp.arguments(JobBulkDeleteSchema)
@blp.response(200, bulk.BulkResultsSchema)
@blp.alt_response(422, response="DEFAULT_ERROR", description=BULK_422)
def bulk_delete_jobs(data: dict[str, Any]) -> dict[str, Any]:
    """Delete up to 1,000 jobs (soft, restorable): all, or none (`status`: deleted)."""
    jobs = bulk.check_each(data["ids"], _editable_job, "id")
    deleted = services.bulk_delete_jobs(jobs=jobs)
    return bulk.results([(job.id, "deleted") for job in deleted])


@blp.route("/mine")
@auth_required("employer", api_key="jobs:read")
@blp.arguments(MyJobsArgsSchema, location="query")
@blp.response(200, JobSchema(many=True))
@blp.paginate(**PAGINATION)
def my_jobs(args: dict[str, Any], pagination_parameters) -> list[Job]:
    """Every job of your companies, any status (`deleted=true`: the trash)."""
    return paginated_in_one(
        services.my_jobs_query(actor=current_user, **args), pagination_parameters
    )


@blp.route("/<int:job_id>")
@blp.doc(security=[*OPTIONAL_BEARER, API_KEY_SECURITY], **{"x-api-key-scope": "jobs:read"})
@auth_optional(api_key="jobs:read")
@blp.response(200, JobSchema)
def get_job(job_id: int) -> Job:
    """A job: public ones for everyone, any of theirs for members, all for admins."""
    return services.read_job(actor=optional_user(), job_id=job_id)


def _editable_job(job_id: int, *, restoring: bool = False) -> Job:
    if restoring:
        job = services.get_restorable_job(actor=current_user, job_id=job_id)
    else:
        job = services.get_visible_job(actor=current_user, job_id=job_id)
    membership = services.membership(actor=current_user, job=job)
    authorize(
        policies.can_edit_job(current_user, membership),
        "Only the company's members and admins may change this job.",
    )
    return job


@blp.route("/<int:job_id>", methods=["PATCH"])
@auth_required(api_key="jobs:write")
@blp.arguments(JobUpdateSchema)
@blp.response(200, JobSchema)
@blp.alt_response(
    409,
    response="DEFAULT_ERROR",
    description="`invalid_transition`: the status cannot move there (the message lists "
    "the allowed ones).",
)
def update_job(changes: dict[str, Any], job_id: int) -> Job:
    """Edit a job or move its status (draft → published → closed; closed → published)."""
    return services.update_job(job=_editable_job(job_id), changes=changes)


@blp.route("/<int:job_id>", methods=["DELETE"])
@auth_required(api_key="jobs:write")
@blp.response(204)
def delete_job(job_id: int) -> None:
    """Delete a job (soft: restorable)."""
    services.delete_job(job=_editable_job(job_id))


@blp.route("/<int:job_id>/restore", methods=["POST"])
@auth_required(api_key="jobs:write")
@blp.response(200, JobSchema)
@blp.alt_response(
    409,
    response="DEFAULT_ERROR",
    description="`conflict`: the job is not deleted, or its company was.",
)
def restore_job(job_id: int) -> Job:
    """Undo a delete (a job that is not deleted: 409 `conflict`)."""
    return services.restore_job(job=_editable_job(job_id, restoring=True))


@blp.route("/<int:job_id>/report", methods=["POST"])
@auth_required()
@blp.arguments(ReportCreateSchema)
@blp.response(201, ReportSchema)
@blp.alt_response(
    409, response="DEFAULT_ERROR", description="`duplicate`: you have reported this job."
)
def report_job(data: dict[str, Any], job_id: int) -> JobReport:
    """Report a job (once per user); three open reports hide it until an admin decides."""
    job = services.get_visible_job(actor=current_user, job_id=job_id)
    membership = services.membership(actor=current_user, job=job)
    authorize(
        moderation_policies.can_report_job(current_user, membership),
        "You cannot report your own company's job.",
    )
    return moderation.report_job(
        job=job, actor=current_user, reason=data["reason"], details=data.get("details")
    )


@blp.route("/<int:job_id>/moderation-history")
@auth_required()
@blp.response(200, DecisionSchema(many=True))
@blp.alt_response(404, response="DEFAULT_ERROR", description="No such job, or not visible.")
def moderation_history(job_id: int) -> list[ModerationDecision]:
    """Every moderation decision on the job, oldest first: who, when, approve or reject,
    the reason code and the message the employer got (the job's members and admins)."""
    job = services.get_visible_job(actor=current_user, job_id=job_id)
    membership = services.membership(actor=current_user, job=job)
    authorize(
        moderation_policies.can_view_decisions(current_user, membership),
        "No such job.",
        hidden=True,
    )
    return moderation.decision_history(job=job)
