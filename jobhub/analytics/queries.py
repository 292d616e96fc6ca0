"""Every analytics figure as SQL: one statement per measure, aggregated in the database.

The definitions (written for customers in ``schemas``):

- A **window** is ``[start, end)`` in UTC: local midnight of ``from`` to local midnight
  after ``to`` in the requested zone. An application belongs to a window when it was
  submitted (``applications.created_at``) inside it: the window's **cohort**.
- The cohort's histories are read **as of the end of the window**: only moves recorded
  before ``end`` count, so a closed range gives the same answer tomorrow.
- A stage is **reached** when a recorded move entered it (``application_events``);
  every application has reached ``applied``.
- A **stay** in a stage runs from the move that entered it to the next recorded move of
  that application; stays still open at the end of the window have no duration yet and
  are left out of durations (they count as reached).
- The **first response** is the employer's move out of ``applied`` (to screening or
  rejected): the response rate's numerator and the start of the response time.

Rows never come to Python: each function returns a handful of aggregated values.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import (
    CTE,
    ColumnElement,
    Float,
    Select,
    String,
    and_,
    case,
    cast,
    func,
    literal,
    or_,
    select,
)

from jobhub.analytics.sql import local_period, percentile, seconds_between
from jobhub.applications.models import Application, ApplicationEvent, ApplicationStatus
from jobhub.companies.models import Company
from jobhub.db import db
from jobhub.jobs import services as jobs
from jobhub.jobs.models import Job, JobReport, JobSkill, JobStatus, ModerationStatus, ReportStatus
from jobhub.resumes.models import AnalysisStatus, Resume, ResumeSkill
from jobhub.users.models import User

S = ApplicationStatus
# The stages of the funnel, in order (rejected and withdrawn are exits, not stages).
LADDER = (S.APPLIED, S.SCREENING, S.INTERVIEWING, S.OFFERED, S.HIRED)
TOP = 10
HOUR, DAY = 3600.0, 86400.0


@dataclass(frozen=True)
class Window:
    """``[start, end)`` in UTC, and how to cut it into local periods."""

    start: datetime
    end: datetime
    unit: str = "day"
    zone: str = "UTC"


# -- the cohort and its histories -----------------------------------------------------------


def _cohort(scope: list[ColumnElement[bool]], window: Window, *, live_jobs: bool) -> CTE:
    """The applications submitted in the window within ``scope``."""
    query = select(
        Application.id,
        Application.job_id,
        Application.created_at,
        Application.match_score,
        Application.resume_id,
        cast(Application.source, String).label("source"),
    ).where(*scope, Application.created_at >= window.start, Application.created_at < window.end)
    if live_jobs:  # deleted jobs disappear from every read, their applications with them
        query = query.join(Job, Job.id == Application.job_id).where(Job.deleted_at.is_(None))
    return query.cte("cohort")


def _moves(cohort: CTE, window: Window) -> CTE:
    """The cohort's recorded moves before the end of the window, each with the time the
    application left the stage it entered (``left_at``, NULL while still in it) and its
    recency (1 = the status at the end of the window)."""
    event = ApplicationEvent
    return (
        select(
            event.application_id,
            cast(event.from_status, String).label("from_status"),
            cast(event.to_status, String).label("to_status"),
            cast(event.actor_side, String).label("actor_side"),
            event.created_at.label("at"),
            func.lead(event.created_at)
            .over(partition_by=event.application_id, order_by=(event.created_at, event.id))
            .label("left_at"),
            func.row_number()
            .over(
                partition_by=event.application_id,
                order_by=(event.created_at.desc(), event.id.desc()),
            )
            .label("recency"),
        )
        .join(cohort, cohort.c.id == event.application_id)
        .where(event.created_at < window.end)
        .cte("moves")
    )


def _reached_flag(moves: CTE, stage: S) -> ColumnElement[Any]:
    return func.max(case((moves.c.to_status == stage.value, 1), else_=0))


def _first_at(moves: CTE, condition: ColumnElement[bool]) -> ColumnElement[Any]:
    return func.min(case((condition, moves.c.at)))


def _per_application(cohort: CTE, moves: CTE) -> CTE:
    """One row per cohort application: stages reached, first response, offer, hire, and
    its status at the end of the window."""
    m = moves.c
    return (
        select(
            cohort.c.id,
            cohort.c.job_id,
            cohort.c.created_at,
            cohort.c.source,
            cohort.c.match_score,
            *(_reached_flag(moves, stage).label(f"r_{stage.value}") for stage in LADDER[1:]),
            _first_at(
                moves, and_(m.from_status == S.APPLIED.value, m.actor_side == "employer")
            ).label("responded_at"),
            _first_at(moves, m.to_status == S.OFFERED.value).label("offered_at"),
            _first_at(moves, m.to_status == S.HIRED.value).label("hired_at"),
            func.coalesce(func.max(case((m.recency == 1, m.to_status))), S.APPLIED.value).label(
                "status"
            ),
        )
        .select_from(cohort)
        .outerjoin(moves, m.application_id == cohort.c.id)
        .group_by(
            cohort.c.id,
            cohort.c.job_id,
            cohort.c.created_at,
            cohort.c.source,
            cohort.c.match_score,
        )
        .cte("per_application")
    )


@dataclass(frozen=True)
class Pipeline:
    """The CTEs of one scope and window, built once and read by several statements."""

    cohort: CTE
    moves: CTE
    apps: CTE


def pipeline(scope: list[ColumnElement[bool]], window: Window, *, live_jobs: bool) -> Pipeline:
    cohort = _cohort(scope, window, live_jobs=live_jobs)
    moves = _moves(cohort, window)
    return Pipeline(cohort=cohort, moves=moves, apps=_per_application(cohort, moves))


def _duration(start: Any, end: Any, unit: float) -> ColumnElement[float]:
    return seconds_between(start, end) / literal(unit, Float)


def _count_if(condition: ColumnElement[bool]) -> ColumnElement[int]:
    return func.coalesce(func.sum(case((condition, 1), else_=0)), 0)


def _reached_later(apps: CTE, stage: S) -> ColumnElement[bool]:
    later = [apps.c[f"r_{s.value}"] == 1 for s in LADDER[LADDER.index(stage) + 1 :]]
    return or_(*later) if later else literal(False)


def _reached(apps: CTE, stage: S) -> ColumnElement[bool]:
    if stage == S.APPLIED:
        return literal(True)
    return apps.c[f"r_{stage.value}"] == 1


def summary(p: Pipeline) -> dict[str, Any]:
    """Counts, reached stages, pass-throughs and the response, offer and hire times."""
    a = p.apps.c
    response_hours = _duration(a.created_at, a.responded_at, HOUR)
    offer_days = _duration(a.created_at, a.offered_at, DAY)
    hire_days = _duration(a.created_at, a.hired_at, DAY)
    columns: list[ColumnElement[Any]] = [
        func.count().label("applications"),
        _count_if(a.responded_at.is_not(None)).label("responded"),
        percentile(response_hours, 0.5).label("median_hours_to_first_response"),
        percentile(response_hours, 0.9).label("p90_hours_to_first_response"),
        percentile(offer_days, 0.5).label("median_days_to_offer"),
        percentile(offer_days, 0.9).label("p90_days_to_offer"),
        percentile(hire_days, 0.5).label("median_days_to_hire"),
        percentile(hire_days, 0.9).label("p90_days_to_hire"),
    ]
    for stage in LADDER:
        columns.append(_count_if(_reached(p.apps, stage)).label(f"reached_{stage.value}"))
        columns.append(
            _count_if(and_(_reached(p.apps, stage), _reached_later(p.apps, stage))).label(
                f"passed_{stage.value}"
            )
        )
    row = db.session.execute(select(*columns).select_from(p.apps)).mappings().one()
    return dict(row)


def by_status(p: Pipeline) -> dict[str, int]:
    """Applications per status at the end of the window."""
    rows = db.session.execute(select(p.apps.c.status, func.count()).group_by(p.apps.c.status)).all()
    return {status: count for status, count in rows}


def stage_durations(p: Pipeline) -> dict[str, dict[str, float | None]]:
    """Median and p90 days of the completed stays in each stage."""
    m = p.moves.c
    days = _duration(m.at, m.left_at, DAY)
    rows = db.session.execute(
        select(
            m.to_status,
            percentile(days, 0.5).label("median"),
            percentile(days, 0.9).label("p90"),
        )
        .where(m.left_at.is_not(None))
        .group_by(m.to_status)
    ).all()
    return {status: {"median": median, "p90": p90} for status, median, p90 in rows}


def match_score_buckets(p: Pipeline) -> dict[int, int]:
    """Scored applications per bucket of ten points (0-9 … 90-100)."""
    score = p.apps.c.match_score
    bucket = case(*((score >= 10 * b, b) for b in range(9, 0, -1)), else_=0).label("bucket")
    rows = db.session.execute(
        select(bucket, func.count()).where(score.is_not(None)).group_by(bucket)
    ).all()
    return {int(b): count for b, count in rows}


def sources(p: Pipeline) -> list[dict[str, Any]]:
    """Applications and hires per source, most applications first."""
    a = p.apps.c
    applications = func.count().label("applications")
    rows = db.session.execute(
        select(a.source, applications, _count_if(a.status == S.HIRED.value).label("hired"))
        .group_by(a.source)
        .order_by(applications.desc(), a.source)
    ).mappings()
    return [dict(row) for row in rows]


def top_applicant_skills(p: Pipeline) -> list[dict[str, Any]]:
    """The skills most often found in the resumes the cohort applied with."""
    count = func.count().label("count")
    rows = db.session.execute(
        select(ResumeSkill.skill, count)
        .join(p.cohort, p.cohort.c.resume_id == ResumeSkill.resume_id)
        .group_by(ResumeSkill.skill)
        .order_by(count.desc(), ResumeSkill.skill)
        .limit(TOP)
    ).mappings()
    return [dict(row) for row in rows]


def per_job(p: Pipeline, *, company_id: int) -> list[dict[str, Any]]:
    """One row per live job of the company: its cohort's counts and response time."""
    a = p.apps.c
    response_hours = _duration(a.created_at, a.responded_at, HOUR)
    stats = (
        select(
            a.job_id,
            func.count().label("applications"),
            _count_if(a.responded_at.is_not(None)).label("responded"),
            _count_if(a.r_interviewing == 1).label("interviewing"),
            _count_if(a.r_offered == 1).label("offered"),
            _count_if(a.r_hired == 1).label("hired"),
            percentile(response_hours, 0.5).label("median_hours_to_first_response"),
        )
        .group_by(a.job_id)
        .subquery("job_stats")
    )
    applications = func.coalesce(stats.c.applications, 0)
    rows = db.session.execute(
        select(
            Job.id.label("job_id"),
            Job.title,
            cast(Job.status, String).label("status"),
            Job.views,
            applications.label("applications"),
            func.coalesce(stats.c.responded, 0).label("responded"),
            func.coalesce(stats.c.interviewing, 0).label("interviewing"),
            func.coalesce(stats.c.offered, 0).label("offered"),
            func.coalesce(stats.c.hired, 0).label("hired"),
            stats.c.median_hours_to_first_response,
        )
        .outerjoin(stats, stats.c.job_id == Job.id)
        .where(Job.company_id == company_id, Job.deleted_at.is_(None))
        .order_by(applications.desc(), Job.id)
    ).mappings()
    return [dict(row) for row in rows]


