"""Create, verify and restore backups: the steps behind `flask backup`."""

from __future__ import annotations

import os
import shutil
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from flask import current_app
from sqlalchemy.engine import Connection

from jobhub.backup import postgres
from jobhub.backup.errors import BackupError
from jobhub.backup.manifest import DUMP, FileEntry, Manifest, copy_hashing, file_sha256, verify
from jobhub.db import db
from jobhub.storage import Storage, StorageError, StoredFileNotFound, get_storage
from jobhub.storage.migration import stored_file_models

Progress = Callable[[str], None]
KEYS_PER_UPDATE = 500


def _quiet(_message: str) -> None:
    pass


# -- create ----------------------------------------------------------------------------


@dataclass
class CreateReport:
    path: Path
    manifest: Manifest
    problems: list[str] = field(default_factory=list)


def create_backup(*, output_dir: Path, progress: Progress = _quiet) -> CreateReport:
    """Dump the database and copy every stored file it names into a new directory.

    The directory appears under its final name only when complete. Files that are
    missing or fail their checksum are left out and reported in ``problems`` (the
    backup is still written: the rest of it is good).
    """
    engine = db.engine
    postgres.require_postgres(engine)
    tools = postgres.find_tools(current_app.config["PG_BIN_DIR"])
    created = datetime.now(UTC)
    final, partial = _new_backup_dirs(output_dir, created)
    try:
        with postgres.snapshot(engine) as (connection, snapshot_id):
            version = _checked_server_version(connection, tools)
            counts = postgres.row_counts(connection)
            revision = postgres.alembic_revision(connection)
            entries = _stored_files(connection)
            progress(
                f"Dumping the database: PostgreSQL {version}, {len(counts)} tables, "
                f"{sum(counts.values())} rows."
            )
            postgres.dump(tools, engine, snapshot_id=snapshot_id, path=partial / DUMP)
            (partial / DUMP).chmod(0o600)
        progress(f"Copying {len(entries)} stored file(s).")
        copied, meanwhile, problems = _copy_files(entries, partial)
        manifest = Manifest(
            created_at=created.isoformat(),
            alembic_revision=revision,
            server_version=version,
            pg_dump_version=tools.version,
            dump_sha256=file_sha256(partial / DUMP),
            dump_size_bytes=(partial / DUMP).stat().st_size,
            row_counts=counts,
            files=copied,
            deleted_meanwhile=meanwhile,
            problems=problems,
        )
        manifest.write(partial)
        partial.rename(final)
    except BaseException:
        shutil.rmtree(partial, ignore_errors=True)
        raise
    return CreateReport(path=final, manifest=manifest, problems=problems)


def _new_backup_dirs(output_dir: Path, created: datetime) -> tuple[Path, Path]:
    """The backup's final path and the hidden directory it is written into first."""
    final = output_dir / f"jobhub-{created:%Y%m%dT%H%M%SZ}"
    partial = output_dir / f".{final.name}.partial"
    if final.exists() or partial.exists():
        raise BackupError(f"{final} already exists; wait a second and run again")
    output_dir.mkdir(parents=True, exist_ok=True, mode=0o750)
    partial.mkdir(mode=0o700)
    return final, partial


def _checked_server_version(connection: Connection, tools: postgres.Tools) -> str:
    """The server's version, refused when pg_dump is older than the server."""
    version = postgres.server_version(connection)
    if int(version.split(".")[0]) > tools.major:
        raise BackupError(
            f"pg_dump {tools.version} is older than the server (PostgreSQL {version}); "
            "install the matching client programs or set PG_BIN_DIR"
        )
    return version


def _stored_files(connection: Connection) -> list[FileEntry]:
    entries = []
    for model in stored_file_models():
        rows = connection.execute(
            sa.select(
                model.id,
                model.storage_key,
                model.storage_backend,
                model.content_type,
                model.size_bytes,
                model.sha256,
            ).order_by(model.id)
        )
        entries += [
            FileEntry(
                table=model.__tablename__,
                row_id=row.id,
                key=row.storage_key,
                backend=row.storage_backend,
                content_type=row.content_type,
                size_bytes=row.size_bytes,
                sha256=row.sha256,
            )
            for row in rows
        ]
    return entries


def _copy_files(
    entries: list[FileEntry], directory: Path
) -> tuple[list[FileEntry], list[FileEntry], list[str]]:
    copied, meanwhile, problems = [], [], []
    for entry in entries:
        destination = directory / entry.path
        destination.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        name = f"{entry.table} {entry.row_id} ({entry.key}, {entry.backend})"
        try:
            source = get_storage(entry.backend).open(entry.key)
            with source, open(destination, "wb", opener=_private) as out:
                digest, _size = copy_hashing(source, out)
        except StoredFileNotFound:
            destination.unlink(missing_ok=True)
            if not _row_exists(entry):
                meanwhile.append(entry)  # deleted with its row after the snapshot: fine
            else:
                problems.append(f"{name}: missing from storage")
            continue
        except StorageError as exc:
            destination.unlink(missing_ok=True)
            problems.append(f"{name}: {exc}")
            continue
        if digest != entry.sha256:
            destination.unlink()
            problems.append(f"{name}: fails its checksum (recorded {entry.sha256}, read {digest})")
            continue
        copied.append(entry)
    return copied, meanwhile, problems


def _private(path: str, flags: int) -> int:
    """Open for writing readable by the owner only: a backup holds password hashes."""
    return os.open(path, flags, 0o600)


