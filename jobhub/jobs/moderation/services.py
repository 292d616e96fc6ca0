"""Moderation: reports from users, automatic flagging, and admins' decisions.

The admin panel of a later issue calls ``moderate_job`` too, so every decision resolves
the open reports and tells the employer the same way.
"""

from __future__ import annotations

from sqlalchemy import func, select, update

from jobhub.companies import services as companies
from jobhub.db import db, utcnow
from jobhub.errors import Duplicate
from jobhub.jobs.models import Job, ModerationStatus
from jobhub.jobs.moderation.models import JobReport, ReportReason, ReportStatus
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


def moderate_job(*, job: Job, actor: User, decision: str, reason: str | None) -> Job:
    """An admin approves or rejects a job; open reports are resolved; members are told."""
    now = utcnow()
    job.moderation_status = (
        ModerationStatus.APPROVED if decision == "approve" else ModerationStatus.REJECTED
    )
    job.moderation_reason = reason
    job.moderated_at = now
    job.moderated_by_id = actor.id
    db.session.execute(
        update(JobReport)
        .where(JobReport.job_id == job.id, JobReport.status == ReportStatus.OPEN)
        .values(status=ReportStatus.RESOLVED, resolved_at=now)
        .execution_options(synchronize_session=False)
    )
    db.session.flush()
    job_written(job)
    _tell_members(job=job, decision=decision, reason=reason)
    return job


def resolve_report(*, report: JobReport, actor: User) -> JobReport:
    """An admin upholds a report (the job itself is decided in the queue)."""
    return _close_report(report, ReportStatus.RESOLVED)


def dismiss_report(*, report: JobReport, actor: User) -> JobReport:
    """An admin finds nothing wrong: a flagged job with every report dismissed returns to
    where it was before it was flagged (the board if an admin had approved it, else the
    queue as pending)."""
    _close_report(report, ReportStatus.DISMISSED)
    job = db.session.get(Job, report.job_id)
    if job is None or job.moderation_status != ModerationStatus.FLAGGED:
        return report
    others = db.session.scalar(
        select(func.count()).where(
            JobReport.job_id == job.id, JobReport.status != ReportStatus.DISMISSED
        )
    )
    if others == 0:
        job.moderation_status = (
            ModerationStatus.APPROVED if job.moderated_at is not None else ModerationStatus.PENDING
        )
        db.session.flush()
        job_written(job)
    return report


def _close_report(report: JobReport, status: ReportStatus) -> JobReport:
    if report.status == ReportStatus.OPEN:
        report.status = status
        report.resolved_at = utcnow()
        db.session.flush()
    return report


def _tell_members(*, job: Job, decision: str, reason: str | None) -> None:
    """``job.moderated`` to every member of the job's company."""
    verdict = "approved" if decision == "approve" else "rejected"
    body = f"An admin {verdict} your job “{job.title}”."
    if reason:
        body += f" Reason: {reason}"
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
            "reason": reason,
        },
    )