# -- counts per local period ------------------------------------------------------------------


def count_by_period(
    column: Any, window: Window, *conditions: ColumnElement[bool], select_from: Any = None
) -> dict[str, int]:
    """Rows whose ``column`` falls in the window, per local period ('YYYY-MM-DD')."""
    period = local_period(column, window.unit, window.zone).label("period")
    query = select(period, func.count()).where(
        column >= window.start, column < window.end, *conditions
    )
    if select_from is not None:
        query = query.select_from(select_from)
    rows = db.session.execute(query.group_by(period)).all()
    return {str(label): count for label, count in rows}


def count_between(
    column: Any,
    start: datetime,
    end: datetime,
    *conditions: ColumnElement[bool],
    select_from: Any = None,
) -> int:
    query = select(func.count()).where(column >= start, column < end, *conditions)
    if select_from is not None:
        query = query.select_from(select_from)
    return db.session.scalar(query) or 0


def applications_between(
    scope: list[ColumnElement[bool]], start: datetime, end: datetime, *, live_jobs: bool
) -> int:
    """Applications submitted in ``[start, end)`` within ``scope``."""
    query = select(func.count()).select_from(Application)
    if live_jobs:
        query = query.join(Job, Job.id == Application.job_id).where(Job.deleted_at.is_(None))
    return (
        db.session.scalar(
            query.where(*scope, Application.created_at >= start, Application.created_at < end)
        )
        or 0
    )


