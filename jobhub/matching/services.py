"""Matching services: candidate jobs picked in SQL by skill overlap, then scored."""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import ColumnElement, func, or_, select
from sqlalchemy.orm import joinedload, selectinload, undefer

from jobhub import skills as taxonomy
from jobhub.db import db
from jobhub.errors import Conflict, NotFound, ValidationError
from jobhub.jobs import services as jobs
from jobhub.jobs.models import Job, JobSkill
from jobhub.matching import scoring
from jobhub.matching.scoring import JobProfile, MatchResult
from jobhub.resumes.models import AnalysisStatus, Resume, ResumeSkill
from jobhub.users.models import User

# How many jobs SQL hands to the scorer; the rest share fewer skills with the resume.
CANDIDATE_LIMIT = 200
MAX_COMPARE = 10
# Top matches per resume that /resumes/stats summarises.
STATS_TOP = 10
SKILL_GAP_LIMIT = 20


@dataclass(frozen=True)
class Match:
    """A job and how well a resume matches it."""

    job: Job
    result: MatchResult


def matchable_resume(*, user: User, resume_id: int) -> Resume:
    """The user's analysed resume, text and skills loaded: 404 if not theirs, 409 if not done."""
    resume = db.session.scalar(
        select(Resume)
        .where(Resume.id == resume_id)
        .options(selectinload(Resume.skill_rows), undefer(Resume.text))
    )
    if resume is None or resume.user_id != user.id:
        raise NotFound("No such resume.")
    if resume.analysis_status != AnalysisStatus.DONE:
        raise Conflict(
            f"The resume's analysis is {resume.analysis_status.value}; "
            "matches are available once it is done."
        )
    return resume


def _public() -> ColumnElement[bool]:
    """SPEC §3's public predicate: what anonymous callers see."""
    return jobs.visible_jobs_query(None).whereclause  # type: ignore[return-value]


def _profile(job: Job) -> JobProfile:
    text = " ".join([job.title, job.description, *job.skills, *job.nice_to_have_skills])
    return JobProfile(skills=job.skills, nice_to_have_skills=job.nice_to_have_skills, text=text)


def score_jobs(*, resume: Resume, jobs_: Sequence[Job]) -> list[Match]:
    """Score the resume against these jobs, in the given order."""
    results = scoring.score_jobs(
        resume_skills=resume.skill_weights,
        resume_text=resume.text or "",
        jobs=[_profile(job) for job in jobs_],
    )
    return [Match(job=job, result=result) for job, result in zip(jobs_, results, strict=True)]


def candidate_jobs(*, resume: Resume, limit: int = CANDIDATE_LIMIT) -> list[Job]:
    """Public jobs sharing the most required skills with the resume (one SQL query)."""
    overlap = func.count().label("overlap")
    ranked = (
        select(JobSkill.job_id, overlap)
        .join(Job, Job.id == JobSkill.job_id)
        .where(
            JobSkill.skill.in_(select(ResumeSkill.skill).where(ResumeSkill.resume_id == resume.id)),
            _public(),
        )
        .group_by(JobSkill.job_id)
        .order_by(overlap.desc(), JobSkill.job_id.desc())
        .limit(limit)
        .subquery()
    )
    query = (
        select(Job)
        .join(ranked, ranked.c.job_id == Job.id)
        .options(joinedload(Job.company))
        .order_by(ranked.c.overlap.desc(), Job.id.desc())
    )
    return list(db.session.scalars(query).unique())


def ranked_matches(*, resume: Resume, limit: int = CANDIDATE_LIMIT) -> list[Match]:
    """The resume's best public jobs, best score first (ties: newer job first)."""
    matches = score_jobs(resume=resume, jobs_=candidate_jobs(resume=resume, limit=limit))
    return sorted(matches, key=lambda match: (-match.result.score, -match.job.id))


def match_job(*, user: User, resume_id: int, job_id: int) -> MatchResult:
    """One job against one of the user's resumes; the job must be visible to the user."""
    resume = matchable_resume(user=user, resume_id=resume_id)
    job = jobs.get_visible_job(actor=user, job_id=job_id)
    return score_jobs(resume=resume, jobs_=[job])[0].result


