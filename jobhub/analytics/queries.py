"""Every analytics figure as SQL, aggregated in the database: one statement per
dashboard (``report``), a few small ones for the platform.

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

Rows never come to Python: each statement returns aggregated values only.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from functools import lru_cache
from typing import Any

from sqlalchemy import (
    CTE,
    ColumnElement,
    Float,
    Integer,
    Select,
    String,
    and_,
    bindparam,
    case,
    cast,
    exists,
    func,
    literal,
    not_,
    null,
    or_,
    select,
    union_all,
)

from jobhub.applications.models import Application, ApplicationEvent, ApplicationStatus, Side
from jobhub.companies.models import Company, CompanyMember
from jobhub.db import UtcDateTime, db
from jobhub.jobs import services as jobs
from jobhub.jobs.models import Job, JobSkill
from jobhub.jobs.moderation.models import JobReport, ReportStatus
from jobhub.resumes.models import AnalysisStatus, Resume, ResumeSkill
from jobhub.sql import local_period, percentile, quarter_hour, seconds_between
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


# A dashboard's statement is built once per kind, unit and zone and reused (its SQL
# compiled once, its cache key memoised); what changes per request is bound.
START = bindparam("start", type_=UtcDateTime())
END = bindparam("end", type_=UtcDateTime())
PREVIOUS_START = bindparam("previous_start", type_=UtcDateTime())
PREVIOUS_END = bindparam("previous_end", type_=UtcDateTime())
SUBJECT = bindparam("subject", type_=Integer())


def _cohort(scope: list[ColumnElement[bool]], *, live_jobs: bool) -> CTE:
    """The applications submitted in the window within ``scope``."""
    query = select(
        Application.id,
        Application.job_id,
        Application.created_at,
        Application.match_score,
        Application.resume_id,
        cast(Application.source, String).label("source"),
    ).where(
        *scope,
        Application.created_at >= START,
        Application.created_at < END,
        Application.live(),  # undone by its import
    )
    if live_jobs:  # deleted jobs disappear from every read, their applications with them
        query = query.join(Job, Job.id == Application.job_id).where(Job.deleted_at.is_(None))
    return query.cte("cohort")


def _moves(cohort: CTE) -> CTE:
    """The cohort's recorded moves before the end of the window, each with the time the
    application left the stage it entered (``left_at``: the next move; NULL for the last
    move, whose target is the status at the end of the window)."""
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
        )
        .join(cohort, cohort.c.id == event.application_id)
        .where(event.created_at < END)
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
            func.coalesce(
                func.max(case((m.left_at.is_(None), m.to_status))), S.APPLIED.value
            ).label("status"),
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
    """The CTEs of one scope (bound to the window's parameters), read by every part."""

    cohort: CTE
    moves: CTE
    apps: CTE


def pipeline(scope: list[ColumnElement[bool]], *, live_jobs: bool) -> Pipeline:
    cohort = _cohort(scope, live_jobs=live_jobs)
    moves = _moves(cohort)
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


# -- one statement per dashboard ----------------------------------------------------------
#
# Every part of a dashboard is one member of a UNION ALL over the same CTEs, so the
# cohort, its moves and the per-application row are computed once (PostgreSQL
# materialises a CTE read more than once) in a single round trip. Each member yields
# (part, key, label, detail, rank, v0 … v17): numbers in v0…, padded with NULL.

SUMMARY = (
    "applications",
    "responded",
    "median_hours_to_first_response",
    "p90_hours_to_first_response",
    "median_days_to_offer",
    "p90_days_to_offer",
    "median_days_to_hire",
    "p90_days_to_hire",
    *(f"reached_{stage.value}" for stage in LADDER),
    *(f"passed_{stage.value}" for stage in LADDER),
)
WIDTH = len(SUMMARY)


def _member(
    part: str,
    values: list[Any],
    *,
    key: Any = None,
    label: Any = None,
    detail: Any = None,
    rank: Any = None,
) -> list[ColumnElement[Any]]:
    def text_or_null(value: Any, name: str) -> ColumnElement[Any]:
        return cast(null() if value is None else value, String).label(name)

    padded = [*values, *([None] * (WIDTH - len(values)))]
    return [
        literal(part, String).label("part"),
        text_or_null(key, "key"),
        text_or_null(label, "label"),
        text_or_null(detail, "detail"),
        cast(null() if rank is None else rank, Integer).label("rank"),
        *(cast(null() if v is None else v, Float).label(f"v{i}") for i, v in enumerate(padded)),
    ]


def _summary_member(p: Pipeline) -> Select[Any]:
    a = p.apps.c
    response_hours = _duration(a.created_at, a.responded_at, HOUR)
    offer_days = _duration(a.created_at, a.offered_at, DAY)
    hire_days = _duration(a.created_at, a.hired_at, DAY)
    values: list[Any] = [
        func.count(),
        _count_if(a.responded_at.is_not(None)),
        percentile(response_hours, 0.5),
        percentile(response_hours, 0.9),
        percentile(offer_days, 0.5),
        percentile(offer_days, 0.9),
        percentile(hire_days, 0.5),
        percentile(hire_days, 0.9),
        *(_count_if(_reached(p.apps, stage)) for stage in LADDER),
        *(_count_if(and_(_reached(p.apps, s), _reached_later(p.apps, s))) for s in LADDER),
    ]
    return select(*_member("summary", values)).select_from(p.apps)


def _status_member(p: Pipeline) -> Select[Any]:
    a = p.apps.c
    return select(*_member("status", [func.count()], key=a.status)).group_by(a.status)


def _stay_member(p: Pipeline) -> Select[Any]:
    """Median and p90 days of the completed stays in each stage."""
    m = p.moves.c
    days = _duration(m.at, m.left_at, DAY)
    values = [percentile(days, 0.5), percentile(days, 0.9)]
    return (
        select(*_member("stay", values, key=m.to_status))
        .where(m.left_at.is_not(None))
        .group_by(m.to_status)
    )


def _bucket_member(p: Pipeline) -> Select[Any]:
    """Scored applications per bucket of ten points (0-9 … 90-100)."""
    score = p.apps.c.match_score
    bucket = case(*((score >= 10 * b, b) for b in range(9, 0, -1)), else_=0)
    return (
        select(*_member("bucket", [func.count()], key=bucket))
        .where(score.is_not(None))
        .group_by(bucket)
    )


def _source_member(p: Pipeline) -> Select[Any]:
    """Applications and hires per source, ranked by applications."""
    a = p.apps.c
    count = func.count()
    rank = func.row_number().over(order_by=(count.desc(), a.source))
    values = [count, _count_if(a.status == S.HIRED.value)]
    return select(*_member("source", values, key=a.source, rank=rank)).group_by(a.source)


def _top(part: str, skill: Any, joined: Select[Any]) -> Select[Any]:
    """The TOP skills of ``joined`` (rows of one skill each) by rows, ties by name."""
    count = func.count()
    ranked = (
        joined.with_only_columns(
            skill.label("skill"),
            count.label("n"),
            func.row_number().over(order_by=(count.desc(), skill)).label("position"),
        )
        .group_by(skill)
        .subquery(f"{part}_ranked")
    )
    r = ranked.c
    return select(*_member(part, [r.n], key=r.skill, rank=r.position)).where(r.position <= TOP)


def _applicant_skills_member(p: Pipeline) -> Select[Any]:
    """Skills found in the resumes the cohort applied with."""
    joined = select(ResumeSkill.skill).join(p.cohort, p.cohort.c.resume_id == ResumeSkill.resume_id)
    return _top("applicant_skill", ResumeSkill.skill, joined)


def _job_skills_member(p: Pipeline) -> Select[Any]:
    """Required skills of the jobs the cohort applied to."""
    joined = select(JobSkill.skill).join(p.cohort, p.cohort.c.job_id == JobSkill.job_id)
    return _top("job_skill", JobSkill.skill, joined)


def _companies_member(p: Pipeline) -> Select[Any]:
    """Companies the cohort applied to most."""
    count = func.count()
    ranked = (
        select(
            Company.id.label("company_id"),
            Company.name.label("name"),
            count.label("n"),
            func.row_number()
            .over(order_by=(count.desc(), Company.name, Company.id))
            .label("position"),
        )
        .select_from(p.cohort)
        .join(Job, Job.id == p.cohort.c.job_id)
        .join(Company, Company.id == Job.company_id)
        .group_by(Company.id, Company.name)
        .subquery("companies_ranked")
    )
    r = ranked.c
    return select(
        *_member("company", [r.n], key=r.company_id, label=r.name, rank=r.position)
    ).where(r.position <= TOP)


def _jobs_member(p: Pipeline, company_id: Any) -> Select[Any]:
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
            percentile(response_hours, 0.5).label("median_hours"),
        )
        .group_by(a.job_id)
        .subquery("job_stats")
    )
    applications = func.coalesce(stats.c.applications, 0)
    rank = func.row_number().over(order_by=(applications.desc(), Job.id))
    values = [
        Job.views,
        applications,
        func.coalesce(stats.c.responded, 0),
        func.coalesce(stats.c.interviewing, 0),
        func.coalesce(stats.c.offered, 0),
        func.coalesce(stats.c.hired, 0),
        stats.c.median_hours,
    ]
    return (
        select(*_member("job", values, key=Job.id, label=Job.title, detail=Job.status, rank=rank))
        .outerjoin(stats, stats.c.job_id == Job.id)
        .where(Job.company_id == company_id, Job.deleted_at.is_(None))
    )