def applications_by_period(
    scope: list[ColumnElement[bool]], window: Window, *, live_jobs: bool
) -> dict[str, int]:
    conditions = list(scope)
    select_from: Any = Application
    if live_jobs:
        select_from = Application.__table__.join(Job.__table__, Job.id == Application.job_id)
        conditions.append(Job.deleted_at.is_(None))
    return count_by_period(Application.created_at, window, *conditions, select_from=select_from)


# -- the candidate ----------------------------------------------------------------------------


def top_job_skills(p: Pipeline) -> list[dict[str, Any]]:
    """Required skills of the jobs applied to in the window, by applications."""
    count = func.count().label("count")
    rows = db.session.execute(
        select(JobSkill.skill, count)
        .join(p.cohort, p.cohort.c.job_id == JobSkill.job_id)
        .group_by(JobSkill.skill)
        .order_by(count.desc(), JobSkill.skill)
        .limit(TOP)
    ).mappings()
    return [dict(row) for row in rows]


def top_companies(p: Pipeline) -> list[dict[str, Any]]:
    """Companies applied to most in the window."""
    count = func.count().label("count")
    rows = db.session.execute(
        select(Company.id.label("company_id"), Company.name, count)
        .select_from(p.cohort)
        .join(Job, Job.id == p.cohort.c.job_id)
        .join(Company, Company.id == Job.company_id)
        .group_by(Company.id, Company.name)
        .order_by(count.desc(), Company.name, Company.id)
        .limit(TOP)
    ).mappings()
    return [dict(row) for row in rows]


