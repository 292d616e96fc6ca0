"""`flask backup create | verify | restore`."""

from __future__ import annotations

from pathlib import Path

import click
from flask import current_app
from flask.cli import AppGroup

from jobhub.backup.archive import create_backup, restore_backup, verify_backup
from jobhub.backup.errors import BackupError
from jobhub.storage import BACKENDS, StorageError

backup_cli = AppGroup("backup", help="Backups of the database and the stored files.")
BACKUP_PATH = click.Path(exists=True, file_okay=False, path_type=Path)


@backup_cli.command("create")
@click.option(
    "--output",
    type=click.Path(file_okay=False, path_type=Path),
    help="Directory the backup is written into (BACKUP_DIR by default).",
)
def create_command(output: Path | None) -> None:
    """Back up the database (pg_dump) and every stored file, with a manifest and checksums.

    The last line printed is the backup's path.
    """
    try:
        report = create_backup(
            output_dir=output or Path(current_app.config["BACKUP_DIR"]), progress=click.echo
        )
    except (BackupError, StorageError) as exc:
        raise click.ClickException(str(exc)) from exc
    manifest = report.manifest
    size = manifest.dump_size_bytes + sum(entry.size_bytes for entry in manifest.files)
    click.echo(
        f"Backed up {sum(manifest.row_counts.values())} rows in {len(manifest.row_counts)} tables "
        f"and {len(manifest.files)} file(s), {size / 1_000_000:.1f} MB."
    )
    for entry in manifest.deleted_meanwhile:
        click.echo(f"  {entry.table} {entry.row_id}: deleted while the backup ran (left out)")
    for problem in report.problems:
        click.echo(f"  NOT BACKED UP: {problem}", err=True)
    click.echo(str(report.path))
    if report.problems:
        raise click.ClickException(f"{len(report.problems)} file(s) could not be backed up.")


@backup_cli.command("verify")
@click.argument("path", type=BACKUP_PATH)
def verify_command(path: Path) -> None:
    """Check every checksum of a backup (without restoring anything)."""
    try:
        manifest = verify_backup(path=path)
    except BackupError as exc:
        raise click.ClickException(str(exc)) from exc
    click.echo(
        f"{path}: intact. Taken {manifest.created_at} from PostgreSQL {manifest.server_version}; "
        f"{sum(manifest.row_counts.values())} rows, {len(manifest.files)} file(s)."
    )


@backup_cli.command("restore")
@click.argument("path", type=BACKUP_PATH)
@click.option(
    "--force",
    is_flag=True,
    help="Drop everything in a non-empty database, and overwrite differing files, first.",
)
@click.option(
    "--files-to",
    type=click.Choice(BACKENDS),
    help="Storage backend the files go to (STORAGE_BACKEND by default).",
)
def restore_command(path: Path, force: bool, files_to: str | None) -> None:
    """Restore a backup into an empty database and the configured storage."""
    try:
        report = restore_backup(path=path, force=force, files_to=files_to, progress=click.echo)
    except (BackupError, StorageError) as exc:
        raise click.ClickException(f"{exc}") from exc
    manifest = report.manifest
    click.echo(
        f"Restored {sum(manifest.row_counts.values())} rows in {len(manifest.row_counts)} tables "
        f"and {report.files_restored} file(s) to {report.target} "
        f"({report.files_already_there} already there)."
    )
    for entry in manifest.deleted_meanwhile:
        click.echo(
            f"  {entry.table} {entry.row_id} names a file deleted while the backup ran "
            "(the row was deleted right after it too): its file is missing"
        )
    for problem in manifest.problems:
        click.echo(f"  Not in the backup: {problem}")
    revision, head = manifest.alembic_revision, report.migration_head
    if revision and head and revision != head:
        click.echo(f"The backup is at migration {revision}, this release at {head}.")
        click.echo("Run `flask db upgrade` before starting this release.")