def _trend_member(p: Pipeline, unit: str, zone: str) -> Select[Any]:
    period = local_period(p.cohort.c.created_at, unit, zone)
    return select(*_member("trend", [func.count()], key=period)).group_by(period)


def _scalar_member(part: str, values: list[Any]) -> Select[Any]:
    return select(*_member(part, values))


@dataclass
class Report:
    """A dashboard's parts as they came back: ``rows[part]`` is a list of rows."""

    rows: dict[str, list[Any]]

    def one(self, part: str) -> Any | None:
        found = self.rows.get(part, [])
        return found[0] if found else None

    def summary(self) -> dict[str, Any]:
        row = self.one("summary")
        return {name: getattr(row, f"v{i}") for i, name in enumerate(SUMMARY)}

    def counts(self, part: str) -> dict[str, float]:
        return {row.key: row.v0 for row in self.rows.get(part, [])}


EMPLOYER_PARTS = frozenset(
    {"summary", "status", "stay", "bucket", "source", "applicant_skill", "trend", "previous"}
)


@dataclass(frozen=True)
class Dashboard:
    """Whose applications a dashboard reads and which parts it shows."""

    scope: Any  # the Application column compared with the subject's id
    live_jobs: bool  # only applications to jobs not deleted
    parts: frozenset[str]
    jobs: Any = None  # the Job column selecting the jobs of the lifetime totals


