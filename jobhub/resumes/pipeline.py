"""The analysis state machine: pending → processing → done | failed.

A queued analysis carries a token that is also written on the resume; only a run
holding the resume's current token may claim it, and only a run that still holds it
may write the result. A redelivered or duplicated message therefore finds the work
done (or takes over its own abandoned claim), and a message superseded by the sweeper
does nothing: one analysis result, one notification.

Reaching ``done`` or ``failed`` raises the owner's ``resume.analyzed`` notification in
the same transaction (pushed live after the commit), so it exists exactly when the
result does.
"""

from __future__ import annotations

import secrets
import shutil
import tempfile
from dataclasses import dataclass
from datetime import datetime, timedelta

from flask import current_app
from sqlalchemy import delete, or_, select

from jobhub import signals
from jobhub.db import db
from jobhub.notifications.services import notify
from jobhub.resumes.analysis import AnalysisResult, analyze_text, extract_text
from jobhub.resumes.models import AnalysisStatus, FileFormat, Resume, ResumeSkill
from jobhub.storage import get_storage
from jobhub.users.services import get_user

MAX_ERROR_LENGTH = 500
SPOOL_IN_MEMORY = 8 * 1024 * 1024  # resumes are at most RESUME_MAX_BYTES
CHUNK_SIZE = 64 * 1024
_FINISHED = (AnalysisStatus.DONE, AnalysisStatus.FAILED)


def new_token() -> str:
    """A token naming one queued analysis."""
    return secrets.token_hex(16)


@dataclass(frozen=True)
class Claim:
    """What a run needs after it let go of the row lock."""

    resume_id: int
    token: str
    storage_backend: str
    storage_key: str
    file_format: FileFormat


def _locked(resume_id: int) -> Resume | None:
    return db.session.scalar(select(Resume).where(Resume.id == resume_id).with_for_update())


def claim(*, resume_id: int, token: str | None, now: datetime, max_attempts: int) -> Claim | None:
    """Mark the resume processing for this run, or return None when it is not this run's.

    ``token=None`` (a manual run) claims a pending resume whatever its token.
    """
    resume = _locked(resume_id)
    if resume is None or resume.analysis_status in _FINISHED:
        return None
    if token is None:
        if resume.analysis_status is not AnalysisStatus.PENDING:
            return None
        token = resume.analysis_token or new_token()
    elif resume.analysis_token != token:
        return None
    if resume.analysis_attempts >= max_attempts:
        _mark_failed(resume, f"The analysis did not finish after {max_attempts} attempts.")
        return None
    resume.analysis_status = AnalysisStatus.PROCESSING
    resume.analysis_started_at = now
    resume.analysis_attempts += 1
    resume.analysis_token = token
    db.session.flush()
    return Claim(
        resume_id=resume.id,
        token=token or "",
        storage_backend=resume.storage_backend,
        storage_key=resume.storage_key,
        file_format=resume.file_format,
    )


def analyze(held: Claim, *, now: datetime) -> AnalysisResult:
    """Read the stored file and analyse it (no database work: no lock is held meanwhile)."""
    # Parsers seek (a PDF's index is at its end, a zip's directory too); S3 streams do not.
    with (
        get_storage(held.storage_backend).open(held.storage_key) as stream,
        tempfile.SpooledTemporaryFile(max_size=SPOOL_IN_MEMORY) as local,
    ):
        shutil.copyfileobj(stream, local, CHUNK_SIZE)
        local.seek(0)
        text = extract_text(local, held.file_format)  # type: ignore[arg-type]
    return analyze_text(text, today=now.date())


def _still_held(held: Claim) -> Resume | None:
    resume = _locked(held.resume_id)
    if (
        resume is None
        or resume.analysis_status is not AnalysisStatus.PROCESSING
        or resume.analysis_token != held.token
    ):
        return None
    return resume


def release(held: Claim, *, now: datetime) -> None:
    """Hand the resume back to the queue (a retry follows); the attempt does not count."""
    resume = _still_held(held)
    if resume is not None:
        resume.analysis_status = AnalysisStatus.PENDING
        resume.analysis_attempts = max(0, resume.analysis_attempts - 1)
        resume.analysis_started_at = None
        resume.analysis_queued_at = now
        db.session.flush()


