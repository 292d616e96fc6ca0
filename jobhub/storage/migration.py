"""Move every stored file to another backend, verified by sha256 and resumable.

Each row records the backend holding its file, so the state of a migration lives in
the database, one file at a time: a file is copied, read back and checked against its
recorded sha256, then its row is switched to the new backend in its own commit, and
only then is the old copy deleted. Interrupted anywhere, a re-run carries on: rows not
yet switched are copied again, and old copies whose deletion did not happen (the row
names them in ``stale_storage_backend``) are deleted first.
"""

from __future__ import annotations

import hashlib
import tempfile
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import func, select, update

from jobhub.db import db, transaction
from jobhub.storage.base import CHUNK_SIZE, Storage, StorageError, StoredFileNotFound
from jobhub.storage.factory import get_storage
from jobhub.storage.models import StoredFileMixin
from jobhub.storage.transactional import delete_quietly

SPOOL_IN_MEMORY = 8 * 1024 * 1024


@dataclass
class MigrationReport:
    """What a run did; ``problems`` names every file that was not moved."""

    target: str
    already_there: int = 0
    moved: int = 0
    leftovers_removed: int = 0
    missing: int = 0
    mismatched: int = 0
    failed: int = 0
    problems: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not (self.missing or self.mismatched or self.failed)


def stored_file_models() -> list[type[Any]]:
    """Every mapped model carrying StoredFileMixin, in a stable order."""
    models = {
        mapper.class_
        for mapper in db.Model.registry.mappers
        if issubclass(mapper.class_, StoredFileMixin)
    }
    return sorted(models, key=lambda model: model.__tablename__)


def migrate_files(
    *, target: str, batch_size: int = 100, progress: Callable[[str], None] | None = None
) -> MigrationReport:
    """Move every stored file that is not on ``target`` there; safe to run again."""
    target_storage = get_storage(target)
    report = MigrationReport(target=target)
    for model in stored_file_models():
        _remove_leftovers(model, report)
        report.already_there += db.session.scalar(
            select(func.count()).select_from(model).where(model.storage_backend == target)
        )
        db.session.rollback()  # hold no transaction open while copying
        _move_rows(model, target_storage, batch_size, report, progress)
    return report


def _remove_leftovers(model: type[Any], report: MigrationReport) -> None:
    rows = db.session.execute(
        select(model.id, model.storage_key, model.stale_storage_backend).where(
            model.stale_storage_backend.is_not(None)
        )
    ).all()
    db.session.rollback()
    for row in rows:
        if _drop_stale_copy(model, row.id, row.storage_key, get_storage(row.stale_storage_backend)):
            report.leftovers_removed += 1


def _move_rows(
    model: type[Any],
    target: Storage,
    batch_size: int,
    report: MigrationReport,
    progress: Callable[[str], None] | None,
) -> None:
    last_id = 0
    while True:
        rows = db.session.execute(
            select(
                model.id,
                model.storage_key,
                model.storage_backend,
                model.sha256,
                model.content_type,
            )
            .where(model.storage_backend != target.name, model.id > last_id)
            .order_by(model.id)
            .limit(batch_size)
        ).all()
        db.session.rollback()
        if not rows:
            return
        for row in rows:
            last_id = row.id
            _move_one(model, row, target, report)
        if progress:
            progress(f"{model.__tablename__}: {report.moved} moved so far")


def _move_one(model: type[Any], row: Any, target: Storage, report: MigrationReport) -> None:
    name = f"{model.__tablename__} {row.id} ({row.storage_key})"
    source = get_storage(row.storage_backend)
    try:
        with source.open(row.storage_key) as stream, _spool() as copy:
            digest = _copy_hashing(stream, copy)
            if digest != row.sha256:
                report.mismatched += 1
                report.problems.append(f"{name}: the {source.name} copy fails its sha256 check")
                return
            copy.seek(0)
            target.save(row.storage_key, copy, content_type=row.content_type, sha256=digest)
        if target.checksum(row.storage_key) != row.sha256:
            delete_quietly(target, row.storage_key)
            report.failed += 1
            report.problems.append(f"{name}: the {target.name} copy failed verification")
            return
    except StoredFileNotFound:
        report.missing += 1
        report.problems.append(f"{name}: missing from {source.name}")
        return
    except StorageError as exc:
        report.failed += 1
        report.problems.append(f"{name}: {exc}")
        return

    with transaction():
        switched = db.session.execute(
            update(model)
            .where(model.id == row.id, model.storage_backend == source.name)
            .values(storage_backend=target.name, stale_storage_backend=source.name)
        ).rowcount
    if not switched:
        # Deleted (or moved by someone else) meanwhile: the new copy belongs to nothing.
        delete_quietly(target, row.storage_key)
        return
    report.moved += 1
    _drop_stale_copy(model, row.id, row.storage_key, source)


def _drop_stale_copy(model: type[Any], row_id: int, key: str, stale: Storage) -> bool:
    if not delete_quietly(stale, key):
        return False  # still named in stale_storage_backend: the next run retries
    with transaction():
        db.session.execute(
            update(model)
            .where(model.id == row_id, model.stale_storage_backend == stale.name)
            .values(stale_storage_backend=None)
        )
    return True


def _spool() -> tempfile.SpooledTemporaryFile:
    return tempfile.SpooledTemporaryFile(max_size=SPOOL_IN_MEMORY)


def _copy_hashing(source: Any, destination: Any) -> str:
    digest = hashlib.sha256()
    while chunk := source.read(CHUNK_SIZE):
        digest.update(chunk)
        destination.write(chunk)
    return digest.hexdigest()


__all__ = ["MigrationReport", "migrate_files", "stored_file_models"]
