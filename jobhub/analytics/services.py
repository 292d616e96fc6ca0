"""Analytics services: the window from the arguments, the figures from ``queries``, the
cache around them. Each returns ``(answer, cache_state)``; the answer is plain JSON.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from jobhub.analytics import cache, queries
from jobhub.analytics.queries import LADDER, Pipeline, Window
from jobhub.analytics.sql import next_period, period_start
from jobhub.applications.models import Application, ApplicationStatus
from jobhub.companies.models import Company
from jobhub.db import utcnow
from jobhub.jobs.models import Job, JobStatus, ModerationStatus
from jobhub.skills import taxonomy
from jobhub.users.models import Role, User

DEFAULT_DAYS = 30
MAX_DAYS = 731
RESPONSIVENESS_DAYS = 90
RESPONSIVENESS_MINIMUM = 5
RESPONSIVENESS_CACHE_SECONDS = 300
MATCH_BUCKETS = 10
RECOMMENDATIONS = 3

Answer = tuple[dict[str, Any], str | None]


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


def _by_status(p: Pipeline) -> dict[str, int]:
    counted = queries.by_status(p)
    return {status.value: counted.get(status.value, 0) for status in ApplicationStatus}


def _funnel(p: Pipeline, summary: dict[str, Any]) -> list[dict[str, Any]]:
    durations = queries.stage_durations(p)
    rows = []
    for stage in LADDER:
        reached = summary[f"reached_{stage.value}"]
        final = stage == ApplicationStatus.HIRED
        stay = durations.get(stage.value, {})
        rows.append(
            {
                "stage": stage.value,
                "reached": reached,
                "pass_through_rate": None
                if final
                else _rate(summary[f"passed_{stage.value}"], reached),
                "median_days_in_stage": None if final else _rounded(stay.get("median")),
                "p90_days_in_stage": None if final else _rounded(stay.get("p90")),
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


def _match_scores(p: Pipeline) -> list[dict[str, Any]]:
    counted = queries.match_score_buckets(p)
    return [
        {"bucket": f"{10 * b}-{10 * b + 9 if b < 9 else 100}", "count": counted.get(b, 0)}
        for b in range(MATCH_BUCKETS)
    ]


def _employer_measures(
    scope: list[Any], range_: Range, *, views: int, lifetime_applications: int
) -> dict[str, Any]:
    """What a job's and a company's dashboards share."""
    window = range_.window()
    p = queries.pipeline(scope, window, live_jobs=True)
    summary = queries.summary(p)
    previous = range_.previous().window()
    before = queries.applications_between(scope, previous.start, previous.end, live_jobs=True)
    counts = queries.applications_by_period(scope, window, live_jobs=True)
    return {
        "range": range_.described(),
        "views": views,
        "applications": summary["applications"],
        "lifetime_applications": lifetime_applications,
        "view_to_apply": _rate(lifetime_applications, views),
        "by_status": _by_status(p),
        "rates": _rates(summary),
        "funnel": _funnel(p, summary),
        **_durations(summary),
        "match_scores": _match_scores(p),
        "top_applicant_skills": queries.top_applicant_skills(p),
        "sources": queries.sources(p),
        "trend": {
            "interval": range_.interval,
            "points": series(range_, counts, "applications"),
            **trend(summary["applications"], before),
        },
    }


# -- the dashboards ---------------------------------------------------------------------------


def job_dashboard(*, job: Job, range_: Range) -> Answer:
    """A job's funnel, response times, match scores, skills and sources."""

    def compute() -> dict[str, Any]:
        totals = queries.job_totals(job_id=job.id)
        measures = _employer_measures(
            [Application.job_id == job.id],
            range_,
            views=job.views,
            lifetime_applications=totals["applications"],
        )
        return {"job_id": job.id, "title": job.title, **measures}

    return cache.cached(
        f"job:{job.id}", [f"company:{job.company_id}"], range_.cache_params(), compute
    )


def company_dashboard(*, company: Company, range_: Range) -> Answer:
    """The job measures over every live job of the company, and one row per job."""

    def compute() -> dict[str, Any]:
        totals = queries.job_totals(job_ids=queries.live_job_ids(company.id))
        scope = [Application.company_id == company.id]
        measures = _employer_measures(
            scope, range_, views=totals["views"], lifetime_applications=totals["applications"]
        )
        p = queries.pipeline(scope, range_.window(), live_jobs=True)
        jobs = [
            {
                **row,
                "response_rate": _rate(row.pop("responded"), row["applications"]),
                "median_hours_to_first_response": _rounded(row["median_hours_to_first_response"]),
            }
            for row in queries.per_job(p, company_id=company.id)
        ]
        return {"company_id": company.id, "name": company.name, **measures, "jobs": jobs}

    return cache.cached(
        f"company:{company.id}", [f"company:{company.id}"], range_.cache_params(), compute
    )


