"""Analytics arguments and answers; each field's description is its exact formula.

The definitions shared by every field are in ``DEFINITIONS`` (the blueprint's
description in the API docs) and in ``jobhub.analytics.queries``.
"""

from __future__ import annotations

from datetime import date
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import marshmallow as ma
from marshmallow import validate

from jobhub.analytics.services import MAX_DAYS
from jobhub.schemas import Schema
from jobhub.sql import UNITS, safe_zone

# Every zone's offset has been whole quarter hours since 1980 (jobhub.sql).
FIRST_DAY, LAST_DAY = date(1980, 1, 1), date(9998, 12, 30)

DEFINITIONS = """\
Dashboards for candidates, employers and admins, and each company's public
responsiveness (SPEC §9). Every number below can be recomputed from the API's own
records (applications, their `/history`, jobs); the definitions:

- **Range.** `from` and `to` are dates, both included, in the time zone `tz` (an IANA
  name, default `UTC`). The range runs from local midnight at the start of `from` to
  local midnight at the end of `to` (`range.starts_at` and `range.ends_at` in the answer,
  UTC), so a day across a daylight-saving change has 23 or 25 hours. Defaults: `to` is
  today in `tz`, `from` 29 days before it (the last 30 days). At most 731 days,
  from 1980-01-01.
- **Cohort.** The applications counted are those *submitted* within the range
  (`created_at`). For employers: to the company's jobs that are not deleted.
- **As of the end of the range.** A cohort's histories are read up to `range.ends_at`:
  moves recorded later are ignored, so a past range answers the same tomorrow. The
  **status** of an application is the target of its last move before the end.
- **Reached.** An application reached a stage (`applied`, `screening`,
  `interviewing`, `offered`, `hired`) when its history has a move *into* that stage
  before the end of the range; every application reached `applied`. A later rejection
  or withdrawal does not undo it, and a stage entered twice counts once.
- **First response.** The employer's move out of `applied` (to `screening` or
  `rejected`); a candidate's withdrawal is not a response.
- **Stay.** A stay in a stage runs from the move into it to the application's next
  recorded move. Stays still open at the end of the range have no duration yet: they
  are left out of every median and p90 (the application still counts as reached). A
  stage entered twice gives two stays.
- **Rates** are fractions from 0 to 1, rounded to 4 decimals; a rate whose denominator is
  0 is `0`. response = applications with a first response ÷ applications; interview =
  reached `interviewing` ÷ applications; offer = reached `offered` ÷ applications;
  acceptance = reached `hired` ÷ reached `offered`.
- **Medians and p90s** are continuous percentiles (PostgreSQL's `percentile_cont`:
  sort the n values, take position 1 + f * (n - 1) and interpolate linearly between the
  two values around it), rounded to 2 decimals; `null` when there is no value.
  Hours and days are exact elapsed time (3,600 and 86,400 seconds), not calendar days.
- **Periods** (`trend.points`, `points`): every day, ISO week (Monday first) or month
  (`interval`) that the range touches, labelled with its first local day
  (`YYYY-MM-DD`); the first and last periods count only the days inside the range.
  Periods with nothing are listed with 0.
- **Direction and change.** Against the previous range of equal length (the same
  number of days, ending the day before `from`): `direction` is `up`, `down` or `flat`
  as this range's total is greater, smaller or equal; `change_pct` = (this - previous)
  ÷ previous * 100, to one decimal. With a previous total of 0, `change_pct` is `0.0`
  when this total is 0 too and `null` otherwise (no base to compare with; `direction`
  is then `up`). `previous` is the previous range's total.
- **Empty ranges** give zeros and empty lists, never an error.
- **Cache.** Answers are cached for 5 minutes and dropped at once by the writes that
  change them (applications, moves, match scores, jobs, users, reports, resume
  analyses); `X-Cache: hit|miss` says which. View counts reach the database once a
  minute and analytics may show them up to 5 minutes late.
"""


