"""Demo applications for ``flask seed``: histories, notes, interviews, feedback, in bulk.

Without ``--applications`` the demo candidates apply to the demo companies' jobs (three
each, once). ``--applications N`` tops the applications up to N with generated
candidates: each applies to a handful of listed jobs and moves along the pipeline as
real ones do (most wait or are turned down early, a few reach an offer), with the
recorded moves, the company's notes, interviews (past ones with feedback, upcoming ones
scheduled) and rejection reasons that go with it. A company without members gets a
generated recruiter, who writes the notes and interviews. Histories carry their past
(when each move happened), which no service can write: rows are generated in memory and
written through the bulk path (``seed.bulk``).
"""

from __future__ import annotations

import random
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import and_, func, select, update

from jobhub.applications.interviews.models import (
    Interview,
    InterviewFeedback,
    InterviewInterviewer,
)
from jobhub.applications.models import Application, ApplicationEvent, ApplicationNote
from jobhub.applications.models import ApplicationStatus as S
from jobhub.companies.models import Company, CompanyMember, MemberRole
from jobhub.db import db, utcnow
from jobhub.jobs.models import Job, JobStatus, ModerationStatus
from jobhub.resumes import queries as resumes
from jobhub.security import hash_password
from jobhub.seed import bulk
from jobhub.seed.histories import (
    FIRST_NAMES,
    LAST_NAMES,
    ListedJob,
    Rows,
    application_rows,
)
from jobhub.users.models import Role, User

DEMO_COMPANY_SLUGS = ("northwind-labs", "bluefin-health", "cedar-robotics")
DEMO_APPLICATIONS_EACH = 3
SEED_DOMAIN = "seed.jobhub.local"


def seed_applications(
    *, applications: int | None, demo_candidates: int, password: str, report: Any
) -> None:
    """Demo applications (``applications`` None), or top the applications up to N.

    Generated accounts get ``password`` (one hash shared by all: hashing each would take
    minutes at scale).
    """
    existing = db.session.scalar(select(func.count()).select_from(Application)) or 0
    rng = random.Random(existing)
    now = utcnow()
    jobs = _listed_jobs(now)
    if not jobs:
        return
    plan: list[tuple[int | str, list[ListedJob]]] = []
    if existing == 0:
        plan += _demo_plan(rng, jobs, demo_candidates)
    wanted = (applications or 0) - existing - sum(len(picks) for _, picks in plan)
    if wanted > 0:
        plan += _generated_plan(rng, jobs, wanted)
    if not plan:
        return
    # Demo candidates (the existing accounts in the plan) apply with their demo resume.
    resume_ids = resumes.latest_resume_ids(user_ids={w for w, _ in plan if isinstance(w, int)})
    rows = Rows()
    password_hash = hash_password(password)
    members = _members({job.company_id for _, picks in plan for job in picks}, rows, now)
    newcomers = [entry for entry in plan if isinstance(entry[0], str)]
    user_ids = bulk.Ids(User, len(newcomers) + len(members.missing))
    members.create(user_ids, password_hash)
    taken = db.session.scalar(
        select(func.count()).where(User.email.like(f"applicant.%@{SEED_DOMAIN}"))
    )
    candidates: list[tuple[int, list[ListedJob]]] = []
    for who, picks in plan:
        if isinstance(who, str):
            user_id = user_ids.take()
            taken += 1
            email = f"applicant.{taken}@{SEED_DOMAIN}"
            rows.users.append(_user_row(user_id, email, who, Role.CANDIDATE, password_hash, now))
            who = user_id
        candidates.append((who, picks))
    application_ids = bulk.Ids(Application, sum(len(picks) for _, picks in candidates))
    for candidate_id, picks in candidates:
        for job in picks:
            member_id = members.by_company[job.company_id]
            application_rows(
                rng,
                rows,
                application_ids.take(),
                candidate_id,
                job,
                member_id,
                now,
                resume_id=resume_ids.get(candidate_id),
            )
    _number(rows)
    _write(rows)
    _recount(job_ids={row["job_id"] for row in rows.applications})
    for kind, count in (
        ("candidates", len(newcomers)),
        ("recruiters", len(rows.members)),
        ("applications", len(rows.applications)),
        ("application moves", len(rows.events)),
        ("interviews", len(rows.interviews)),
    ):
        report.add(kind, count)


def _listed_jobs(now: datetime) -> list[ListedJob]:
    """Jobs that were ever public (open or closed since), oldest first."""
    query = (
        select(Job.id, Job.company_id, Job.title, Job.listed_at)
        .where(
            Job.deleted_at.is_(None),
            Job.moderation_status == ModerationStatus.APPROVED,
            Job.status.in_([JobStatus.PUBLISHED, JobStatus.CLOSED]),
            Job.listed_at < now,
        )
        .order_by(Job.id)
    )
    return [ListedJob(*row) for row in db.session.execute(query)]