DASHBOARDS = {
    "job": Dashboard(Application.job_id, True, EMPLOYER_PARTS | {"totals"}, Job.id),
    "company": Dashboard(
        Application.company_id, True, EMPLOYER_PARTS | {"totals", "job"}, Job.company_id
    ),
    "candidate": Dashboard(
        Application.candidate_id,
        False,
        frozenset({"summary", "status", "trend", "previous", "job_skill", "company"}),
    ),
}


def _previous_count(dashboard: Dashboard) -> ColumnElement[int]:
    """Applications submitted in the previous range within the scope (a scalar)."""
    query = select(func.count()).select_from(Application)
    if dashboard.live_jobs:
        query = query.join(Job, Job.id == Application.job_id).where(Job.deleted_at.is_(None))
    return query.where(
        dashboard.scope == SUBJECT,
        Application.created_at >= PREVIOUS_START,
        Application.created_at < PREVIOUS_END,
        Application.live(),
    ).scalar_subquery()


def _lifetime_totals(dashboard: Dashboard) -> list[ColumnElement[int]]:
    """Lifetime views and applications (every status) of the subject's live jobs."""
    job_ids = select(Job.id).where(dashboard.jobs == SUBJECT, Job.deleted_at.is_(None))
    views = select(func.coalesce(func.sum(Job.views), 0)).where(Job.id.in_(job_ids))
    applications = select(func.count()).where(Application.job_id.in_(job_ids), Application.live())
    return [views.scalar_subquery(), applications.scalar_subquery()]


