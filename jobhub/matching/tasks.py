"""Matching tasks: score applications against their jobs."""

from __future__ import annotations

import logging

from celery import shared_task
from celery.utils.time import get_exponential_backoff_interval
from sqlalchemy import Select
from sqlalchemy.exc import OperationalError

from jobhub.applications.models import Application
from jobhub.db import transaction, utcnow
from jobhub.matching.applicants import services as applicants

log = logging.getLogger(__name__)

MAX_RETRIES = 5
BACKOFF_FACTOR = 10  # seconds, doubled per retry (full jitter), capped below
BACKOFF_MAX = 600


@shared_task(
    name="matching.score_applications",
    bind=True,
    acks_late=True,
    reject_on_worker_lost=True,
    max_retries=MAX_RETRIES,
)
def score_applications(
    self,
    application_id: int | None = None,
    resume_id: int | None = None,
    job_id: int | None = None,
) -> int:
    """(Re)score the applications of one application, resume or job; idempotent.

    Batches commit one by one, so a job with thousands of applicants holds no long
    transaction; a database outage is retried with exponential backoff.
    """
    query = applicants.scorable(application_id=application_id, resume_id=resume_id, job_id=job_id)
    try:
        return score_in_batches(query)
    except OperationalError as exc:
        countdown = get_exponential_backoff_interval(
            BACKOFF_FACTOR, self.request.retries, BACKOFF_MAX, full_jitter=True
        )
        log.warning("match scores: retrying in %ss after %s", countdown, exc)
        raise self.retry(exc=exc, countdown=countdown) from exc


def score_in_batches(query: Select[tuple[Application]]) -> int:
    """Score every application of ``query``, committing batch by batch; how many."""
    scored, after_id = 0, 0
    while True:
        with transaction():
            ids = applicants.score_next(query, after_id=after_id, now=utcnow())
        if not ids:
            return scored
        scored += len(ids)
        after_id = ids[-1]