def _like_pattern(role: str) -> str:
    escaped = role.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


def candidate_skills(user_id: int) -> Select[tuple[str]]:
    """The skills of the candidate's analysed resumes (the profile's are added by the
    caller, already canonical)."""
    return (
        select(ResumeSkill.skill)
        .join(Resume, Resume.id == ResumeSkill.resume_id)
        .where(Resume.user_id == user_id, Resume.analysis_status == AnalysisStatus.DONE)
        .distinct()
    )


def skill_demand(
    *, roles: list[str], have: list[str], user_id: int, now: datetime
) -> dict[str, Any]:
    """Required skills of public jobs whose title contains a desired role: how many such
    jobs, the demand (jobs requiring each skill) covered by the candidate, and the top
    missing skills."""
    role_match = or_(*(Job.title.ilike(_like_pattern(role), escape="\\") for role in roles))
    public = jobs.visible_jobs_query(None, now=now).whereclause  # SPEC §3's public jobs
    matching = select(Job.id).where(public, role_match).cte("matching_jobs")
    owned = or_(JobSkill.skill.in_(have), JobSkill.skill.in_(candidate_skills(user_id)))
    job_count = db.session.scalar(select(func.count()).select_from(matching)) or 0
    totals = (
        db.session.execute(
            select(func.count().label("demand"), _count_if(owned).label("covered")).join(
                matching, matching.c.id == JobSkill.job_id
            )
        )
        .mappings()
        .one()
    )
    demand = func.count().label("demand")
    missing = db.session.execute(
        select(JobSkill.skill, demand)
        .join(matching, matching.c.id == JobSkill.job_id)
        .where(~owned)
        .group_by(JobSkill.skill)
        .order_by(demand.desc(), JobSkill.skill)
        .limit(TOP)
    ).mappings()
    return {
        "jobs": job_count,
        "demand": totals["demand"] or 0,
        "covered": totals["covered"] or 0,
        "missing": [dict(row) for row in missing],
    }


