"""Analytics services: the window from the arguments, the figures from ``queries``, the
cache around them. Each returns ``(body, cache_state)``: the answer rendered as JSON by
the view's schema (``render``), as computed or as cached.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from flask import current_app

from jobhub import cache
from jobhub.analytics import queries
from jobhub.analytics.queries import LADDER, Window
from jobhub.applications.models import Application, ApplicationStatus
from jobhub.companies.models import MemberRole
from jobhub.db import utcnow
from jobhub.errors import NotFound
from jobhub.jobs.models import Job, JobStatus, ModerationStatus
from jobhub.skills import taxonomy
from jobhub.sql import next_period, period_start
from jobhub.users.models import Role, User

CACHE_NAMESPACE = "analytics"
DEFAULT_DAYS = 30
MAX_DAYS = 731
RESPONSIVENESS_DAYS = 90
RESPONSIVENESS_MINIMUM = 5
RESPONSIVENESS_CACHE_SECONDS = 300
MATCH_BUCKETS = 10
RECOMMENDATIONS = 3

# (the rendered JSON body, the cache state: hit, miss or None when the cache is off)
Answer = tuple[str, str | None]
# Turns an answer into its JSON body (the view's schema); cached as rendered.
Render = Callable[[dict[str, Any]], str]


# -- whom a dashboard is about ----------------------------------------------------------------


@dataclass(frozen=True)
class Subject:
    """The job or company a dashboard is about (``name``: the job's title or the
    company's name), with the caller's membership of its company."""

    id: int
    company_id: int
    name: str
    views: int
    membership: MemberRole | None


def job_subject(*, actor: User, job_id: int) -> Subject:
    """A job the actor may see (else 404), and their membership of its company."""
    row = queries.job_subject(actor=actor, job_id=job_id)
    if row is None:
        raise NotFound("No such job.")
    return Subject(**row._asdict())


def company_subject(*, user_id: int | None, company_id: int) -> Subject:
    """A live company (else 404), and the user's membership of it."""
    row = queries.company_subject(user_id=user_id, company_id=company_id)
    if row is None:
        raise NotFound("No such company.")
    return Subject(**row._asdict())


# -- the range -------------------------------------------------------------------------------


@dataclass(frozen=True)
class Range:
    """The requested dates (inclusive, local to ``zone``) and the interval."""

    first: date
    last: date
    interval: str
    zone: str

    @property
    def days(self) -> int:
        return (self.last - self.first).days + 1

    def window(self) -> Window:
        return Window(
            start=_local_midnight(self.first, self.zone),
            end=_local_midnight(self.last + timedelta(days=1), self.zone),
            unit=self.interval,
            zone=self.zone,
        )

    def previous(self) -> Range:
        """The range of equal length that ends the day before this one starts."""
        return Range(
            first=self.first - timedelta(days=self.days),
            last=self.first - timedelta(days=1),
            interval=self.interval,
            zone=self.zone,
        )

    def periods(self) -> list[str]:
        """Every period the range touches, as the SQL labels them."""
        labels, start = [], period_start(self.first, self.interval)
        while start <= self.last:
            labels.append(start.isoformat())
            start = next_period(start, self.interval)
        return labels

    def described(self) -> dict[str, Any]:
        window = self.window()
        return {
            "from": self.first.isoformat(),
            "to": self.last.isoformat(),
            "interval": self.interval,
            "tz": self.zone,
            "starts_at": _iso(window.start),
            "ends_at": _iso(window.end),
        }

    def cache_params(self) -> dict[str, Any]:
        return {"from": self.first, "to": self.last, "interval": self.interval, "tz": self.zone}


def _local_midnight(day: date, zone: str) -> datetime:
    return datetime.combine(day, time(), tzinfo=ZoneInfo(zone)).astimezone(UTC)


def _iso(moment: datetime) -> str:
    return moment.astimezone(UTC).isoformat().replace("+00:00", "Z")


def resolve_range(
    *, first: date | None, last: date | None, interval: str, zone: str, today: date | None = None
) -> Range:
    """Fill the defaults: ``to`` is today in the zone, ``from`` 29 days before ``to``."""
    if last is None:
        last = today or utcnow().astimezone(ZoneInfo(zone)).date()
    if first is None:
        first = last - timedelta(days=DEFAULT_DAYS - 1)
    return Range(first=first, last=last, interval=interval, zone=zone)


# -- shaping numbers -------------------------------------------------------------------------


def _rate(part: int, whole: int) -> float:
    """part ÷ whole to 4 decimals; 0 when there is nothing to divide."""
    return round(part / whole, 4) if whole else 0.0


def _rounded(value: float | None, digits: int = 2) -> float | None:
    return None if value is None else round(float(value), digits)


def trend(current: int, previous: int) -> dict[str, Any]:
    """Direction and percentage change against the previous range.

    change_pct is (current - previous) ÷ previous * 100 to one decimal; with a previous
    range of zero it is 0.0 when this one is zero too, and null otherwise (no base).
    """
    direction = "up" if current > previous else "down" if current < previous else "flat"
    if previous:
        change = round((current - previous) / previous * 100, 1)
    else:
        change = 0.0 if current == 0 else None
    return {"direction": direction, "change_pct": change, "previous": previous}


def series(range_: Range, counts: dict[str, int], key: str) -> list[dict[str, Any]]:
    return [{"period": period, key: counts.get(period, 0)} for period in range_.periods()]


def _rates(summary: dict[str, Any]) -> dict[str, float]:
    applications = summary["applications"]
    return {
        "response": _rate(summary["responded"], applications),
        "interview": _rate(summary["reached_interviewing"], applications),
        "offer": _rate(summary["reached_offered"], applications),
        "acceptance": _rate(summary["reached_hired"], summary["reached_offered"]),
    }


def _by_status(report: queries.Report) -> dict[str, int]:
    counted = report.counts("status")
    return {status.value: int(counted.get(status.value, 0)) for status in ApplicationStatus}


def _funnel(report: queries.Report, summary: dict[str, Any]) -> list[dict[str, Any]]:
    stays = {row.key: row for row in report.rows.get("stay", [])}
    rows = []
    for stage in LADDER:
        reached = summary[f"reached_{stage.value}"]
        final = stage == ApplicationStatus.HIRED
        stay = stays.get(stage.value)
        rows.append(
            {
                "stage": stage.value,
                "reached": reached,
                "pass_through_rate": None
                if final
                else _rate(summary[f"passed_{stage.value}"], reached),
                "median_days_in_stage": None if final or stay is None else _rounded(stay.v0),
                "p90_days_in_stage": None if final or stay is None else _rounded(stay.v1),
            }
        )
    return rows


def _durations(summary: dict[str, Any]) -> dict[str, float | None]:
    names = (
        "median_hours_to_first_response",
        "p90_hours_to_first_response",
        "median_days_to_offer",
        "p90_days_to_offer",
        "median_days_to_hire",
        "p90_days_to_hire",
    )
    return {name: _rounded(summary[name]) for name in names}


def _match_scores(report: queries.Report) -> list[dict[str, Any]]:
    counted = report.counts("bucket")
    return [
        {"bucket": f"{10 * b}-{10 * b + 9 if b < 9 else 100}", "count": int(counted.get(str(b), 0))}
        for b in range(MATCH_BUCKETS)
    ]


def _skills(report: queries.Report, part: str) -> list[dict[str, Any]]:
    return [{"skill": row.key, "count": int(row.v0)} for row in report.rows.get(part, [])]


def _summary(report: queries.Report) -> dict[str, Any]:
    """The summary's counts as integers (they come back in float columns)."""
    summary = report.summary()
    for name in queries.SUMMARY:
        if not name.startswith(("median", "p90")):
            summary[name] = int(summary[name] or 0)
    return summary


def _trend(range_: Range, report: queries.Report, total: int) -> dict[str, Any]:
    counts = {key: int(value) for key, value in report.counts("trend").items()}
    return {
        "interval": range_.interval,
        "points": series(range_, counts, "applications"),
        **trend(total, int(report.one("previous").v0 or 0)),
    }


def _employer_report(kind: str, subject_id: int, range_: Range) -> tuple[queries.Report, dict]:
    """What a job's and a company's dashboards share (and the company's job rows)."""
    report = queries.report(
        kind, subject_id=subject_id, window=range_.window(), previous=range_.previous().window()
    )
    summary = _summary(report)
    totals = report.one("totals")
    views, lifetime = int(totals.v0 or 0), int(totals.v1 or 0)
    measures = {
        "range": range_.described(),
        "views": views,
        "applications": summary["applications"],
        "lifetime_applications": lifetime,
        "view_to_apply": _rate(lifetime, views),
        "by_status": _by_status(report),
        "rates": _rates(summary),
        "funnel": _funnel(report, summary),
        **_durations(summary),
        "match_scores": _match_scores(report),
        "top_applicant_skills": _skills(report, "applicant_skill"),
        "sources": [
            {"source": row.key, "applications": int(row.v0), "hired": int(row.v1)}
            for row in report.rows.get("source", [])
        ],
        "trend": _trend(range_, report, summary["applications"]),
    }
    return report, measures


# -- the dashboards ---------------------------------------------------------------------------


def job_dashboard(*, job: Subject, range_: Range, render: Render) -> Answer:
    """A job's funnel, response times, match scores, skills and sources."""

    def compute() -> dict[str, Any]:
        _report, measures = _employer_report("job", job.id, range_)
        # The job as read for this request: its views include those not yet flushed.
        measures["views"] = job.views
        measures["view_to_apply"] = _rate(measures["lifetime_applications"], job.views)
        return {"job_id": job.id, "title": job.name, **measures}

    return _cached(
        f"job:{job.id}",
        [f"company:{job.company_id}"],
        range_.cache_params(),
        lambda: render(compute()),
    )


def company_dashboard(*, company: Subject, range_: Range, render: Render) -> Answer:
    """The job measures over every live job of the company, and one row per job."""

    def compute() -> dict[str, Any]:
        report, measures = _employer_report("company", company.id, range_)
        jobs = [
            {
                "job_id": int(row.key),
                "title": row.label,
                "status": row.detail,
                "views": int(row.v0),
                "applications": int(row.v1),
                "interviewing": int(row.v3),
                "offered": int(row.v4),
                "hired": int(row.v5),
                "response_rate": _rate(int(row.v2), int(row.v1)),
                "median_hours_to_first_response": _rounded(row.v6),
            }
            for row in report.rows.get("job", [])
        ]
        return {"company_id": company.id, "name": company.name, **measures, "jobs": jobs}

    return _cached(
        f"company:{company.id}",
        [f"company:{company.id}"],
        range_.cache_params(),
        lambda: render(compute()),
    )


def candidate_dashboard(*, user: User, range_: Range, render: Render) -> Answer:
    """Where the candidate's search stands: counts, rates, trend, skills, companies, gap."""

    def compute() -> dict[str, Any]:
        report = queries.report(
            "candidate",
            subject_id=user.id,
            window=range_.window(),
            previous=range_.previous().window(),
        )
        summary = _summary(report)
        return {
            "range": range_.described(),
            "totals": {"applications": summary["applications"], "by_status": _by_status(report)},
            "rates": _rates(summary),
            "trend": _trend(range_, report, summary["applications"]),
            "top_skills": _skills(report, "job_skill"),
            "top_companies": [
                {"company_id": int(row.key), "name": row.label, "count": int(row.v0)}
                for row in report.rows.get("company", [])
            ],
            "skill_gap": _skill_gap(user),
        }

    return _cached(
        f"candidate:{user.id}",
        [f"candidate:{user.id}"],
        range_.cache_params(),
        lambda: render(compute()),
    )


def _skill_gap(user: User) -> dict[str, Any]:
    roles = sorted({r.strip() for r in (user.desired_roles or []) if r and r.strip()})
    have = sorted(set(taxonomy.normalize(user.skills or [])))
    if not roles:
        demand = {"jobs": 0, "demand": 0, "covered": 0, "missing": []}
    else:
        demand = queries.skill_demand(roles=roles, have=have, user_id=user.id, now=utcnow())
    jobs = demand["jobs"]
    missing = demand["missing"]
    return {
        "desired_roles": roles,
        "jobs_considered": jobs,
        "coverage_pct": round(100 * demand["covered"] / demand["demand"], 1)
        if demand["demand"]
        else 0.0,
        "missing": missing,
        "recommendations": [
            f"Learn {row['skill']}: {row['demand']} of the {jobs} matching jobs require it."
            for row in missing[:RECOMMENDATIONS]
        ],
    }


def _sum_by(states: list[tuple[str, str, int]], position: int) -> dict[str, int]:
    totals: dict[str, int] = {}
    for state in states:
        totals[state[position]] = totals.get(state[position], 0) + state[2]
    return totals


def platform_numbers(*, range_: Range) -> dict[str, Any]:
    """Users, jobs, moderation, applications and hires across the platform (uncached: the
    admin panel's dashboard reads these too)."""
    window, previous = range_.window(), range_.previous().window()
    states = queries.live_jobs_by_state()
    return {
        "range": range_.described(),
        "users": _platform_users(range_, window, previous),
        "jobs": _platform_jobs(range_, window, previous, states),
        "moderation": _platform_moderation(window, states),
        "applications": _counted_block(
            range_,
            queries.count_by_period(Application.created_at, window, Application.live()),
            queries.count_between(
                Application.created_at, previous.start, previous.end, Application.live()
            ),
        ),
        "hires": _counted_block(
            range_,
            queries.hires_by_period(window),
            queries.hires_between(previous.start, previous.end),
        ),
    }


def _counted_block(range_: Range, counts: dict[str, int], before: int) -> dict[str, Any]:
    """A count over the range: its total, its series and its trend against ``before``."""
    total = sum(counts.values())
    return {"total": total, "points": series(range_, counts, "count"), **trend(total, before)}


def _platform_users(range_: Range, window: Any, previous: Any) -> dict[str, Any]:
    roles = queries.users_by_role()
    return {
        "total": sum(roles.values()),
        "by_role": {role.value: roles.get(role.value, 0) for role in Role},
        "signups": _counted_block(
            range_,
            queries.count_by_period(User.created_at, window),
            queries.count_between(User.created_at, previous.start, previous.end),
        ),
    }


def _platform_jobs(range_: Range, window: Any, previous: Any, states: list) -> dict[str, Any]:
    by_status = _sum_by(states, 0)
    by_moderation = _sum_by(states, 1)
    live = Job.deleted_at.is_(None)
    return {
        "total": sum(by_status.values()),
        "by_status": {s.value: by_status.get(s.value, 0) for s in JobStatus},
        "by_moderation_status": {s.value: by_moderation.get(s.value, 0) for s in ModerationStatus},
        "posted": _counted_block(
            range_,
            queries.count_by_period(Job.published_at, window, live),
            queries.count_between(Job.published_at, previous.start, previous.end, live),
        ),
    }


def _platform_moderation(window: Any, states: list) -> dict[str, Any]:
    waiting = {ModerationStatus.PENDING.value, ModerationStatus.FLAGGED.value}
    queue = _sum_by([s for s in states if s[0] == JobStatus.PUBLISHED.value and s[1] in waiting], 1)
    decisions = queries.moderation_decisions(window)
    return {
        "queue_size": sum(queue.values()),
        "pending": queue.get(ModerationStatus.PENDING.value, 0),
        "flagged": queue.get(ModerationStatus.FLAGGED.value, 0),
        "decisions": decisions["decisions"],
        "median_hours_to_decision": _rounded(decisions["median_hours_to_decision"]),
        "p90_hours_to_decision": _rounded(decisions["p90_hours_to_decision"]),
        "open_reports": queries.open_reports(),
    }


def _cached(name: str, scopes: list[str], params: dict, compute: Callable[[], str]) -> Answer:
    return cache.cached(
        namespace=CACHE_NAMESPACE,
        name=name,
        scopes=scopes,
        params=params,
        compute=compute,
        ttl=current_app.config["ANALYTICS_CACHE_SECONDS"],
    )


def platform_dashboard(*, range_: Range, render: Render) -> Answer:
    """``platform_numbers``, cached."""
    return _cached(
        "platform",
        ["platform"],
        range_.cache_params(),
        lambda: render(platform_numbers(range_=range_)),
    )


def responsiveness(*, company: Subject, render: Render) -> Answer:
    """The public figure: how often and how fast the company answers applicants."""

    def compute() -> dict[str, Any]:
        end = utcnow()
        window = Window(start=end - timedelta(days=RESPONSIVENESS_DAYS), end=end)
        summary = queries.responsiveness(company_id=company.id, window=window)
        enough = summary["applications"] >= RESPONSIVENESS_MINIMUM

        def shown(value: Any) -> Any:
            return value if enough else None

        return {
            "company_id": company.id,
            "window_days": RESPONSIVENESS_DAYS,
            "minimum_applications": RESPONSIVENESS_MINIMUM,
            "response_rate": shown(_rate(summary["responded"], summary["applications"])),
            "median_hours_to_first_response": shown(
                _rounded(summary["median_hours_to_first_response"])
            ),
            "p90_hours_to_first_response": shown(_rounded(summary["p90_hours_to_first_response"])),
        }

    return _cached(
        f"responsiveness:{company.id}", [f"company:{company.id}"], {}, lambda: render(compute())
    )
