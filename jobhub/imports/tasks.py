"""Celery task: validate an import's rows, then insert them (or stop at a dry run)."""

from __future__ import annotations

import logging

from celery import shared_task

from jobhub.db import db, transaction, utcnow
from jobhub.imports import schemas, services
from jobhub.imports.models import Import

log = logging.getLogger(__name__)
FAILED = "The import could not be completed; nothing was imported."


@shared_task(name="imports.run", acks_late=True, reject_on_worker_lost=True)
def run_import(import_id: int) -> str:
    """Validate every row, then import them in one transaction; idempotent: an import
    that is not queued is left as it is."""
    with transaction():
        row = services.claim(import_id=import_id)
        if row is None:
            return "skipped"
        resource, company_id, content = row.resource, row.company_id, row.content
    try:
        validated = schemas.validate_rows(
            resource,
            content,
            company_id=company_id,
            now=utcnow(),
            progress=lambda rows, total: _progress(import_id, rows, total),
        )
    except schemas.FileRefused as exc:
        with transaction():
            services.fail(import_id=import_id, reason=str(exc))
        return "failed"
    try:
        return _apply(import_id, validated)
    except Exception:
        log.exception("import %s failed", import_id)
        with transaction():
            services.fail(import_id=import_id, reason=FAILED)
        return "failed"


def _progress(import_id: int, rows: int, total: int) -> None:
    with transaction():
        services.record_progress(import_id=import_id, rows=rows, total=total)


def _apply(import_id: int, validated: schemas.Validated) -> str:
    with transaction():
        row = db.session.get(Import, import_id)
        go = services.record_validation(
            row=row,
            total=validated.total,
            valid=len(validated.rows),
            errors=validated.errors,
        )
        status = row.status.value
    if not go:
        return status
    # The rows and the done status in one transaction: all of them, or none.
    with transaction():
        row = db.session.get(Import, import_id)
        services.apply_rows(row=row, rows=validated.rows)
    return "done"
