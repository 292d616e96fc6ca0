"""Celery task: validate an import's rows, then insert them (or stop at a dry run)."""

from __future__ import annotations

import logging

from celery import shared_task

from jobhub.db import transaction, utcnow
from jobhub.imports import schemas, services
from jobhub.imports.models import ImportStatus

log = logging.getLogger(__name__)
# Runs of one import (the first and those redelivered after a worker died) before it fails.
MAX_ATTEMPTS = 3
FAILED = "The import could not be completed; nothing was imported."


@shared_task(name="imports.run", acks_late=True, reject_on_worker_lost=True)
def run_import(import_id: int) -> str:
    """Validate every row, then import them in one transaction; idempotent: a finished
    import is left as it is, and a validating or importing one is a run lost with its
    worker (acks_late redelivered it), run again from the start."""
    with transaction():
        row = services.claim(import_id=import_id, max_attempts=MAX_ATTEMPTS)
        if row is None:
            return "skipped"
        resource, company_id, content = row.resource, row.company_id, row.content
        attempt = row.attempts
    try:
        validated = schemas.validate_rows(
            resource,
            content,
            company_id=company_id,
            now=utcnow(),
            progress=lambda rows, total: _progress(import_id, attempt, rows, total),
        )
    except schemas.FileRefused as exc:
        with transaction():
            services.fail(import_id=import_id, reason=str(exc), attempt=attempt)
        return "failed"
    try:
        return _apply(import_id, attempt, validated)
    except Exception:
        log.exception("import %s failed", import_id)
        with transaction():
            services.fail(import_id=import_id, reason=FAILED, attempt=attempt)
        return "failed"


def _progress(import_id: int, attempt: int, rows: int, total: int) -> None:
    with transaction():
        services.record_progress(import_id=import_id, attempt=attempt, rows=rows, total=total)


def _apply(import_id: int, attempt: int, validated: schemas.Validated) -> str:
    with transaction():
        status = services.record_validation(
            import_id=import_id,
            attempt=attempt,
            total=validated.total,
            valid=len(validated.rows),
            errors=validated.errors,
        )
    if status is None:
        log.warning("import %s: run %d superseded before its insert", import_id, attempt)
        return "superseded"
    if status != ImportStatus.IMPORTING:
        return status.value
    # The rows and the done status in one transaction: all of them, or none.
    with transaction():
        created = services.apply_rows(import_id=import_id, attempt=attempt, rows=validated.rows)
    if created is None:
        log.warning("import %s: run %d superseded; nothing inserted", import_id, attempt)
        return "superseded"
    return "done"
