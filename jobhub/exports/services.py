"""Export services: ask for an export, read it, download it (audited), finish, expire."""

from __future__ import annotations

import logging
import secrets
from datetime import datetime, timedelta
from typing import Any, BinaryIO

from flask import current_app
from sqlalchemy import select

from jobhub.audit import services as audit
from jobhub.db import db, enqueue_after_commit, utcnow
from jobhub.errors import Gone, NotFound, ServiceUnavailable, ValidationError
from jobhub.exports import queries
from jobhub.exports.columns import EXPORT_COLUMNS
from jobhub.exports.models import (
    ERROR_MAX_LENGTH,
    EXTENSIONS,
    Export,
    ExportFormat,
    ExportResource,
    ExportStatus,
)
from jobhub.notifications import services as notifications
from jobhub.storage import StorageError, StoredFileNotFound, delete_after_commit, get_storage
from jobhub.users.models import Role, User

log = logging.getLogger(__name__)

RUN_TASK = "exports.run"
# The filters each resource understands; anything else is a 422.
RESOURCE_FILTERS: dict[ExportResource, frozenset[str]] = {
    ExportResource.JOBS: frozenset(
        {"company_id", "status", "moderation_status", "created_from", "created_to"}
    ),
    ExportResource.APPLICATIONS: frozenset(
        {"job_id", "company_id", "status", "created_from", "created_to"}
    ),
    ExportResource.ACCOUNT: frozenset(),
}
JOB_STATUSES = ("draft", "published", "closed")
MODERATION_STATUSES = ("pending", "approved", "rejected", "flagged")
APPLICATION_STATUSES = (
    "applied",
    "screening",
    "interviewing",
    "offered",
    "hired",
    "rejected",
    "withdrawn",
)


def _invalid(field: str, message: str) -> ValidationError:
    return ValidationError(errors={"json": {field: [message]}})


def _check(
    *,
    owner: User,
    resource: ExportResource,
    format: ExportFormat,
    filters: dict[str, Any],
    fields: list[str] | None,
) -> None:
    if resource == ExportResource.ACCOUNT:
        if format != ExportFormat.ZIP:
            raise _invalid("format", "The account export is always a zip.")
        if fields:
            raise _invalid("fields", "The account export has no field selection.")
    elif resource == ExportResource.JOBS and owner.role == Role.CANDIDATE:
        raise _invalid("resource", "Candidates export their applications or their account.")
    _check_filters(resource=resource, filters=filters)
    if fields is not None:
        _check_fields(resource=resource, fields=fields)


def _check_filters(*, resource: ExportResource, filters: dict[str, Any]) -> None:
    unknown = sorted(set(filters) - RESOURCE_FILTERS[resource])
    if unknown:
        raise ValidationError(
            errors={
                "json": {
                    "filters": {
                        name: [f"Not a filter of the {resource.value} export."] for name in unknown
                    }
                }
            }
        )
    statuses = APPLICATION_STATUSES if resource == ExportResource.APPLICATIONS else JOB_STATUSES
    if "status" in filters and filters["status"] not in statuses:
        raise ValidationError(
            errors={"json": {"filters": {"status": [f"One of: {', '.join(statuses)}."]}}}
        )
    moderation = filters.get("moderation_status")
    if moderation is not None and moderation not in MODERATION_STATUSES:
        raise ValidationError(
            errors={
                "json": {
                    "filters": {"moderation_status": [f"One of: {', '.join(MODERATION_STATUSES)}."]}
                }
            }
        )
    low, high = filters.get("created_from"), filters.get("created_to")
    if low is not None and high is not None and low >= high:
        raise ValidationError(
            errors={"json": {"filters": {"created_from": ["Must be before created_to."]}}}
        )