@lru_cache(maxsize=512)
def dashboard_statement(kind: str, unit: str, zone: str) -> Select[Any]:
    """The one statement of a dashboard: every part a member of a UNION ALL over the
    pipeline's CTEs, ordered by part and rank."""
    dashboard = DASHBOARDS[kind]
    p = pipeline([dashboard.scope == SUBJECT], live_jobs=dashboard.live_jobs)
    builders = {
        "summary": lambda: _summary_member(p),
        "status": lambda: _status_member(p),
        "stay": lambda: _stay_member(p),
        "bucket": lambda: _bucket_member(p),
        "source": lambda: _source_member(p),
        "applicant_skill": lambda: _applicant_skills_member(p),
        "job_skill": lambda: _job_skills_member(p),
        "company": lambda: _companies_member(p),
        "job": lambda: _jobs_member(p, SUBJECT),
        "trend": lambda: _trend_member(p, unit, zone),
        "previous": lambda: _scalar_member("previous", [_previous_count(dashboard)]),
        "totals": lambda: _scalar_member("totals", _lifetime_totals(dashboard)),
    }
    ordered = union_all(*(builders[part]() for part in sorted(dashboard.parts))).subquery("report")
    return select(ordered).order_by(ordered.c.part, ordered.c.rank, ordered.c.key)


def report(kind: str, *, subject_id: int, window: Window, previous: Window | None) -> Report:
    """A dashboard's parts for one subject (job, company, candidate id) and window."""
    params: dict[str, Any] = {"subject": subject_id, "start": window.start, "end": window.end}
    if previous is not None:
        params |= {"previous_start": previous.start, "previous_end": previous.end}
    statement = dashboard_statement(kind, window.unit, window.zone)
    grouped: dict[str, list[Any]] = {}
    for row in db.session.execute(statement, params):
        grouped.setdefault(row.part, []).append(row)
    return Report(rows=grouped)


# -- a company's public responsiveness ---------------------------------------------------------


@lru_cache(maxsize=1)
def _responsiveness_statement() -> Select[Any]:
    """The first response of each cohort application (the same definition as the
    dashboards' ``responded_at``: the earliest recorded employer move out of ``applied``
    before the end of the window), and the three figures over them. Only those moves are
    read: no histories, no window function."""
    cohort = _cohort([Application.company_id == SUBJECT], live_jobs=True)
    event = ApplicationEvent
    first = (
        select(event.application_id, func.min(event.created_at).label("responded_at"))
        .join(cohort, cohort.c.id == event.application_id)
        .where(
            event.created_at < END,
            event.from_status == S.APPLIED,
            event.actor_side == Side.EMPLOYER,
        )
        .group_by(event.application_id)
        .subquery("first_response")
    )
    hours = _duration(cohort.c.created_at, first.c.responded_at, HOUR)
    return (
        select(
            func.count().label("applications"),
            func.count(first.c.responded_at).label("responded"),
            percentile(hours, 0.5).label("median_hours_to_first_response"),
            percentile(hours, 0.9).label("p90_hours_to_first_response"),
        )
        .select_from(cohort)
        .outerjoin(first, first.c.application_id == cohort.c.id)
    )


