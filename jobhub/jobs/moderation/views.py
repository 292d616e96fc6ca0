"""Moderation endpoints for admins: decide on a job, and the queue of jobs awaiting one."""

from __future__ import annotations

from typing import Any

from flask_smorest import Blueprint

from jobhub.jobs import services as jobs
from jobhub.jobs.models import Job
from jobhub.jobs.moderation import queries, services
from jobhub.jobs.moderation.models import JobReport
from jobhub.jobs.moderation.schemas import (
    BulkModerationResultSchema,
    BulkModerationSchema,
    ModerationQueueArgsSchema,
    ModerationSchema,
    ReportListArgsSchema,
    ReportSchema,
)
from jobhub.jobs.schemas import JobSchema
from jobhub.pagination import PAGINATION, paginated
from jobhub.security import auth_required, current_user

blp = Blueprint("admin-jobs", __name__, description="Job moderation (admins).")


@blp.route("/jobs/<int:job_id>/moderate", methods=["POST"])
@auth_required("admin")
@blp.arguments(ModerationSchema)
@blp.response(200, JobSchema)
def moderate_job(data: dict[str, Any], job_id: int) -> Job:
    """Approve or reject a job with a reason code (`spam|scam|discriminatory|misleading|
    duplicate|incomplete|other`, required to reject) and a message for the employer; the
    decision joins the job's history and the audit log, open reports are resolved and the
    members are notified (in-app and by mail). `reason` (free text) is still accepted."""
    job = jobs.get_visible_job(actor=current_user, job_id=job_id)
    return services.moderate_job(job=job, actor=current_user, **data)


@blp.route("/jobs/moderate", methods=["POST"])
@auth_required("admin")
@blp.arguments(
    BulkModerationSchema,
    example={"ids": [12, 15], "decision": "reject", "reason_code": "spam", "message": "…"},
)
@blp.response(200, BulkModerationResultSchema)
@blp.alt_response(422, response="DEFAULT_ERROR", description="Invalid; nothing was changed.")
def moderate_jobs(data: dict[str, Any]) -> dict[str, Any]:
    """Bulk approve or reject (up to 1,000 jobs, one decision): everything is validated
    before anything is applied; an unknown id is a 422 naming its index."""
    ids = data.pop("ids")
    jobs_done = services.moderate_jobs(job_ids=ids, actor=current_user, **data)
    return {
        "results": [
            {"index": i, "id": job.id, "status": job.moderation_status.value}
            for i, job in enumerate(jobs_done)
        ]
    }


@blp.route("/jobs/queue")
@auth_required("admin")
@blp.arguments(ModerationQueueArgsSchema, location="query")
@blp.response(200, JobSchema(many=True))
@blp.paginate(**PAGINATION)
def moderation_queue(args: dict[str, Any], pagination_parameters) -> list[Job]:
    """Published jobs awaiting a decision (pending or flagged), oldest first."""
    query = queries.moderation_queue_query(actor=current_user, **args)
    return paginated(query, pagination_parameters)


@blp.route("/reports")
@auth_required("admin")
@blp.arguments(ReportListArgsSchema, location="query")
@blp.response(200, ReportSchema(many=True))
@blp.paginate(**PAGINATION)
def list_reports(args: dict[str, Any], pagination_parameters) -> list[JobReport]:
    """Reports on jobs, oldest first; filter by `status` (`open|resolved|dismissed`), `job_id`."""
    return paginated(queries.reports_query(**args), pagination_parameters)


@blp.route("/reports/<int:report_id>/<any(resolve, dismiss):outcome>", methods=["POST"])
@auth_required("admin")
@blp.response(200, ReportSchema)
@blp.alt_response(409, response="DEFAULT_ERROR", description="Already resolved or dismissed.")
def settle_report(report_id: int, outcome: str) -> JobReport:
    """Resolve (uphold) or dismiss an open report (audited). When every report on a
    flagged job since its last decision is dismissed, the job returns to the board."""
    report = services.get_report(report_id=report_id)
    return services.settle_report(report=report, actor=current_user, outcome=outcome)
