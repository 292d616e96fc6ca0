"""Import services: ask, claim, record the validation, apply, confirm, undo, errors.csv.

The task (``tasks.run_import``) drives an import through its statuses: ``queued`` →
``validating`` → ``validated`` (a dry run stops there until ``confirm``) → ``importing``
→ ``done``; a file that cannot be read, or invalid rows without ``skip_invalid``, end
``failed`` with nothing written. The rows go in with the ``done`` status, in one
transaction. ``import.progress`` ``{id, status, rows, progress}`` goes to the asker's
sockets (every status change, every ``IMPORT_PROGRESS_ROWS`` rows validated or
inserted) and
``import.finished`` to the asker (a key's imports: the company's members).
"""

from __future__ import annotations

import csv
import io
import logging
from collections.abc import Callable, Iterator
from typing import Any

from sqlalchemy import select

from jobhub import metrics
from jobhub.applications import services as applications
from jobhub.audit import services as audit
from jobhub.companies import services as companies
from jobhub.companies.models import Company
from jobhub.db import db, enqueue_after_commit, on_commit, utcnow
from jobhub.errors import Conflict
from jobhub.extensions import socketio
from jobhub.imports.models import ERROR_MAX_LENGTH, Import, ImportResource, ImportStatus
from jobhub.imports.queries import find_by_key
from jobhub.jobs import services as jobs
from jobhub.notifications import services as notifications
from jobhub.notifications.live.services import user_room
from jobhub.users.models import User

log = logging.getLogger(__name__)

PROGRESS_EVENT = "import.progress"
RUN_TASK = "imports.run"
# The statuses of a run in progress: an import found so by a claim lost its run.
RUNNING = (ImportStatus.VALIDATING, ImportStatus.IMPORTING)


def create_import(
    *,
    actor: Any,
    company: Company,
    resource: ImportResource,
    content: str,
    filename: str | None,
    dry_run: bool = False,
    skip_invalid: bool = False,
    key: str | None = None,
) -> Import:
    """Store the file and queue its validation; a repeated ``key`` returns the first."""
    if key is not None and (found := find_by_key(company_id=company.id, key=key)) is not None:
        return found
    row = Import(
        company_id=company.id,
        owner_id=actor.id,
        resource=resource,
        dry_run=dry_run,
        skip_invalid=skip_invalid,
        idempotency_key=key,
        filename=(filename or "")[:255] or None,
        content=content,
        errors=[],
    )
    db.session.add(row)
    db.session.flush()
    enqueue_after_commit(RUN_TASK, row.id)
    return row


def claim(*, import_id: int, max_attempts: int) -> Import | None:
    """Take the import for this run (now validating); None when it is not to run.

    A ``validating`` or ``importing`` import is claimed again: its task was redelivered
    because the worker that held it died (acks_late), so that run is lost. Nothing of it
    is in the database but its counts (the rows go in with the ``done`` status, in one
    transaction), so the new run validates from the start. The run's number
    (``attempts``) is its token: a lost run that was only slow has its later steps
    refused (``record_validation``, ``apply_rows``, ``fail``). After ``max_attempts``
    runs the import fails instead of looping on a file that kills its worker.

    The claim waits for the row's lock (not ``skip_locked`` as an export's does): a run
    still inserting holds it to its commit (then the import is done and skipped here),
    and so does, for a moment, the connection of a killed worker that was waiting inside
    its insert; skipping that lock would ack the redelivered task and lose the import."""
    row = db.session.scalar(select(Import).where(Import.id == import_id).with_for_update())
    if row is None or row.status not in (ImportStatus.QUEUED, *RUNNING):
        return None
    if row.status in RUNNING:
        log.warning("import %s: run %d was lost; claiming it again", row.id, row.attempts)
        if row.attempts >= max_attempts:
            _finish(
                row,
                ImportStatus.FAILED,
                f"The import did not finish after {max_attempts} attempts; nothing was imported.",
            )
            return None
    row.status = ImportStatus.VALIDATING
    row.attempts += 1
    row.progress = 0
    db.session.flush()
    emit_progress(row, 0)
    return row


def _this_run(import_id: int, attempt: int, *statuses: ImportStatus) -> Import | None:
    """The import, locked, if it is still in ``statuses`` as run number ``attempt``."""
    row = db.session.scalar(select(Import).where(Import.id == import_id).with_for_update())
    if row is None or row.status not in statuses or row.attempts != attempt:
        return None
    return row


