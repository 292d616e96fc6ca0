"""Moderation: reports from users, automatic flagging, and admins' decisions.

The admin panel of a later issue calls ``moderate_job`` too, so every decision resolves
the open reports and tells the employer the same way.
"""

from __future__ import annotations

from flask import current_app
from sqlalchemy import func, select, update

from jobhub import signals
from jobhub.audit import services as audit
from jobhub.companies import services as companies
from jobhub.db import db, utcnow
from jobhub.errors import Conflict, Duplicate, NotFound, ValidationError
from jobhub.jobs.models import Job, ModerationStatus
from jobhub.jobs.moderation.models import (
    Decision,
    JobReport,
    ModerationDecision,
    RejectionCode,
    ReportReason,
    ReportStatus,
)
from jobhub.jobs.queries import visible_jobs_query
from jobhub.jobs.services import job_written
from jobhub.users.models import User

REPORTS_TO_FLAG = 3


def report_job(*, job: Job, actor: User, reason: ReportReason, details: str | None) -> JobReport:
    """One report per user and job; the third open report flags (hides) the job."""
    already = db.session.scalar(
        select(JobReport.id).where(JobReport.job_id == job.id, JobReport.reporter_id == actor.id)
    )
    if already is not None:
        raise Duplicate("You have already reported this job.")
    report = JobReport(job_id=job.id, reporter_id=actor.id, reason=reason, details=details)
    db.session.add(report)
    db.session.flush()
    open_reports = db.session.scalar(
        select(func.count()).where(
            JobReport.job_id == job.id, JobReport.status == ReportStatus.OPEN
        )
    )
    if open_reports >= REPORTS_TO_FLAG and job.moderation_status in (
        ModerationStatus.APPROVED,
        ModerationStatus.PENDING,
    ):
        job.moderation_status = ModerationStatus.FLAGGED
        db.session.flush()
        job_written(job)
    return report


REASON_LABELS = {
    RejectionCode.SPAM: "spam",
    RejectionCode.SCAM: "a scam",
    RejectionCode.DISCRIMINATORY: "discriminatory content",
    RejectionCode.MISLEADING: "misleading content",
    RejectionCode.DUPLICATE: "a duplicate of another posting",
    RejectionCode.INCOMPLETE: "incomplete",
    RejectionCode.OTHER: "another reason",
}
BULK_MAX = 1000


def resolve_reason(
    *,
    decision: str,
    reason_code: str | None = None,
    reason: str | None = None,
    message: str | None = None,
) -> tuple[RejectionCode | None, str | None]:
    """The reason code and the employer's message of a decision.

    ``reason`` is the original free-text field of ``POST /admin/jobs/{id}/moderate``: a
    reason code given there counts as one, other text is the message (code ``other``
    on a rejection). A rejection needs a code one way or the other.
    """
    if reason is not None and reason_code is None and reason in RejectionCode._value2member_map_:
        reason_code, reason = reason, None
    text = message if message is not None else reason
    if decision == Decision.REJECT.value and reason_code is None:
        if text is None:
            raise ValidationError(
                "A rejection needs a reason code.",
                errors={"json": {"reason_code": [f"One of: {', '.join(RejectionCode)}."]}},
            )
        reason_code = RejectionCode.OTHER.value
    return (RejectionCode(reason_code) if reason_code else None), (text or None)


def moderate_job(
    *,
    job: Job,
    actor: User,
    decision: str,
    reason: str | None = None,
    reason_code: str | None = None,
    message: str | None = None,
) -> Job:
    """An admin approves or rejects a job: the decision is kept in the history and the
    audit log, open reports are resolved, and the members are told (notification and
    mail) with the reason and the message."""
    code, text = resolve_reason(
        decision=decision, reason_code=reason_code, reason=reason, message=message
    )
    _decide(job=job, actor=actor, decision=Decision(decision), code=code, text=text)
    return job


def moderate_jobs(
    *,
    job_ids: list[int],
    actor: User,
    decision: str,
    reason: str | None = None,
    reason_code: str | None = None,
    message: str | None = None,
) -> list[Job]:
    """The same decision on several jobs, all or nothing: every id is checked first
    (422 naming the unknown ones by index, nothing changed), then each is decided."""
    code, text = resolve_reason(
        decision=decision, reason_code=reason_code, reason=reason, message=message
    )
    found = {
        job.id: job
        for job in db.session.scalars(
            visible_jobs_query(actor).where(Job.id.in_(job_ids)).order_by(Job.id)
        )
    }
    missing = {str(i): ["No such job."] for i, job_id in enumerate(job_ids) if job_id not in found}
    if missing:
        raise ValidationError("Some jobs do not exist.", errors={"json": {"ids": missing}})
    jobs = [found[job_id] for job_id in job_ids]
    for job in jobs:
        _decide(job=job, actor=actor, decision=Decision(decision), code=code, text=text)
    return jobs


