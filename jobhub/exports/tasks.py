"""Celery tasks: build an export; expire old ones (beat)."""

from __future__ import annotations

import logging
from datetime import UTC, datetime

from celery import shared_task

from jobhub.db import db, transaction
from jobhub.exports import runner, services
from jobhub.storage import delete_quietly, get_storage
from jobhub.users.models import User

log = logging.getLogger(__name__)
# Runs of one export (the first and those redelivered after a worker died) before it fails.
MAX_ATTEMPTS = 3
FAILED = "The export could not be built; ask for a new one."


@shared_task(name="exports.run", acks_late=True, reject_on_worker_lost=True)
def run_export(export_id: int) -> str:
    """Build one export; idempotent: a finished export is left as it is, and a running
    one is a run lost with its worker (acks_late redelivered it), built again."""
    with transaction() as session:
        export = services.claim(export_id=export_id, max_attempts=MAX_ATTEMPTS)
        if export is None:
            return "skipped"
        owner = db.session.get(User, export.owner_id)
        for row in (export, owner):
            session.refresh(row)
            session.expunge(row)
    # Detached, fully loaded: the build reads on connections of its own.
    try:
        built = runner.build(export, owner)
    except Exception:
        log.exception("export %s failed", export_id)
        with transaction():
            services.fail(export_id=export_id, reason=FAILED, storage_key=export.storage_key)
        return "failed"
    with transaction():
        finished = services.finish(
            export_id=export_id,
            rows=built.rows,
            size_bytes=built.size_bytes,
            sha256=built.sha256,
            storage_key=built.storage_key,
        )
    if finished is None:
        # A redelivery took the export over (this worker was presumed dead): its file wins.
        log.warning("export %s: superseded; dropping %s", export_id, built.storage_key)
        delete_quietly(get_storage(built.storage_backend), built.storage_key)
        return "superseded"
    runner.emit_progress(owner_id=owner.id, export_id=export_id, progress=100, rows=built.rows)
    return "done"


@shared_task(name="exports.expire")
def expire_exports(now: str | None = None) -> int:
    """Delete the files of exports past EXPORT_RETENTION_HOURS; mark them expired.

    ``now`` (ISO-8601) runs the sweep as of that moment (tests advance the clock so)."""
    with transaction():
        return services.expire_due(now=parse_moment(now))


def parse_moment(value: str | None) -> datetime | None:
    if value is None:
        return None
    return datetime.fromisoformat(value.replace("Z", "+00:00")).astimezone(UTC)
