"""Keep applications' match scores current: other domains' events queue a rescore."""

from __future__ import annotations

from typing import Any

from jobhub import signals
from jobhub.applications.models import Application
from jobhub.db import enqueue_after_commit
from jobhub.jobs.models import Job
from jobhub.resumes.models import Resume


def _score_after_commit(**target: int) -> None:
    enqueue_after_commit("matching.score_applications", **target)


@signals.application_submitted.connect
def _on_application_submitted(_sender: Any, *, application: Application, **_: Any) -> None:
    if application.resume_id is not None:
        _score_after_commit(application_id=application.id)


@signals.resume_analyzed.connect
def _on_resume_analyzed(_sender: Any, *, resume: Resume, **_: Any) -> None:
    _score_after_commit(resume_id=resume.id)


@signals.job_content_changed.connect
def _on_job_content_changed(_sender: Any, *, job: Job, **_: Any) -> None:
    _score_after_commit(job_id=job.id)