def fail_unless_finished(*, resume_id: int, token: str | None, reason: str) -> Resume | None:
    """Fail the resume for good if the given token (any, when None) still owns it."""
    resume = _locked(resume_id)
    if resume is None or resume.analysis_status in _FINISHED:
        return None
    if token is not None and resume.analysis_token != token:
        return None
    _mark_failed(resume, reason)
    return resume


def finish(held: Claim, result: AnalysisResult, *, now: datetime) -> Resume | None:
    """Store the result if this run still holds the resume; None when it does not."""
    resume = _still_held(held)
    if resume is None:
        return None
    db.session.execute(delete(ResumeSkill).where(ResumeSkill.resume_id == resume.id))
    db.session.add_all(
        ResumeSkill(
            resume_id=resume.id,
            skill=found.name,
            position=position,
            occurrences=found.occurrences,
            weight=found.weight,
            evidence=[{"section": e.section, "snippet": e.snippet} for e in found.evidence],
            implied_by=list(found.implied_by),
        )
        for position, found in enumerate(result.found)
    )
    resume.years_experience = result.years_experience
    resume.education = result.education
    resume.summary = result.summary
    resume.text = result.text
    resume.analysis_status = AnalysisStatus.DONE
    resume.analysis_error = None
    resume.analysis_token = None
    resume.analyzed_at = now
    db.session.flush()
    db.session.expire(resume, ["skill_rows"])
    _announce(resume, skills=len(result.skills))
    signals.resume_analyzed.send(current_app._get_current_object(), resume=resume)
    return resume


def fail(held: Claim, reason: str) -> Resume | None:
    """Record a failure if this run still holds the resume."""
    resume = _still_held(held)
    if resume is not None:
        _mark_failed(resume, reason)
    return resume


def _mark_failed(resume: Resume, reason: str) -> None:
    resume.analysis_status = AnalysisStatus.FAILED
    resume.analysis_error = reason[:MAX_ERROR_LENGTH]
    resume.analysis_token = None
    db.session.flush()
    _announce(resume)


def _announce(resume: Resume, *, skills: int = 0) -> None:
    """The owner's ``resume.analyzed`` notification, done or failed."""
    owner = get_user(user_id=resume.user_id)
    if owner is None:
        return
    data = {"resume_id": resume.id, "status": resume.analysis_status.value}
    if resume.analysis_status is AnalysisStatus.DONE:
        years = resume.years_experience
        found = f"{skills} skill{'s' if skills != 1 else ''}"
        if years is not None:
            found += f" and about {years:g} year{'s' if years != 1 else ''} of experience"
        title = "Your resume has been analysed"
        body = f"{resume.filename}: we found {found}."
        data.update(skills=skills, years_experience=years)
    else:
        title = "Your resume could not be analysed"
        body = f"{resume.filename}: {resume.analysis_error}"
        data["error"] = resume.analysis_error
    notify(user=owner, type="resume.analyzed", title=title, body=body, data=data)


def stuck(*, now: datetime, timeout: timedelta, limit: int) -> list[Resume]:
    """Resumes queued or processing for longer than ``timeout``, locked for requeueing."""
    cutoff = now - timeout
    query = (
        select(Resume)
        .where(
            or_(
                (Resume.analysis_status == AnalysisStatus.PENDING)
                & (Resume.analysis_queued_at < cutoff),
                (Resume.analysis_status == AnalysisStatus.PROCESSING)
                & (Resume.analysis_started_at < cutoff),
            )
        )
        .order_by(Resume.id)
        .limit(limit)
        .with_for_update(skip_locked=True)
    )
    return list(db.session.scalars(query))


def requeue(resume: Resume, *, token: str, now: datetime, max_attempts: int) -> bool:
    """Put a stuck resume back in the queue under a new token, or fail it for good."""
    if resume.analysis_attempts >= max_attempts:
        _mark_failed(resume, f"The analysis did not finish after {max_attempts} attempts.")
        return False
    resume.analysis_status = AnalysisStatus.PENDING
    resume.analysis_token = token
    resume.analysis_queued_at = now
    resume.analysis_started_at = None
    db.session.flush()
    return True