def record_validation(
    *, import_id: int, attempt: int, total: int, valid: int, errors: list[dict]
) -> ImportStatus | None:
    """Counts and errors stored; the status they lead to (``importing``: the rows go in
    now). None when the import is no longer this run's (a redelivery took it over)."""
    row = _this_run(import_id, attempt, ImportStatus.VALIDATING)
    if row is None:
        return None
    row.total, row.valid, row.invalid = total, valid, total - valid
    row.errors = errors
    row.progress = 50  # every row read: the first half is done
    metrics.import_rows("invalid", row.invalid)
    if row.invalid and not row.skip_invalid:
        _finish(row, ImportStatus.FAILED, f"{row.invalid} invalid rows; nothing was imported.")
        return row.status
    if row.dry_run and not row.confirmed:
        _finish(row, ImportStatus.VALIDATED)
        return row.status
    row.status = ImportStatus.IMPORTING
    db.session.flush()
    emit_progress(row, 0)
    return row.status


def apply_rows(*, import_id: int, attempt: int, rows: list[dict[str, Any]]) -> int | None:
    """Insert the valid rows set-based; the import is done in the same transaction.

    The import stays locked until that transaction ends, so two runs never insert
    together, and a run that is no longer the import's (a redelivery took it over, or
    finished it) inserts nothing: None."""
    row = _this_run(import_id, attempt, ImportStatus.IMPORTING)
    if row is None:
        return None
    progress = _insert_progress(row, len(rows))
    if row.resource == ImportResource.APPLICATIONS:
        row.created = applications.import_applications(
            company_id=row.company_id, import_id=row.id, rows=rows, progress=progress
        )
    else:
        company = db.session.get(Company, row.company_id)
        row.created = jobs.import_jobs(
            company=company,
            actor_id=row.owner_id,
            import_id=row.id,
            rows=rows,
            progress=progress,
        )
    metrics.import_rows("created", row.created)
    _finish(row, ImportStatus.DONE)
    return row.created