def responsiveness(*, company_id: int, window: Window) -> dict[str, Any]:
    """Applications to the company's live jobs submitted in the window, how many had a
    first response, and the median and p90 hours to it (one statement)."""
    params = {"subject": company_id, "start": window.start, "end": window.end}
    return dict(db.session.execute(_responsiveness_statement(), params).mappings().one())


# -- whom a dashboard is about ----------------------------------------------------------------


def _membership(user_id: int | None, company_id: Any) -> Any:
    """The user's role in the company (NULL: none), as a column."""
    return (
        select(CompanyMember.role)
        .where(CompanyMember.user_id == user_id, CompanyMember.company_id == company_id)
        .scalar_subquery()
        .label("membership")
    )


def job_subject(*, actor: User, job_id: int) -> Any | None:
    """A job ``actor`` may see (``jobs.visible_jobs_query``), with the few columns a
    dashboard needs and the actor's membership of its company: one statement."""
    query = jobs.visible_jobs_query(actor).where(Job.id == job_id)
    columns = (Job.id, Job.company_id, Job.title.label("name"), Job.views)
    return db.session.execute(
        query.with_only_columns(*columns, _membership(actor.id, Job.company_id))
    ).one_or_none()


def company_subject(*, user_id: int | None, company_id: int) -> Any | None:
    """A live company's id and name, with the user's membership of it (none asked for
    anonymous callers): one statement."""
    membership = null().label("membership") if user_id is None else _membership(user_id, Company.id)
    return db.session.execute(
        select(
            Company.id,
            Company.id.label("company_id"),
            Company.name,
            literal(0).label("views"),
            membership,
        ).where(Company.id == company_id, Company.deleted_at.is_(None))
    ).one_or_none()


# -- counts per local period ------------------------------------------------------------------


def count_by_period(
    column: Any, window: Window, *conditions: ColumnElement[bool], select_from: Any = None
) -> dict[str, int]:
    """Rows whose ``column`` falls in the window, per local period ('YYYY-MM-DD').

    Counted per quarter hour first (``quarter_hour``), then per local period.
    """
    bucket = quarter_hour(column).label("bucket")
    inner = select(bucket, func.count().label("n")).where(
        column >= window.start, column < window.end, *conditions
    )
    if select_from is not None:
        inner = inner.select_from(select_from)
    buckets = inner.group_by(bucket).subquery("buckets")
    period = local_period(buckets.c.bucket, window.unit, window.zone).label("period")
    rows = db.session.execute(select(period, func.sum(buckets.c.n)).group_by(period)).all()
    return {str(label): int(count) for label, count in rows}


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


# -- the candidate ----------------------------------------------------------------------------


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


def live_jobs_by_state() -> list[tuple[str, str, int]]:
    """Live jobs per (status, moderation status): the counts and the moderation queue."""
    rows = db.session.execute(
        select(cast(Job.status, String), cast(Job.moderation_status, String), func.count())
        .where(Job.deleted_at.is_(None))
        .group_by(Job.status, Job.moderation_status)
    ).all()
    return [(status, moderation, count) for status, moderation, count in rows]


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


def _live_hires() -> tuple[Any, tuple[ColumnElement[bool], ...]]:
    """Moves into ``hired`` of live applications (an undone import's are in no count):
    those of no undone application, an anti-join on the few undone ones
    (``ix_applications_deleted_id``) instead of a join with every application."""
    undone = exists().where(
        Application.id == ApplicationEvent.application_id, not_(Application.live())
    )
    return ApplicationEvent.__table__, (ApplicationEvent.to_status == S.HIRED, ~undone)


def hires_by_period(window: Window) -> dict[str, int]:
    """Moves into ``hired`` recorded in the window, per local period."""
    joined, conditions = _live_hires()
    return count_by_period(ApplicationEvent.created_at, window, *conditions, select_from=joined)


def hires_between(start: datetime, end: datetime) -> int:
    joined, conditions = _live_hires()
    return count_between(ApplicationEvent.created_at, start, end, *conditions, select_from=joined)
