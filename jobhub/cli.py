"""Flask CLI commands: create-admin, seed, audit verify, matching, search and storage
maintenance."""

from __future__ import annotations

import time

import click
from flask import Flask, current_app
from flask.cli import AppGroup, with_appcontext

from jobhub.apicheck.cli import api_check_command
from jobhub.audit import services as audit
from jobhub.backup.cli import backup_cli
from jobhub.db import transaction
from jobhub.errors import JobHubError
from jobhub.jobs.search import services as job_search
from jobhub.matching.applicants import services as applicants
from jobhub.matching.tasks import score_in_batches
from jobhub.seed import seed
from jobhub.storage.cli import storage_cli
from jobhub.users import services as users
from jobhub.users.models import Role


@click.command("create-admin")
@click.option("--email", required=True, help="The admin's email address.")
@click.option("--password", help="Prompted for (hidden, twice) when not given.")
@click.option("--name", "full_name", default="Administrator", show_default=True)
@with_appcontext
def create_admin_command(email: str, password: str | None, full_name: str) -> None:
    """Create an admin account."""
    if password is None:
        password = click.prompt("Password", hide_input=True, confirmation_prompt=True)
    try:
        with transaction():
            user = users.create_user(
                email=email, password=password, full_name=full_name, role=Role.ADMIN
            )
            user.email_verified = True
    except JobHubError as exc:
        raise click.ClickException(_describe(exc)) from exc
    click.echo(f"Created admin {user.email} (id {user.id}).")


@click.command("seed")
@click.option("--candidates", default=5, show_default=True, type=click.IntRange(0))
@click.option("--employers", default=3, show_default=True, type=click.IntRange(0))
@click.option(
    "--jobs",
    default=200,
    show_default=True,
    type=click.IntRange(0),
    help="Top the jobs up to this many (bulk-inserted, with companies to match).",
)
@click.option(
    "--applications",
    default=None,
    type=click.IntRange(0),
    help=(
        "Top the applications up to this many (bulk-inserted, with generated candidates, "
        "histories, notes and interviews); by default the demo candidates get a few."
    ),
)
@click.option(
    "--allow-production",
    is_flag=True,
    help=(
        "Seed even under JOBHUB_CONFIG=production (a staging copy, a load test): the demo "
        "accounts get the demo password printed in the README."
    ),
)
@with_appcontext
def seed_command(
    candidates: int, employers: int, jobs: int, applications: int | None, allow_production: bool
) -> None:
    """Create demo data that is missing (idempotent); refused in production."""
    if current_app.config["JOBHUB_CONFIG"] == "production":
        if not allow_production:
            raise click.ClickException(
                "Refusing to seed under JOBHUB_CONFIG=production: the demo accounts have a "
                "published password. Pass --allow-production if this really is a throwaway "
                "deployment."
            )
        click.echo("Warning: seeding a production configuration (--allow-production).", err=True)
    started = time.perf_counter()
    with transaction():
        report = seed(
            candidates=candidates, employers=employers, jobs=jobs, applications=applications
        )
    created = ", ".join(f"{count} {kind}" for kind, count in report.created.items() if count)
    elapsed = f" in {time.perf_counter() - started:.1f} s"
    click.echo(f"Seeded: {created}{elapsed}." if created else "Seed data already present.")


matching_cli = AppGroup("matching", help="Resume matching: application match scores.")


@matching_cli.command("score-applications")
@click.option("--job-id", type=click.IntRange(1), help="Only this job's applications.")
@click.option(
    "--all",
    "rescore",
    is_flag=True,
    help="Rescore applications that have a score too (default: only those without one).",
)
def score_applications_command(job_id: int | None, rescore: bool) -> None:
    """Score applications whose resume is analysed, in batches committed one by one.

    The task does this on every apply, analysis and job edit; run this to fill in
    applications created before match scoring existed, or with --all after changing
    the scoring.
    """
    query = applicants.scorable(job_id=job_id, unscored_only=not rescore)
    scored = score_in_batches(query)
    click.echo(f"Scored {scored} application{'s' if scored != 1 else ''}.")


search_cli = AppGroup("search", help="Job search: the optional RUM index.")


@search_cli.command("rum-index")
@click.option("--drop", is_flag=True, help="Drop the index (relevance falls back to GIN).")
def search_rum_index_command(drop: bool) -> None:
    """Create the RUM index that relevance-sorted keyword searches rank from (PostgreSQL
    with the rum extension, `make rum`); exit 1 where it cannot be created.

    Running workers use it (or stop using it) as their pooled connections are replaced;
    restart them to switch at once.
    """
    if drop:
        with transaction():
            job_search.drop_rum_index()
        click.echo("RUM index dropped; relevance searches rank every match (GIN).")
        return
    with transaction():
        created = job_search.create_rum_index()
    if not created:
        click.echo(
            "RUM index not created: this database is not PostgreSQL, the server has no "
            "rum extension (Debian: postgresql-15-rum), or this role may not create it.",
            err=True,
        )
        raise SystemExit(1)
    click.echo("RUM index ready; relevance searches rank from it.")


audit_cli = AppGroup("audit", help="The audit log: verify its hash chain.")


@audit_cli.command("verify")
@click.option("--batch-size", default=1000, show_default=True, type=click.IntRange(1))
def audit_verify_command(batch_size: int) -> None:
    """Walk the audit log's hash chain; exit 1 naming the first row that does not match."""
    result = audit.verify_chain(batch_size=batch_size)
    if not result.ok:
        click.echo(
            f"Audit row {result.bad_id} does not match: {result.reason} "
            f"({result.rows} rows before it verified).",
            err=True,
        )
        raise SystemExit(1)
    click.echo(f"{result.rows} rows verified.")


def _describe(exc: JobHubError) -> str:
    details = "; ".join(_messages(exc.errors or {}))
    return f"{exc.message} {details}".strip()


def _messages(errors: object) -> list[str]:
    """``{"json": {"password": ["Too short."]}, "rule": "length"}`` as
    ``["json: password: Too short.", "rule: length"]``."""
    if isinstance(errors, dict):
        return [
            f"{key}: {message}" for key, value in errors.items() for message in _messages(value)
        ]
    if isinstance(errors, list | tuple):
        return [message for value in errors for message in _messages(value)]
    return [str(errors)]


def register_commands(app: Flask) -> None:
    for command in (create_admin_command, seed_command, api_check_command):
        app.cli.add_command(command)
    app.cli.add_command(storage_cli)
    app.cli.add_command(backup_cli)
    app.cli.add_command(matching_cli)
    app.cli.add_command(audit_cli)
    app.cli.add_command(search_cli)