class AnalyticsArgsSchema(Schema):
    first = ma.fields.Date(
        data_key="from",
        load_default=None,
        metadata={"description": "First day (YYYY-MM-DD, local to `tz`); default `to` - 29."},
    )
    last = ma.fields.Date(
        data_key="to",
        load_default=None,
        metadata={"description": "Last day, included (YYYY-MM-DD); default today in `tz`."},
    )
    interval = ma.fields.String(
        load_default="day",
        validate=validate.OneOf(UNITS),
        metadata={"description": "Period of the series: day, week (ISO, Monday) or month."},
    )
    tz = ma.fields.String(
        load_default="UTC",
        metadata={"description": "IANA time zone (`Europe/Berlin`); day boundaries follow it."},
    )

    @ma.validates("tz")
    def _known_zone(self, value: str, **_: Any) -> None:
        try:
            ZoneInfo(safe_zone(value))
        except (ValueError, ZoneInfoNotFoundError, OSError):
            raise ma.ValidationError("Not an IANA time zone name (e.g. Europe/Berlin).") from None

    @ma.validates_schema
    def _ordered(self, data: dict[str, Any], **_: Any) -> None:
        first, last = data.get("first"), data.get("last")
        if first is not None and last is not None:
            if first > last:
                raise ma.ValidationError("`from` must not be after `to`.", "from")
            if (last - first).days + 1 > MAX_DAYS:
                raise ma.ValidationError(f"A range is at most {MAX_DAYS} days.", "from")
        for name, day in (("from", first), ("to", last)):
            if day is not None and not FIRST_DAY <= day <= LAST_DAY:
                raise ma.ValidationError(f"Between {FIRST_DAY} and {LAST_DAY}.", name)


def _f(description: str, **kwargs: Any) -> dict[str, Any]:
    return {"metadata": {"description": description}, **kwargs}


class RangeSchema(Schema):
    from_ = ma.fields.String(data_key="from", attribute="from", **_f("First day, local."))
    to = ma.fields.String(**_f("Last day, included, local."))
    interval = ma.fields.String()
    tz = ma.fields.String()
    starts_at = ma.fields.String(**_f("Local midnight starting `from`, in UTC."))
    ends_at = ma.fields.String(**_f("Local midnight after `to`, in UTC (exclusive)."))


class PointSchema(Schema):
    period = ma.fields.String(**_f("First local day of the period (YYYY-MM-DD)."))
    applications = ma.fields.Integer(**_f("Applications submitted in the period (in range)."))


class CountPointSchema(Schema):
    period = ma.fields.String(**_f("First local day of the period (YYYY-MM-DD)."))
    count = ma.fields.Integer()


_DIRECTION = "up, down or flat: this range's total against the previous range's."
_CHANGE = (
    "(total - previous) ÷ previous * 100, one decimal; previous 0: 0.0 if total is 0, else null."
)


class TrendSchema(Schema):
    interval = ma.fields.String()
    points = ma.fields.List(ma.fields.Nested(PointSchema))
    direction = ma.fields.String(**_f(_DIRECTION))
    change_pct = ma.fields.Float(allow_none=True, **_f(_CHANGE))
    previous = ma.fields.Integer(
        **_f("Applications submitted in the previous range of equal length.")
    )


class SeriesSchema(Schema):
    total = ma.fields.Integer(**_f("Sum of the points."))
    points = ma.fields.List(ma.fields.Nested(CountPointSchema))
    direction = ma.fields.String(**_f(_DIRECTION))
    change_pct = ma.fields.Float(allow_none=True, **_f(_CHANGE))
    previous = ma.fields.Integer(**_f("The same count over the previous range of equal length."))


def _status_counts(description: str) -> ma.fields.Dict:
    return ma.fields.Dict(keys=ma.fields.String(), values=ma.fields.Integer(), **_f(description))


_BY_STATUS = (
    "Cohort applications per status at the end of the range (every status of SPEC §4, "
    "0 included). They add up to `applications`."
)


class RatesSchema(Schema):
    response = ma.fields.Float(**_f("Applications with a first response ÷ applications."))
    interview = ma.fields.Float(**_f("Reached `interviewing` ÷ applications."))
    offer = ma.fields.Float(**_f("Reached `offered` ÷ applications."))
    acceptance = ma.fields.Float(**_f("Reached `hired` ÷ reached `offered`."))


class TotalsSchema(Schema):
    applications = ma.fields.Integer(**_f("The cohort: your applications submitted in range."))
    by_status = _status_counts(_BY_STATUS)


class AnalyticsSkillCountSchema(Schema):
    skill = ma.fields.String()
    count = ma.fields.Integer()


class CompanyCountSchema(Schema):
    company_id = ma.fields.Integer()
    name = ma.fields.String()
    count = ma.fields.Integer(**_f("Your cohort applications to the company's jobs."))


class AnalyticsSkillDemandSchema(Schema):
    skill = ma.fields.String()
    demand = ma.fields.Integer(**_f("Matching public jobs that require the skill."))