def _decide(
    *, job: Job, actor: User, decision: Decision, code: RejectionCode | None, text: str | None
) -> ModerationDecision:
    now = utcnow()
    before = job.moderation_status
    entry = ModerationDecision(
        job_id=job.id,
        actor_id=actor.id,
        decision=decision,
        reason_code=code,
        message=text,
        from_status=before.value,
        pending_since=_pending_since(job),
        created_at=now,
    )
    db.session.add(entry)
    job.moderation_status = (
        ModerationStatus.APPROVED if decision == Decision.APPROVE else ModerationStatus.REJECTED
    )
    job.moderation_reason = _reason_text(code, text)
    job.moderated_at = now
    job.moderated_by_id = actor.id
    db.session.execute(
        update(JobReport)
        .where(JobReport.job_id == job.id, JobReport.status == ReportStatus.OPEN)
        .values(status=ReportStatus.RESOLVED, resolved_at=now)
        .execution_options(synchronize_session=False)
    )
    db.session.flush()
    _audit_decision(job, actor, before, code, text)
    job_written(job)
    signals.job_moderated.send(current_app._get_current_object(), job=job, decision=decision.value)
    _tell_members(job=job, decision=decision.value, code=code, message=text)
    return entry


def _reason_text(code: RejectionCode | None, text: str | None) -> str | None:
    """What ``Job.moderation_reason`` shows: the message, else the code."""
    return text or (code.value if code else None)


def _pending_since(job: Job):
    """When the job began waiting: flagged by its third open report, else published."""
    if job.moderation_status == ModerationStatus.FLAGGED:
        flagged_at = db.session.scalar(
            select(JobReport.created_at)
            .where(JobReport.job_id == job.id, JobReport.status == ReportStatus.OPEN)
            .order_by(JobReport.created_at, JobReport.id)
            .offset(REPORTS_TO_FLAG - 1)
            .limit(1)
        )
        if flagged_at is not None:
            return flagged_at
    return job.published_at


def _audit_decision(
    job: Job, actor: User, before: ModerationStatus, code: RejectionCode | None, text: str | None
) -> None:
    changes: dict = {"moderation_status": [before.value, job.moderation_status.value]}
    if code is not None:
        changes["reason_code"] = [None, code.value]
    if text is not None:
        changes["message"] = [None, text]
    audit.record(
        action="job.moderated", actor=actor, target_type="job", target_id=job.id, changes=changes
    )


def get_report(*, report_id: int) -> JobReport:
    report = db.session.get(JobReport, report_id) if 0 < report_id < 2**31 else None
    if report is None:
        raise NotFound("No such report.")
    return report


def settle_report(*, report: JobReport, actor: User, outcome: str) -> JobReport:
    """An admin resolves (upholds) or dismisses an open report, audited. A flagged job
    whose reports since its last decision are all dismissed returns to the board
    (approved: only public jobs can be reported by the public)."""
    if report.status != ReportStatus.OPEN:
        raise Conflict("This report was already settled.")
    status = ReportStatus.RESOLVED if outcome == "resolve" else ReportStatus.DISMISSED
    report.status, report.resolved_at = status, utcnow()
    db.session.flush()
    audit.record(
        action=f"report.{status.value}",
        actor=actor,
        target_type="report",
        target_id=report.id,
        changes={
            "status": [ReportStatus.OPEN.value, status.value],
            "job_id": [None, report.job_id],
        },
    )
    job = db.session.get(Job, report.job_id)
    if status == ReportStatus.DISMISSED and job is not None and _all_dismissed(job):
        back = ModerationStatus.APPROVED
        job.moderation_status = back
        db.session.flush()
        audit.record(
            action="job.unflagged",
            actor=actor,
            target_type="job",
            target_id=job.id,
            changes={"moderation_status": [ModerationStatus.FLAGGED.value, back.value]},
        )
        job_written(job)
    return report


def _all_dismissed(job: Job) -> bool:
    if job.moderation_status != ModerationStatus.FLAGGED:
        return False
    since = [JobReport.job_id == job.id]
    if job.moderated_at is not None:
        since.append(JobReport.created_at >= job.moderated_at)
    undismissed = db.session.scalar(
        select(func.count()).where(*since, JobReport.status != ReportStatus.DISMISSED)
    )
    return undismissed == 0


def decision_history(*, job: Job) -> list[ModerationDecision]:
    """Every decision on the job, oldest first."""
    return list(
        db.session.scalars(
            select(ModerationDecision)
            .where(ModerationDecision.job_id == job.id)
            .order_by(ModerationDecision.id)
        )
    )


def _tell_members(
    *, job: Job, decision: str, code: RejectionCode | None, message: str | None
) -> None:
    """``job.moderated`` to every member of the job's company (in-app and by mail)."""
    verdict = "approved" if decision == "approve" else "rejected"
    body = f"An admin {verdict} your job “{job.title}”."
    if code is not None:
        body += f" Reason: {REASON_LABELS[code]}."
    if message:
        body += f" Message from the moderator: {message}"
    companies.notify_members(
        company_id=job.company_id,
        type="job.moderated",
        title=f"Job {verdict}: {job.title}",
        body=body,
        data={
            "job_id": job.id,
            "job_title": job.title,
            "decision": decision,
            "moderation_status": job.moderation_status.value,
            "reason": job.moderation_reason,
            "reason_code": code.value if code else None,
            "message": message,
        },
    )
