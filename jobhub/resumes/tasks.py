"""Celery tasks: analyse a resume; re-queue analyses stuck past their timeout."""

from __future__ import annotations

import logging
from datetime import timedelta

from celery import shared_task
from celery.exceptions import SoftTimeLimitExceeded
from celery.utils.time import get_exponential_backoff_interval
from flask import current_app
from sqlalchemy.exc import OperationalError

from jobhub.db import enqueue_after_commit, transaction, utcnow
from jobhub.resumes.analysis import AnalysisFailed
from jobhub.resumes.processing import queries as pending
from jobhub.resumes.processing import services as processing
from jobhub.storage import StorageError, StorageUnavailable, StoredFileNotFound

log = logging.getLogger(__name__)

MAX_RETRIES = 5
BACKOFF_FACTOR = 10  # seconds: up to 10, 20, 40, 80, 160 (full jitter), capped below
BACKOFF_MAX = 600
SWEEP_BATCH = 500
# Errors that may pass by themselves: the storage or the database was unreachable.
TRANSIENT = (StorageUnavailable, OperationalError)
GAVE_UP = "The file storage was unavailable; the analysis gave up. Upload the resume again."


@shared_task(
    name="resumes.analyze",
    bind=True,
    acks_late=True,
    reject_on_worker_lost=True,
    max_retries=MAX_RETRIES,
)
def analyze_resume(self, resume_id: int, token: str | None = None) -> str:
    """Analyse one resume; idempotent: a resume analysed already is left as it is.

    Transient errors (storage or database unreachable) are retried with exponential
    backoff; everything else ends the analysis as ``failed`` with a reason.
    """
    held: processing.Claim | None = None
    try:
        with transaction():
            held = processing.claim(
                resume_id=resume_id,
                token=token,
                now=utcnow(),
                max_attempts=current_app.config["RESUME_ANALYSIS_MAX_ATTEMPTS"],
            )
        if held is None:
            return "skipped"
        try:
            return _run(held)
        except TRANSIENT:
            _release_quietly(held)
            raise
    except TRANSIENT as exc:
        if self.request.retries >= self.max_retries:
            log.error("resume %s: giving up after %d retries: %s", resume_id, MAX_RETRIES, exc)
            _give_up(resume_id, held.token if held else token)
            return "failed"
        countdown = get_exponential_backoff_interval(
            BACKOFF_FACTOR, self.request.retries, BACKOFF_MAX, full_jitter=True
        )
        log.warning("resume %s: retrying in %ss after %s", resume_id, countdown, exc)
        raise self.retry(
            args=(resume_id,),
            kwargs={"token": held.token if held else token},
            exc=exc,
            countdown=countdown,
        ) from exc


def _run(held: processing.Claim) -> str:
    reason = None
    try:
        result = processing.analyze(held, now=utcnow())
    except AnalysisFailed as exc:
        reason = str(exc)
    except StoredFileNotFound:
        log.error("resume %s: stored file %s is missing", held.resume_id, held.storage_key)
        reason = "The stored file is missing; upload the resume again."
    except TRANSIENT:
        raise
    except StorageError as exc:
        log.error("resume %s: storage refused the file: %s", held.resume_id, exc)
        reason = "The stored file could not be read; upload the resume again."
    except SoftTimeLimitExceeded:
        reason = "The analysis took too long; the file may be too complex."
    except Exception:
        log.exception("resume %s: analysis crashed", held.resume_id)
        reason = "The analysis failed unexpectedly; the error has been logged."

    with transaction():
        if reason is not None:
            return "failed" if processing.fail(held, reason) else "superseded"
        if processing.finish(held, result, now=utcnow()) is None:
            return "superseded"
    return "done"


def _release_quietly(held: processing.Claim) -> None:
    try:
        with transaction():
            processing.release(held, now=utcnow())
    except OperationalError:
        log.warning(
            "resume %s: could not release the claim; the retry takes it over", held.resume_id
        )


def _give_up(resume_id: int, token: str | None) -> None:
    """Fail the resume after the last retry, if the database answers at all."""
    try:
        with transaction():
            processing.fail_unless_finished(resume_id=resume_id, token=token, reason=GAVE_UP)
    except OperationalError:
        log.exception("resume %s: could not record the failure; the sweeper will", resume_id)


@shared_task(name="resumes.requeue_stuck_analyses")
def requeue_stuck_analyses() -> dict[str, int]:
    """Re-queue analyses pending or processing past RESUME_ANALYSIS_TIMEOUT (beat)."""
    config = current_app.config
    now = utcnow()
    timeout = timedelta(seconds=config["RESUME_ANALYSIS_TIMEOUT"])
    requeued = failed = 0
    with transaction():
        for resume in pending.stuck(now=now, timeout=timeout, limit=SWEEP_BATCH):
            token = processing.new_token()
            if processing.requeue(
                resume, token=token, now=now, max_attempts=config["RESUME_ANALYSIS_MAX_ATTEMPTS"]
            ):
                requeued += 1
                enqueue_after_commit("resumes.analyze", resume.id, token=token)
            else:
                failed += 1
    if requeued or failed:
        log.info("stuck resume analyses: %d re-queued, %d failed", requeued, failed)
    return {"requeued": requeued, "failed": failed}
