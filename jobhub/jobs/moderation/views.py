"""Moderation endpoints for admins: decide on a job, and the queue of jobs awaiting one."""

from __future__ import annotations

from typing import Any

from flask_smorest import Blueprint

from jobhub.jobs import services as jobs
from jobhub.jobs.models import Job
from jobhub.jobs.moderation import queries, services
from jobhub.jobs.moderation.schemas import ModerationQueueArgsSchema, ModerationSchema
from jobhub.jobs.schemas import JobSchema
from jobhub.pagination import PAGINATION, paginated
from jobhub.security import auth_required, current_user

blp = Blueprint("admin-jobs", __name__, description="Job moderation (admins).")


@blp.route("/jobs/<int:job_id>/moderate", methods=["POST"])
@auth_required("admin")
@blp.arguments(ModerationSchema)
@blp.response(200, JobSchema)
def moderate_job(data: dict[str, Any], job_id: int) -> Job:
    """Approve or reject a job; its open reports are resolved and its employer notified."""
    job = jobs.get_visible_job(actor=current_user, job_id=job_id)
    return services.moderate_job(
        job=job, actor=current_user, decision=data["decision"], reason=data.get("reason")
    )


@blp.route("/jobs/queue")
@auth_required("admin")
@blp.arguments(ModerationQueueArgsSchema, location="query")
@blp.response(200, JobSchema(many=True))
@blp.paginate(**PAGINATION)
def moderation_queue(args: dict[str, Any], pagination_parameters) -> list[Job]:
    """Published jobs awaiting a decision (pending or flagged), oldest first."""
    query = queries.moderation_queue_query(actor=current_user, **args)
    return paginated(query, pagination_parameters)