def candidate_dashboard(*, user: User, range_: Range) -> Answer:
    """Where the candidate's search stands: counts, rates, trend, skills, companies, gap."""

    def compute() -> dict[str, Any]:
        scope = [Application.candidate_id == user.id]
        window = range_.window()
        p = queries.pipeline(scope, window, live_jobs=False)
        summary = queries.summary(p)
        previous = range_.previous().window()
        before = queries.applications_between(scope, previous.start, previous.end, live_jobs=False)
        counts = queries.applications_by_period(scope, window, live_jobs=False)
        return {
            "range": range_.described(),
            "totals": {"applications": summary["applications"], "by_status": _by_status(p)},
            "rates": _rates(summary),
            "trend": {
                "interval": range_.interval,
                "points": series(range_, counts, "applications"),
                **trend(summary["applications"], before),
            },
            "top_skills": queries.top_job_skills(p),
            "top_companies": queries.top_companies(p),
            "skill_gap": _skill_gap(user),
        }

    return cache.cached(
        f"candidate:{user.id}", [f"candidate:{user.id}"], range_.cache_params(), compute
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


def platform_dashboard(*, range_: Range) -> Answer:
    """Users, jobs, moderation, applications and hires across the platform."""

    def compute() -> dict[str, Any]:
        window, previous = range_.window(), range_.previous().window()
        roles = queries.users_by_role()
        signups = queries.count_by_period(User.created_at, window)
        signups_before = queries.count_between(User.created_at, previous.start, previous.end)
        posted = queries.count_by_period(Job.published_at, window, Job.deleted_at.is_(None))
        posted_before = queries.count_between(
            Job.published_at, previous.start, previous.end, Job.deleted_at.is_(None)
        )
        applications = queries.applications_by_period([], window, live_jobs=False)
        applications_before = queries.applications_between(
            [], previous.start, previous.end, live_jobs=False
        )
        hires = queries.hires_by_period(window)
        hires_before = queries.hires_between(previous.start, previous.end)
        queue = queries.moderation_queue()
        decisions = queries.moderation_decisions(window)
        by_status = queries.jobs_by(Job.status)
        by_moderation = queries.jobs_by(Job.moderation_status)

        def block(counts: dict[str, int], before: int) -> dict[str, Any]:
            total = sum(counts.values())
            return {
                "total": total,
                "points": series(range_, counts, "count"),
                **trend(total, before),
            }

        return {
            "range": range_.described(),
            "users": {
                "total": sum(roles.values()),
                "by_role": {role.value: roles.get(role.value, 0) for role in Role},
                "signups": block(signups, signups_before),
            },
            "jobs": {
                "total": sum(by_status.values()),
                "by_status": {s.value: by_status.get(s.value, 0) for s in JobStatus},
                "by_moderation_status": {
                    s.value: by_moderation.get(s.value, 0) for s in ModerationStatus
                },
                "posted": block(posted, posted_before),
            },
            "moderation": {
                "queue_size": sum(queue.values()),
                "pending": queue.get(ModerationStatus.PENDING.value, 0),
                "flagged": queue.get(ModerationStatus.FLAGGED.value, 0),
                "decisions": decisions["decisions"],
                "median_hours_to_decision": _rounded(decisions["median_hours_to_decision"]),
                "p90_hours_to_decision": _rounded(decisions["p90_hours_to_decision"]),
                "open_reports": queries.open_reports(),
            },
            "applications": block(applications, applications_before),
            "hires": block(hires, hires_before),
        }

    return cache.cached("platform", ["platform"], range_.cache_params(), compute)


def responsiveness(*, company: Company) -> Answer:
    """The public figure: how often and how fast the company answers applicants."""

    def compute() -> dict[str, Any]:
        end = utcnow()
        window = Window(start=end - timedelta(days=RESPONSIVENESS_DAYS), end=end)
        p = queries.pipeline([Application.company_id == company.id], window, live_jobs=True)
        summary = queries.summary(p)
        enough = summary["applications"] >= RESPONSIVENESS_MINIMUM
        return {
            "company_id": company.id,
            "window_days": RESPONSIVENESS_DAYS,
            "minimum_applications": RESPONSIVENESS_MINIMUM,
            "response_rate": _rate(summary["responded"], summary["applications"])
            if enough
            else None,
            "median_hours_to_first_response": _rounded(summary["median_hours_to_first_response"])
            if enough
            else None,
            "p90_hours_to_first_response": _rounded(summary["p90_hours_to_first_response"])
            if enough
            else None,
        }

    return cache.cached(f"responsiveness:{company.id}", [f"company:{company.id}"], {}, compute)