# -- the platform -----------------------------------------------------------------------------


def users_by_role() -> dict[str, int]:
    rows = db.session.execute(
        select(cast(User.role, String), func.count())
        .where(User.deleted_at.is_(None))
        .group_by(User.role)
    ).all()
    return {role: count for role, count in rows}


def jobs_by(column: Any) -> dict[str, int]:
    """Live jobs per value of ``column`` (status or moderation status)."""
    rows = db.session.execute(
        select(cast(column, String), func.count()).where(Job.deleted_at.is_(None)).group_by(column)
    ).all()
    return {value: count for value, count in rows}


def moderation_queue() -> dict[str, int]:
    """Published live jobs waiting for a decision, by moderation status."""
    rows = db.session.execute(
        select(cast(Job.moderation_status, String), func.count())
        .where(
            Job.deleted_at.is_(None),
            Job.status == JobStatus.PUBLISHED,
            Job.moderation_status.in_([ModerationStatus.PENDING, ModerationStatus.FLAGGED]),
        )
        .group_by(Job.moderation_status)
    ).all()
    return {value: count for value, count in rows}


def moderation_decisions(window: Window) -> dict[str, Any]:
    """Admins' decisions made in the window and the hours from publication to decision.

    Until a decision history exists, a decision is the job's latest one (``moderated_at``
    by an admin, ``moderated_by_id`` set; automatic approvals of verified companies have
    none) and it waited from ``published_at``.
    """
    hours = _duration(Job.published_at, Job.moderated_at, HOUR)
    decided = and_(
        Job.moderated_by_id.is_not(None),
        Job.moderated_at >= window.start,
        Job.moderated_at < window.end,
    )
    row = (
        db.session.execute(
            select(
                func.count().label("decisions"),
                percentile(hours, 0.5).label("median_hours_to_decision"),
                percentile(hours, 0.9).label("p90_hours_to_decision"),
            ).where(decided, Job.published_at.is_not(None), Job.published_at <= Job.moderated_at)
        )
        .mappings()
        .one()
    )
    return dict(row)


def open_reports() -> int:
    return (
        db.session.scalar(
            select(func.count())
            .select_from(JobReport)
            .join(Job, Job.id == JobReport.job_id)
            .where(JobReport.status == ReportStatus.OPEN, Job.deleted_at.is_(None))
        )
        or 0
    )


def hires_by_period(window: Window) -> dict[str, int]:
    """Moves into ``hired`` recorded in the window, per local period."""
    return count_by_period(
        ApplicationEvent.created_at, window, ApplicationEvent.to_status == S.HIRED
    )


def hires_between(start: datetime, end: datetime) -> int:
    return count_between(
        ApplicationEvent.created_at, start, end, ApplicationEvent.to_status == S.HIRED
    )


def job_totals(*, job_ids: Select[tuple[int]] | None = None, job_id: int | None = None) -> dict:
    """Lifetime views and applications (every status) of one job or a set of jobs."""
    views = select(func.coalesce(func.sum(Job.views), 0))
    applications = select(func.count()).select_from(Application)
    if job_id is not None:
        views = views.where(Job.id == job_id)
        applications = applications.where(Application.job_id == job_id)
    if job_ids is not None:
        views = views.where(Job.id.in_(job_ids))
        applications = applications.where(Application.job_id.in_(job_ids))
    row = db.session.execute(
        select(
            views.scalar_subquery().label("views"),
            applications.scalar_subquery().label("applications"),
        )
    ).one()
    return {"views": int(row.views or 0), "applications": int(row.applications or 0)}


def live_job_ids(company_id: int) -> Select[tuple[int]]:
    return select(Job.id).where(Job.company_id == company_id, Job.deleted_at.is_(None))