def _row_exists(entry: FileEntry) -> bool:
    model = _models_by_table()[entry.table]
    with db.engine.connect() as connection:
        return (
            connection.execute(sa.select(model.id).where(model.id == entry.row_id)).first()
            is not None
        )


def _models_by_table() -> dict[str, Any]:
    return {model.__tablename__: model for model in stored_file_models()}


# -- verify ----------------------------------------------------------------------------


def verify_backup(*, path: Path) -> Manifest:
    """The backup's manifest once every checksum matches; BackupError naming each problem."""
    manifest = Manifest.read(path)
    problems = verify(path, manifest)
    if problems:
        shown = "; ".join(problems[:20]) + (
            f"; … {len(problems) - 20} more" if len(problems) > 20 else ""
        )
        raise BackupError(f"{path} fails verification: {shown}")
    return manifest


# -- restore ---------------------------------------------------------------------------


@dataclass
class RestoreReport:
    manifest: Manifest
    target: str
    files_restored: int = 0
    files_already_there: int = 0
    migration_head: str | None = None


def restore_backup(
    *, path: Path, force: bool = False, files_to: str | None = None, progress: Progress = _quiet
) -> RestoreReport:
    """Verify the backup, then restore it into the (empty) database and the storage.

    Nothing is changed unless every checksum matches, the database has no tables (or
    ``force``) and no file in the target storage would be overwritten with other
    content (or ``force``). The database is restored in one transaction.
    """
    manifest = verify_backup(path=path)
    engine = db.engine
    postgres.require_postgres(engine)
    tools = postgres.find_tools(current_app.config["PG_BIN_DIR"])
    target = get_storage(files_to)
    unknown = {entry.table for entry in manifest.files} - set(_models_by_table())
    if unknown:
        raise BackupError(f"the backup has files for tables this release does not know: {unknown}")
    with engine.connect() as connection:
        tables = postgres.table_names(connection)
    if tables and not force:
        raise BackupError(
            f"the database is not empty ({len(tables)} tables, e.g. {', '.join(tables[:3])}); "
            "restore into a new, empty database, or pass --force to drop everything in it"
        )
    conflicts = [entry.key for entry in manifest.files if _conflicts(target, entry)]
    if conflicts and not force:
        raise BackupError(
            f"{len(conflicts)} file(s) in the {target.name} storage would be overwritten with "
            f"other content (e.g. {conflicts[0]}); use an empty upload directory or bucket, "
            "or pass --force"
        )
    progress(f"Backup verified: {len(manifest.files)} file(s), taken {manifest.created_at}.")
    if tables:
        progress(f"Dropping the {len(tables)} tables of the database (--force).")
        postgres.drop_everything(engine)
    progress(f"Restoring the database (pg_restore {tools.version}).")
    postgres.restore(tools, engine, path=path / DUMP)
    engine.dispose()  # no pooled connection may keep plans of the dropped schema
    report = RestoreReport(manifest=manifest, target=target.name)
    progress(f"Restoring {len(manifest.files)} file(s) to the {target.name} storage.")
    _restore_files(manifest, path, target, report)
    _point_rows_at(target, manifest.files)
    _check_row_counts(manifest)
    report.migration_head = _migration_head()
    return report


def _conflicts(target: Storage, entry: FileEntry) -> bool:
    return target.exists(entry.key) and target.checksum(entry.key) != entry.sha256


def _restore_files(manifest: Manifest, path: Path, target: Storage, report: RestoreReport) -> None:
    for entry in manifest.files:
        if target.exists(entry.key) and target.checksum(entry.key) == entry.sha256:
            report.files_already_there += 1
            continue
        with open(path / entry.path, "rb") as stream:
            target.save(entry.key, stream, content_type=entry.content_type, sha256=entry.sha256)
        if target.checksum(entry.key) != entry.sha256:
            raise BackupError(f"{entry.key}: the restored copy in {target.name} fails its checksum")
        report.files_restored += 1


def _point_rows_at(target: Storage, entries: list[FileEntry]) -> None:
    """Rows name the backend now holding their file; no old copy exists any more."""
    models = _models_by_table()
    with db.engine.begin() as connection:
        for table in {entry.table for entry in entries}:
            model = models[table]
            keys = [entry.key for entry in entries if entry.table == table]
            # Where a file lives is not an edit of its row: updated_at stays as backed up.
            unchanged = {"updated_at": model.updated_at} if hasattr(model, "updated_at") else {}
            for start in range(0, len(keys), KEYS_PER_UPDATE):
                connection.execute(
                    sa.update(model)
                    .where(
                        model.storage_key.in_(keys[start : start + KEYS_PER_UPDATE]),
                        sa.or_(
                            model.storage_backend != target.name,
                            model.stale_storage_backend.is_not(None),
                        ),
                    )
                    .values(storage_backend=target.name, stale_storage_backend=None, **unchanged)
                )


def _check_row_counts(manifest: Manifest) -> None:
    with db.engine.connect() as connection:
        counts = postgres.row_counts(connection)
    differing = {
        table: (expected, counts.get(table))
        for table, expected in manifest.row_counts.items()
        if counts.get(table) != expected
    }
    if differing:
        raise BackupError(f"restored row counts differ from the backup's: {differing}")


def _migration_head() -> str | None:
    """This release's newest migration, to tell whether `flask db upgrade` is due."""
    from alembic.script import ScriptDirectory  # only a restore needs it

    migrate = current_app.extensions.get("migrate")
    if migrate is None:
        return None
    try:
        return ScriptDirectory(migrate.directory).get_current_head()
    except Exception:  # a hint only: no migrations directory is not an error
        return None