def _check_fields(*, resource: ExportResource, fields: list[str]) -> None:
    allowed = EXPORT_COLUMNS[resource.value]
    bad = [name for name in fields if name not in allowed]
    if bad:
        raise ValidationError(
            errors={
                "json": {
                    "fields": {
                        str(fields.index(name)): [
                            f"Not a column of the {resource.value} export: "
                            f"choose from {', '.join(allowed)}."
                        ]
                        for name in bad
                    }
                }
            }
        )
    if len(set(fields)) != len(fields):
        raise _invalid("fields", "Each field may be named once.")


def _stored_filters(filters: dict[str, Any]) -> dict[str, Any]:
    stored = {}
    for name, value in filters.items():
        if isinstance(value, datetime):
            value = value.isoformat().replace("+00:00", "Z")
        stored[name] = value
    return stored


def create_export(
    *,
    owner: User,
    resource: ExportResource,
    format: ExportFormat,
    filters: dict[str, Any] | None = None,
    fields: list[str] | None = None,
) -> Export:
    """Record an export (its filters, not the ids they match) and queue the task."""
    filters = dict(filters or {})
    _check(owner=owner, resource=resource, format=format, filters=filters, fields=fields)
    export = Export(
        owner_id=owner.id,
        resource=resource,
        format=format,
        filters=_stored_filters(filters),
        fields=list(fields) if fields else None,
        status=ExportStatus.QUEUED,
        progress=0,
        rows=0,
    )
    db.session.add(export)
    db.session.flush()
    enqueue_after_commit(RUN_TASK, export.id)
    return export


def get_export(*, owner: User, export_id: int) -> Export:
    """One of the owner's exports; anyone else's is not found."""
    export = queries.get_own_export(owner_id=owner.id, export_id=export_id)
    if export is None:
        raise NotFound("No such export.")
    return export


def open_download(*, owner: User, export_id: int) -> tuple[Export, BinaryIO]:
    """The export's file for its owner, recorded in the audit log; 410 once expired."""
    export = get_export(owner=owner, export_id=export_id)
    if export.status == ExportStatus.EXPIRED or (
        export.expires_at is not None and export.expires_at <= utcnow()
    ):
        raise Gone("This export has expired; ask for a new one.")
    if export.status != ExportStatus.DONE or export.storage_key is None:
        raise NotFound(f"This export is not ready (status {export.status.value}).")
    audit.record(
        action="export.downloaded",
        actor=owner,
        target_type="export",
        target_id=export.id,
        changes={"resource": export.resource.value, "format": export.format.value},
        subject_id=owner.id,
    )
    try:
        stream = get_storage(export.storage_backend).open(export.storage_key)
    except StoredFileNotFound as exc:
        log.error("export %s: stored file %s is missing", export.id, export.storage_key)
        raise Gone("The file of this export is no longer available.") from exc
    except StorageError as exc:
        raise ServiceUnavailable("File storage is unavailable; try again shortly.") from exc
    return export, stream


# -- the task's steps ----------------------------------------------------------------


def claim(*, export_id: int, max_attempts: int) -> Export | None:
    """Take the export for this run; None when it is not to run (ran already, expired).

    A ``running`` export is claimed again: its task was redelivered because the worker
    that held it died (acks_late), so that run is lost. Its planned file (stored already
    if the worker died between storing and committing) is deleted, and each run writes to
    a key of its own, so a late finish of the lost run is refused (``finish``) and one
    file is left. After ``max_attempts`` runs the export fails instead of looping on a
    file that kills its worker.
    """
    export = db.session.scalar(
        select(Export).where(Export.id == export_id).with_for_update(skip_locked=True)
    )
    if export is None or export.status not in (ExportStatus.QUEUED, ExportStatus.RUNNING):
        return None
    if export.status == ExportStatus.RUNNING:
        log.warning("export %s: run %d was lost; claiming it again", export.id, export.attempts)
        if export.attempts >= max_attempts:
            _mark_failed(export, f"The export did not finish after {max_attempts} attempts.")
            return None
        _drop_planned_file(export)
    export.status = ExportStatus.RUNNING
    export.attempts += 1
    export.started_at = utcnow()
    export.progress = 0
    export.rows = 0
    export.storage_backend = current_app.config["STORAGE_BACKEND"]
    export.storage_key = f"exports/{export.id}-{secrets.token_hex(8)}.{EXTENSIONS[export.format]}"
    db.session.flush()
    return export