def compare(*, user: User, resume_id: int, job_ids: Sequence[int]) -> list[Match]:
    """Several visible jobs side by side, in the order asked for."""
    ids = list(dict.fromkeys(job_ids))
    if not ids or len(ids) > MAX_COMPARE:
        raise ValidationError(
            f"Give between 1 and {MAX_COMPARE} job ids.",
            errors={"query": {"job_ids": [f"Between 1 and {MAX_COMPARE} job ids."]}},
        )
    resume = matchable_resume(user=user, resume_id=resume_id)
    found = {
        job.id: job
        for job in db.session.scalars(
            jobs.visible_jobs_query(user).where(Job.id.in_(ids)).options(joinedload(Job.company))
        ).unique()
    }
    unknown = [job_id for job_id in ids if job_id not in found]
    if unknown:
        raise NotFound(f"No such job: {', '.join(map(str, unknown))}.")
    return score_jobs(resume=resume, jobs_=[found[job_id] for job_id in ids])


def stats(*, user: User) -> dict[str, Any]:
    """The candidate's analyses and how their resumes' top matches score."""
    resumes = list(
        db.session.scalars(
            select(Resume)
            .where(Resume.user_id == user.id)
            .options(selectinload(Resume.skill_rows), undefer(Resume.text))
            .order_by(Resume.id)
        )
    )
    done = [resume for resume in resumes if resume.analysis_status == AnalysisStatus.DONE]
    top: list[MatchResult] = []
    best: dict[str, Any] | None = None
    for resume in done:
        for match in ranked_matches(resume=resume)[:STATS_TOP]:
            top.append(match.result)
            if best is None or match.result.score > best["score"]:
                best = {"score": match.result.score, "resume_id": resume.id, "job_id": match.job.id}
    scores = [result.score for result in top]
    return {
        "resumes": len(resumes),
        "analyses": len(done),
        "failed_analyses": sum(r.analysis_status == AnalysisStatus.FAILED for r in resumes),
        "matches_considered": len(top),
        "average_score": round(sum(scores) / len(scores), 1) if scores else None,
        "best_score": best["score"] if best else None,
        "best_match": best,
        "missing_skills": [
            {"skill": skill, "count": count}
            for skill, count in scoring.missing_skill_demand(top)[:SKILL_GAP_LIMIT]
        ],
        "recommendations": scoring.demand_recommendations(top),
    }


def _like_pattern(role: str) -> str:
    escaped = role.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


def skill_gap(*, user: User) -> dict[str, Any]:
    """The candidate's skills against what public jobs for their desired roles demand."""
    roles = [role.strip() for role in (user.desired_roles or []) if role and role.strip()]
    if not roles:
        raise Conflict("Add desired roles to your profile to see your skill gap.")
    named = taxonomy.normalize(user.skills or [])
    named.extend(
        db.session.scalars(
            select(ResumeSkill.skill)
            .join(Resume, Resume.id == ResumeSkill.resume_id)
            .where(Resume.user_id == user.id, Resume.analysis_status == AnalysisStatus.DONE)
            .distinct()
        )
    )
    # The hierarchy: a candidate who knows "aws lambda" has "aws" (and "swiftui", "swift").
    have = set(taxonomy.with_implied(named))
    role_match = or_(*(Job.title.ilike(_like_pattern(role), escape="\\") for role in roles))
    jobs_considered = db.session.scalar(
        select(func.count()).select_from(Job).where(_public(), role_match)
    )
    demand = func.count().label("demand")
    rows = db.session.execute(
        select(JobSkill.skill, demand)
        .join(Job, Job.id == JobSkill.job_id)
        .where(_public(), role_match)
        .group_by(JobSkill.skill)
        .order_by(demand.desc(), JobSkill.skill)
    ).all()
    demanded = Counter({skill: count for skill, count in rows})
    total = sum(demanded.values())
    covered = sum(count for skill, count in demanded.items() if skill in have)

    def entry(skill: str, count: int) -> dict[str, Any]:
        share = round(100 * count / jobs_considered, 1) if jobs_considered else 0.0
        return {"skill": skill, "jobs": count, "share": share}

    return {
        "desired_roles": roles,
        "jobs_considered": jobs_considered or 0,
        "skills": sorted(have),
        "coverage": round(100 * covered / total, 1) if total else None,
        "matched_skills": [entry(s, c) for s, c in rows if s in have][:SKILL_GAP_LIMIT],
        "missing_skills": [entry(s, c) for s, c in rows if s not in have][:SKILL_GAP_LIMIT],
    }