class AnalyticsSkillGapSchema(Schema):
    desired_roles = ma.fields.List(ma.fields.String(), **_f("From your profile."))
    jobs_considered = ma.fields.Integer(
        **_f(
            "Public jobs (now, whatever the range) whose title contains one of your desired "
            "roles (case-insensitive). 0 without desired roles."
        )
    )
    coverage_pct = ma.fields.Float(
        **_f(
            "100 * Σ demand of the skills you have ÷ Σ demand of every required skill of "
            "those jobs, one decimal (a skill's demand = jobs requiring it); 0 without jobs. "
            "Your skills: your profile's plus those found in your analysed resumes."
        )
    )
    missing = ma.fields.List(
        ma.fields.Nested(AnalyticsSkillDemandSchema),
        **_f("The 10 required skills you lack with the highest demand (ties by name)."),
    )
    recommendations = ma.fields.List(
        ma.fields.String(), **_f("One line for each of the top 3 missing skills.")
    )


class CandidateAnalyticsSchema(Schema):
    range = ma.fields.Nested(RangeSchema)
    totals = ma.fields.Nested(TotalsSchema)
    rates = ma.fields.Nested(RatesSchema)
    trend = ma.fields.Nested(
        TrendSchema, **_f("Your applications per period; total against the previous range.")
    )
    top_skills = ma.fields.List(
        ma.fields.Nested(AnalyticsSkillCountSchema),
        **_f(
            "Required skills of the jobs you applied to in range: cohort applications per "
            "skill, top 10 (ties by name)."
        ),
    )
    top_companies = ma.fields.List(
        ma.fields.Nested(CompanyCountSchema), **_f("Top 10 companies by cohort applications.")
    )
    skill_gap = ma.fields.Nested(AnalyticsSkillGapSchema)


class FunnelStageSchema(Schema):
    stage = ma.fields.String(**_f("applied, screening, interviewing, offered, hired."))
    reached = ma.fields.Integer(**_f("Cohort applications that reached the stage."))
    pass_through_rate = ma.fields.Float(
        allow_none=True,
        **_f(
            "Of those that reached the stage, the share that also reached any later stage "
            "(÷ reached; 0 when none reached it). null for hired, the last stage."
        ),
    )
    median_days_in_stage = ma.fields.Float(
        allow_none=True, **_f("Median days of the completed stays in the stage; null for hired.")
    )
    p90_days_in_stage = ma.fields.Float(
        allow_none=True, **_f("90th percentile of the same stays; null for hired.")
    )


class MatchBucketSchema(Schema):
    bucket = ma.fields.String(**_f("0-9, 10-19, … 90-100: the match score, floored to tens."))
    count = ma.fields.Integer(**_f("Cohort applications with a score in the bucket."))


class SourceSchema(Schema):
    source = ma.fields.String(
        **_f("search, saved_search, recommendation, direct, referral or import.")
    )
    applications = ma.fields.Integer(**_f("Cohort applications from the source."))
    hired = ma.fields.Integer(**_f("Of them, hired at the end of the range."))


_DURATIONS = {
    "median_hours_to_first_response": "Median hours from applying to the first response, "
    "over cohort applications that had one.",
    "p90_hours_to_first_response": "90th percentile of the same.",
    "median_days_to_offer": "Median days from applying to the first move into `offered`, "
    "over cohort applications that reached it.",
    "p90_days_to_offer": "90th percentile of the same.",
    "median_days_to_hire": "Median days from applying to `hired`, over those hired.",
    "p90_days_to_hire": "90th percentile of the same.",
}


class _EmployerMeasures(Schema):
    range = ma.fields.Nested(RangeSchema)
    views = ma.fields.Integer(
        **_f("Lifetime views (views are counted, not dated; not limited to the range).")
    )
    applications = ma.fields.Integer(**_f("The cohort: applications submitted in range."))
    lifetime_applications = ma.fields.Integer(
        **_f("Every application ever received, any status (withdrawn included).")
    )
    view_to_apply = ma.fields.Float(
        **_f("lifetime_applications ÷ views, 4 decimals; 0 without views.")
    )
    by_status = _status_counts(_BY_STATUS)
    rates = ma.fields.Nested(RatesSchema)
    funnel = ma.fields.List(ma.fields.Nested(FunnelStageSchema))
    median_hours_to_first_response = ma.fields.Float(
        allow_none=True, **_f(_DURATIONS["median_hours_to_first_response"])
    )
    p90_hours_to_first_response = ma.fields.Float(
        allow_none=True, **_f(_DURATIONS["p90_hours_to_first_response"])
    )
    median_days_to_offer = ma.fields.Float(
        allow_none=True, **_f(_DURATIONS["median_days_to_offer"])
    )
    p90_days_to_offer = ma.fields.Float(allow_none=True, **_f(_DURATIONS["p90_days_to_offer"]))
    median_days_to_hire = ma.fields.Float(allow_none=True, **_f(_DURATIONS["median_days_to_hire"]))
    p90_days_to_hire = ma.fields.Float(allow_none=True, **_f(_DURATIONS["p90_days_to_hire"]))
    match_scores = ma.fields.List(
        ma.fields.Nested(MatchBucketSchema), **_f("Always the 10 buckets; unscored left out.")
    )
    top_applicant_skills = ma.fields.List(
        ma.fields.Nested(AnalyticsSkillCountSchema),
        **_f(
            "Skills found in the resumes the cohort applied with: applications per skill, "
            "top 10 (ties by name)."
        ),
    )
    sources = ma.fields.List(
        ma.fields.Nested(SourceSchema),
        **_f("Sources with at least one cohort application, most applications first."),
    )
    trend = ma.fields.Nested(TrendSchema)


