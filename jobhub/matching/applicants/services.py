"""Match scores of applications: the resume each came with, scored against its job.

The ``matching.score_applications`` task (batches committed one by one) runs this when a
candidate applies with a resume, when that resume's analysis completes, and when the
job's title, description or skills change. The score is the one the candidate sees at
``/jobs/{id}/match`` for the same resume and job. An application without an analysed
resume keeps what it has (``match_score`` null until one is scored).
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import Select, select
from sqlalchemy.orm import joinedload, selectinload, undefer

from jobhub.applications.models import Application
from jobhub.db import db
from jobhub.matching import services
from jobhub.matching.scoring import MatchResult
from jobhub.resumes.models import AnalysisStatus, Resume

BATCH_SIZE = 200


def scorable(
    *,
    application_id: int | None = None,
    resume_id: int | None = None,
    job_id: int | None = None,
    unscored_only: bool = False,
) -> Select[tuple[Application]]:
    """Applications with an analysed resume, narrowed to one application, resume or job
    (or to those without a score yet)."""
    query = (
        select(Application)
        .join(Resume, Resume.id == Application.resume_id)
        .where(Resume.analysis_status == AnalysisStatus.DONE, Application.live())
    )
    if unscored_only:
        query = query.where(Application.match_score.is_(None))
    if application_id is not None:
        query = query.where(Application.id == application_id)
    if resume_id is not None:
        query = query.where(Application.resume_id == resume_id)
    if job_id is not None:
        query = query.where(Application.job_id == job_id)
    return query


def score_next(query: Select[tuple[Application]], *, after_id: int, now: datetime) -> list[int]:
    """Score the next batch of ``query``'s applications past ``after_id``; their ids."""
    applications = list(
        db.session.scalars(
            query.where(Application.id > after_id)
            .order_by(Application.id)
            .limit(BATCH_SIZE)
            .options(joinedload(Application.job))
            .with_for_update(of=Application)
        ).unique()
    )
    if not applications:
        return []
    resumes = {
        resume.id: resume
        for resume in db.session.scalars(
            select(Resume)
            .where(Resume.id.in_({a.resume_id for a in applications}))
            .options(selectinload(Resume.skill_rows), undefer(Resume.text))
        )
    }
    for application in applications:
        resume = resumes[application.resume_id]
        result = services.score_jobs(resume=resume, jobs_=[application.job])[0].result
        application.match_score = result.score
        application.match_explanation = explanation(result, resume_id=resume.id, now=now)
    db.session.flush()
    return [application.id for application in applications]


def explanation(result: MatchResult, *, resume_id: int, now: datetime) -> dict[str, Any]:
    """What the employer sees beside the score (the candidate's tips are left out)."""
    return {
        "resume_id": resume_id,
        "matched_skills": result.matched_skills,
        "missing_skills": result.missing_skills,
        "nice_to_have_matched": result.nice_to_have_matched,
        "nice_to_have_missing": result.nice_to_have_missing,
        "similarity": result.similarity,
        "matched_via": result.matched_via,
        "related_skills": result.related_skills,
        "scored_at": now.isoformat(),
    }