def _this_run(export_id: int, storage_key: str | None) -> Export | None:
    """The export, locked, if it is still running as the run that planned ``storage_key``."""
    export = db.session.scalar(select(Export).where(Export.id == export_id).with_for_update())
    if (
        export is None
        or export.status != ExportStatus.RUNNING
        or (storage_key is not None and export.storage_key != storage_key)
    ):
        return None
    return export


def finish(
    *,
    export_id: int,
    rows: int,
    size_bytes: int,
    sha256: str,
    storage_key: str,
) -> Export | None:
    """The file is stored: done, kept EXPORT_RETENTION_HOURS, ``export.ready`` raised.

    None when the export is no longer this run's (a redelivery took it over): the
    caller deletes its file."""
    export = _this_run(export_id, storage_key)
    if export is None:
        return None
    now = utcnow()
    export.status = ExportStatus.DONE
    export.progress = 100
    export.rows = rows
    export.size_bytes = size_bytes
    export.sha256 = sha256
    export.finished_at = now
    export.expires_at = now + timedelta(hours=current_app.config["EXPORT_RETENTION_HOURS"])
    db.session.flush()
    owner = db.session.get(User, export.owner_id)
    if owner is not None:
        notifications.notify(
            user=owner,
            type="export.ready",
            title=f"Your {export.resource.value} export is ready",
            body=(
                f"{rows} rows, {export.format.value}. Download it before "
                f"{export.expires_at:%Y-%m-%d %H:%M} UTC."
            ),
            data={
                "export_id": export.id,
                "resource": export.resource.value,
                "format": export.format.value,
            },
        )
    return export


def fail(*, export_id: int, reason: str, storage_key: str | None = None) -> None:
    """The export could not be built: failed with a reason (kept as long as a file).

    With ``storage_key``, only if the export is still that run's."""
    export = db.session.get(Export, export_id)
    if export is None or export.status not in (ExportStatus.QUEUED, ExportStatus.RUNNING):
        return
    if storage_key is not None and _this_run(export_id, storage_key) is None:
        return
    _mark_failed(export, reason)


def _drop_planned_file(export: Export) -> None:
    """Delete, after the commit, the file a lost or failed run may have stored."""
    if export.storage_key is None:
        return
    try:
        delete_after_commit(get_storage(export.storage_backend), export.storage_key)
    except StorageError:
        log.exception("export %s: cannot reach the storage of %s", export.id, export.storage_key)
    export.storage_key = None


def _mark_failed(export: Export, reason: str) -> None:
    _drop_planned_file(export)
    now = utcnow()
    export.status = ExportStatus.FAILED
    export.error = reason[:ERROR_MAX_LENGTH]
    export.finished_at = now
    export.expires_at = now + timedelta(hours=current_app.config["EXPORT_RETENTION_HOURS"])
    db.session.flush()


def expire_due(*, now: datetime | None = None, limit: int = 500) -> int:
    """Expire finished exports past their expiry: files deleted after commit."""
    due = db.session.scalars(queries.expired_exports_query(now=now or utcnow()).limit(limit))
    count = 0
    for export in due:
        if export.storage_key is not None:
            delete_after_commit(get_storage(export.storage_backend), export.storage_key)
        export.status = ExportStatus.EXPIRED
        export.storage_key = None
        count += 1
    db.session.flush()
    return count


def remove_user(*, user: User) -> int:
    """An erased account's exports and their files go (receipt: ``exports``)."""
    exports = list(db.session.scalars(select(Export).where(Export.owner_id == user.id)))
    for export in exports:
        if export.storage_key is not None:
            delete_after_commit(get_storage(export.storage_backend), export.storage_key)
        db.session.delete(export)
    db.session.flush()
    return len(exports)