class JobAnalyticsSchema(_EmployerMeasures):
    job_id = ma.fields.Integer()
    title = ma.fields.String()


class CompanyJobRowSchema(Schema):
    job_id = ma.fields.Integer()
    title = ma.fields.String()
    status = ma.fields.String()
    views = ma.fields.Integer(**_f("Lifetime views."))
    applications = ma.fields.Integer(**_f("Cohort applications to this job."))
    interviewing = ma.fields.Integer(**_f("Of them, reached `interviewing`."))
    offered = ma.fields.Integer(**_f("Of them, reached `offered`."))
    hired = ma.fields.Integer(**_f("Of them, reached `hired`."))
    response_rate = ma.fields.Float(**_f("With a first response ÷ applications."))
    median_hours_to_first_response = ma.fields.Float(allow_none=True)


class CompanyAnalyticsSchema(_EmployerMeasures):
    company_id = ma.fields.Integer()
    name = ma.fields.String()
    jobs = ma.fields.List(
        ma.fields.Nested(CompanyJobRowSchema),
        **_f("Every live job of the company, most cohort applications first (then by id)."),
    )


class UsersBlockSchema(Schema):
    total = ma.fields.Integer(**_f("Accounts not deleted, now."))
    by_role = _status_counts("Accounts not deleted per role, now.")
    signups = ma.fields.Nested(
        SeriesSchema, **_f("Accounts created per period (deleted since included).")
    )


class JobsBlockSchema(Schema):
    total = ma.fields.Integer(**_f("Jobs not deleted, now."))
    by_status = _status_counts("Jobs not deleted per status, now.")
    by_moderation_status = _status_counts("Jobs not deleted per moderation status, now.")
    posted = ma.fields.Nested(
        SeriesSchema,
        **_f(
            "Live jobs by their latest publication (`published_at`) per period; a job "
            "reopened in range counts at its reopening."
        ),
    )


class ModerationBlockSchema(Schema):
    queue_size = ma.fields.Integer(
        **_f("Published live jobs awaiting a decision (pending + flagged), now.")
    )
    pending = ma.fields.Integer()
    flagged = ma.fields.Integer()
    decisions = ma.fields.Integer(
        **_f("Admins' decisions in range: jobs whose latest decision by an admin is dated in it.")
    )
    median_hours_to_decision = ma.fields.Float(
        allow_none=True,
        **_f("Median hours from publication (`published_at`) to that decision."),
    )
    p90_hours_to_decision = ma.fields.Float(allow_none=True, **_f("90th percentile of the same."))
    open_reports = ma.fields.Integer(**_f("Open reports on live jobs, now."))


class PlatformAnalyticsSchema(Schema):
    range = ma.fields.Nested(RangeSchema)
    users = ma.fields.Nested(UsersBlockSchema)
    jobs = ma.fields.Nested(JobsBlockSchema)
    moderation = ma.fields.Nested(ModerationBlockSchema)
    applications = ma.fields.Nested(
        SeriesSchema, **_f("Applications submitted per period (every job, deleted included).")
    )
    hires = ma.fields.Nested(SeriesSchema, **_f("Moves into `hired` recorded per period."))


class ResponsivenessSchema(Schema):
    company_id = ma.fields.Integer()
    window_days = ma.fields.Integer(
        **_f("90: applications submitted in the last 90 days (to now) count.")
    )
    minimum_applications = ma.fields.Integer(
        **_f("5: below this many applications every figure is null.")
    )
    response_rate = ma.fields.Float(
        allow_none=True,
        **_f("Applications the company moved out of `applied` ÷ applications, 4 decimals."),
    )
    median_hours_to_first_response = ma.fields.Float(
        allow_none=True, **_f("Median hours from applying to that first move.")
    )
    p90_hours_to_first_response = ma.fields.Float(
        allow_none=True, **_f("90th percentile of the same.")
    )