def validation_progress(rows: int, total: int) -> int:
    """The percentage while validating: the first half."""
    return min(50, rows * 50 // total) if total else 50


def _insert_progress(row: Import, count: int) -> Callable[[int], None]:
    """Pushed at once while the insert runs (its transaction is still open, so
    ``GET /imports/{id}`` shows 50 until it commits at 100)."""
    owner_id, import_id = row.owner_id, row.id

    def report(done: int) -> None:
        if done < count:
            percent = 50 + done * 50 // max(count, 1)
            push(
                owner_id=owner_id,
                import_id=import_id,
                status=ImportStatus.IMPORTING,
                rows=done,
                progress=percent,
            )

    return report


def fail(*, import_id: int, reason: str, attempt: int | None = None) -> None:
    """The file could not be read or the task broke: failed, nothing written.

    With ``attempt``, only if the import is still that run's."""
    if attempt is None:
        row = db.session.get(Import, import_id)
    else:
        row = _this_run(import_id, attempt, *RUNNING)
    if row is not None and row.status in (ImportStatus.QUEUED, *RUNNING):
        _finish(row, ImportStatus.FAILED, reason)


def _finish(row: Import, status: ImportStatus, error: str | None = None) -> None:
    row.status = status
    if status == ImportStatus.DONE:
        row.progress = 100
    row.error = error[:ERROR_MAX_LENGTH] if error else None
    row.finished_at = utcnow()
    db.session.flush()
    emit_progress(row, row.created if status == ImportStatus.DONE else None)
    _announce(row)


def _announce(row: Import) -> None:
    """``import.finished`` to whoever asked (a key's import: every member)."""
    outcome = {
        ImportStatus.DONE: f"{row.created} {row.resource.value} imported",
        ImportStatus.VALIDATED: f"{row.valid} of {row.total} rows valid; confirm to import",
        ImportStatus.FAILED: row.error or "failed",
    }[row.status]
    message = {
        "type": "import.finished",
        "title": f"Your import #{row.id} is {row.status.value}",
        "body": f"Import #{row.id} ({row.filename or 'CSV'}): {outcome}.",
        "data": {"import_id": row.id, "status": row.status.value, "created": row.created},
    }
    owner = db.session.get(User, row.owner_id) if row.owner_id is not None else None
    if owner is not None:
        notifications.notify(user=owner, **message)
    else:
        companies.notify_members(company_id=row.company_id, **message)


def emit_progress(row: Import, rows: int | None = None) -> None:
    """``import.progress`` to the asker's sockets, once this transaction commits. ``rows``:
    those of the phase (validated, inserted); by default the file's total."""
    if row.owner_id is None:
        return
    payload = {
        "id": row.id,
        "status": row.status.value,
        "rows": row.total if rows is None else rows,
        "progress": row.progress,
    }
    room = user_room(row.owner_id)
    on_commit(lambda: socketio.emit(PROGRESS_EVENT, payload, to=room, namespace="/"))


def record_progress(*, import_id: int, attempt: int, rows: int, total: int) -> None:
    """Validation progress: committed on the import (what ``GET /imports/{id}`` shows)
    by the caller's transaction, pushed after it; nothing from a lost run."""
    row = _this_run(import_id, attempt, ImportStatus.VALIDATING)
    if row is None:
        return
    row.total = total
    row.progress = validation_progress(rows, total)
    db.session.flush()
    emit_progress(row, rows)


def push(
    *, owner_id: int | None, import_id: int, status: ImportStatus, rows: int, progress: int
) -> None:
    """``import.progress`` pushed at once (nothing of it waits for a commit)."""
    if owner_id is not None:
        payload = {"id": import_id, "status": status.value, "rows": rows, "progress": progress}
        socketio.emit(PROGRESS_EVENT, payload, to=user_room(owner_id), namespace="/")


def confirm(*, row: Import, actor: Any) -> Import:
    """Apply a validated dry run: validated again (data may have changed), then imported."""
    if not (row.dry_run and row.status == ImportStatus.VALIDATED and not row.confirmed):
        raise Conflict(f"Only a validated dry run can be confirmed (this one is {row.status}).")
    row.confirmed = True
    row.status = ImportStatus.QUEUED
    row.progress = 0
    row.attempts = 0  # the confirmed run has MAX_ATTEMPTS runs of its own
    row.finished_at = None
    _audit(row, actor, "import.confirmed")
    db.session.flush()
    enqueue_after_commit(RUN_TASK, row.id)
    return row


def undo(*, row: Import, actor: Any) -> Import:
    """Soft-delete what a finished import created: its jobs (restorable job by job), or its
    applications and the accounts it created that have nothing else."""
    if row.status != ImportStatus.DONE:
        raise Conflict(f"Only a done import can be undone (this one is {row.status}).")
    if row.resource == ImportResource.APPLICATIONS:
        removed: Any = applications.undo_import(import_id=row.id)
    else:
        removed = jobs.undo_import(import_id=row.id)
    row.status = ImportStatus.UNDONE
    _audit(row, actor, "import.undone", removed=removed)
    db.session.flush()
    return row


def _audit(row: Import, actor: Any, action: str, **changes: Any) -> None:
    audit.record(
        action=action,
        actor=actor,
        target_type="import",
        target_id=row.id,
        changes={"status": [None, row.status.value], **changes},
        subject_id=None,
    )


def rejected_rows_csv(*, row: Import) -> Iterator[str]:
    """The refused rows as they came, with an ``error`` column (``field: message; …``).

    Read here, streamed after the request's session is gone."""
    problems: dict[int, list[str]] = {}
    for error in row.errors or []:
        text = f"{error['field']}: {error['message']}" if error["field"] else error["message"]
        problems.setdefault(error["row"], []).append(text)
    return _csv_lines(row.content, problems)


def _csv_lines(content: str, problems: dict[int, list[str]]) -> Iterator[str]:
    reader = csv.reader(io.StringIO(content, newline=""))
    out = io.StringIO()
    writer = csv.writer(out)
    # Numbered as the validation numbers them: blank lines are no rows.
    for number, cells in enumerate((cells for cells in reader if cells), start=1):
        if number == 1:
            writer.writerow([*cells, "error"])
        elif number in problems:
            writer.writerow([*cells, "; ".join(problems[number])])
        if out.tell() > 64 * 1024:
            yield out.getvalue()
            out.seek(0)
            out.truncate()
    yield out.getvalue()