@dataclass
class _Members:
    """Who acts for each company applied to; companies without members get a recruiter."""

    by_company: dict[int, int]
    missing: list[tuple[int, str]]
    rows: Rows
    now: datetime

    def create(self, user_ids: bulk.Ids, password_hash: str) -> None:
        member_ids = bulk.Ids(CompanyMember, len(self.missing))
        for company_id, name in self.missing:
            user_id = user_ids.take()
            email = f"recruiter.{company_id}@{SEED_DOMAIN}"
            self.rows.users.append(
                _user_row(
                    user_id, email, f"{name} Hiring Team", Role.EMPLOYER, password_hash, self.now
                )
            )
            self.rows.members.append(
                {
                    "id": member_ids.take(),
                    "company_id": company_id,
                    "user_id": user_id,
                    "role": MemberRole.RECRUITER.value,
                    "created_at": self.now,
                }
            )
            self.by_company[company_id] = user_id


def _members(company_ids: set[int], rows: Rows, now: datetime) -> _Members:
    found: dict[int, int] = {}
    for company_id, user_id in db.session.execute(
        select(CompanyMember.company_id, CompanyMember.user_id)
        .where(CompanyMember.company_id.in_(company_ids))
        .order_by(CompanyMember.role, CompanyMember.id)
    ):
        found.setdefault(company_id, user_id)
    missing = sorted(company_ids - set(found))
    names = db.session.execute(
        select(Company.id, Company.name).where(Company.id.in_(missing)).order_by(Company.id)
    )
    return _Members(by_company=found, missing=[tuple(row) for row in names], rows=rows, now=now)


def _user_row(
    user_id: int, email: str, name: str, role: Role, password_hash: str, now: datetime
) -> dict[str, Any]:
    """A generated account (unverified: generated accounts are never mailed)."""
    return {
        "id": user_id,
        "email": email,
        "password_hash": password_hash,
        "full_name": name,
        "role": role.value,
        "open_to_work": role == Role.CANDIDATE,
        "created_at": now,
        "updated_at": now,
    }


def _demo_plan(
    rng: random.Random, jobs: Sequence[ListedJob], demo_candidates: int
) -> list[tuple[int | str, list[ListedJob]]]:
    """The demo candidates, three applications each to the demo companies' jobs.

    Only companies with a member (their demo employer) take part: the default seed
    creates no account beyond the demo ones.
    """
    demo_companies = set(
        db.session.scalars(
            select(Company.id)
            .join(CompanyMember, CompanyMember.company_id == Company.id)
            .where(Company.slug.in_(DEMO_COMPANY_SLUGS))
        )
    )
    pool = [job for job in jobs if job.company_id in demo_companies]
    if not pool:
        return []
    candidates = db.session.scalars(
        select(User.id)
        .where(User.role == Role.CANDIDATE, User.email.like("%.candidate@jobhub.local"))
        .order_by(User.id)
        .limit(demo_candidates)
    ).all()
    return [
        (candidate_id, rng.sample(pool, k=min(DEMO_APPLICATIONS_EACH, len(pool))))
        for candidate_id in candidates
    ]


def _generated_plan(
    rng: random.Random, jobs: Sequence[ListedJob], wanted: int
) -> list[tuple[int | str, list[ListedJob]]]:
    """New candidates (by name) applying to 1-11 jobs each (6 on average) until ``wanted``."""
    plan: list[tuple[int | str, list[ListedJob]]] = []
    while wanted > 0:
        count = min(wanted, rng.randint(1, 11), len(jobs))
        name = f"{rng.choice(FIRST_NAMES)} {rng.choice(LAST_NAMES)}"
        plan.append((name, rng.sample(jobs, k=count)))
        wanted -= count
    return plan


# -- writing -----------------------------------------------------------------------------


def _number(rows: Rows) -> None:
    """Draw ids for the rows generated without them (exactly as many as needed)."""
    for model, batch in (
        (ApplicationEvent, rows.events),
        (ApplicationNote, rows.notes),
        (InterviewFeedback, rows.feedback),
    ):
        ids = bulk.Ids(model, len(batch))
        for row in batch:
            row["id"] = ids.take()
    interview_ids = bulk.Ids(Interview, len(rows.interviews))
    real = [interview_ids.take() for _ in rows.interviews]
    for position, row in enumerate(rows.interviews):
        row["id"] = real[position]
    for row in (*rows.interviewers, *rows.feedback):
        row["interview_id"] = real[row["interview_id"]]


TABLES = (
    ("users", User),
    ("members", CompanyMember),
    ("applications", Application),
    ("events", ApplicationEvent),
    ("notes", ApplicationNote),
    ("interviews", Interview),
    ("interviewers", InterviewInterviewer),
    ("feedback", InterviewFeedback),
)


def _write(rows: Rows) -> None:
    for attribute, model in TABLES:
        bulk.insert_rows(model, getattr(rows, attribute))


def _recount(*, job_ids: set[int]) -> None:
    """Every job's count of applications not withdrawn, in one statement."""
    if not job_ids:
        return
    counted = (
        select(func.count())
        .where(and_(Application.job_id == Job.id, Application.status != S.WITHDRAWN))
        .scalar_subquery()
    )
    db.session.execute(
        update(Job)
        .where(Job.id.in_(job_ids))
        .values({Job.applications_count: counted, Job.updated_at: Job.updated_at})
        .execution_options(synchronize_session=False)
    )
