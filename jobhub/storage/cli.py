"""`flask storage`: where stored files are, and moving them between backends."""

from __future__ import annotations

import click
from flask.cli import AppGroup
from sqlalchemy import func, select

from jobhub.db import db
from jobhub.storage.base import StorageError
from jobhub.storage.factory import BACKENDS, get_storage
from jobhub.storage.migration import migrate_files, stored_file_models

storage_cli = AppGroup("storage", help="Stored files: status and migration between backends.")
MAX_PROBLEMS_SHOWN = 50


@storage_cli.command("status")
def status_command() -> None:
    """Count stored files per backend."""
    for model in stored_file_models():
        counts = db.session.execute(
            select(model.storage_backend, func.count())
            .group_by(model.storage_backend)
            .order_by(model.storage_backend)
        ).all()
        leftovers = db.session.scalar(
            select(func.count()).select_from(model).where(model.stale_storage_backend.is_not(None))
        )
        summary = ", ".join(f"{backend}: {count}" for backend, count in counts) or "none"
        click.echo(f"{model.__tablename__}: {summary}; old copies to delete: {leftovers}")


@storage_cli.command("migrate")
@click.option("--to", "target", required=True, type=click.Choice(BACKENDS))
@click.option("--batch-size", default=100, show_default=True, type=click.IntRange(1, 10_000))
def migrate_command(target: str, batch_size: int) -> None:
    """Move every stored file to the TO backend, verifying each by sha256 (resumable)."""
    try:
        get_storage(target)
    except StorageError as exc:
        raise click.ClickException(str(exc)) from exc
    report = migrate_files(target=target, batch_size=batch_size, progress=click.echo)
    click.echo(
        f"Moved {report.moved} file(s) to {target}; {report.already_there} already there; "
        f"{report.leftovers_removed} leftover old copies removed; {report.missing} missing, "
        f"{report.mismatched} failing their checksum, {report.failed} failed."
    )
    for problem in report.problems[:MAX_PROBLEMS_SHOWN]:
        click.echo(f"  {problem}", err=True)
    if len(report.problems) > MAX_PROBLEMS_SHOWN:
        click.echo(f"  … and {len(report.problems) - MAX_PROBLEMS_SHOWN} more", err=True)
    if not report.ok:
        raise click.ClickException("Some files were not moved; fix them and run again.")
