"""`flask api-check --base-url URL [--token T] --report DIR`."""

from __future__ import annotations

from pathlib import Path
from urllib.parse import urlsplit

import click

from jobhub.apicheck.report import write_csv, write_json
from jobhub.apicheck.report_html import write_html
from jobhub.apicheck.runner import DocumentError, run_checks


def _base_url(_ctx: click.Context, _param: click.Parameter, value: str) -> str:
    parts = urlsplit(value)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise click.BadParameter("an http(s) URL, e.g. https://jobs.example.com")
    return value.rstrip("/")


@click.command("api-check")
@click.option("--base-url", required=True, callback=_base_url, help="The deployment to check.")
@click.option("--token", help="An admin's access token, for the admin-only operations.")
@click.option("--admin-email", help="Or sign in as this admin (with --admin-password).")
@click.option("--admin-password", help="The admin's password.")
@click.option(
    "--report",
    "report_dir",
    required=True,
    type=click.Path(file_okay=False, path_type=Path),
    help="Directory for report.html, report.json and report.csv (created).",
)
@click.option(
    "--wait",
    default=60.0,
    show_default=True,
    type=click.FloatRange(0, 600),
    help="Seconds to wait for the uploaded resume's analysis.",
)
@click.option(
    "--repeat",
    default=2,
    show_default=True,
    type=click.IntRange(1, 50),
    help="Timed calls of each read (GET) for its p50/p95; writes run once.",
)
@click.option(
    "--webhook-url",
    callback=lambda ctx, param, value: value and _base_url(ctx, param, value),
    help="A receiver the deployment accepts, for the webhook operations (else skipped).",
)
def api_check_command(
    base_url: str,
    token: str | None,
    admin_email: str | None,
    admin_password: str | None,
    report_dir: Path,
    wait: float,
    repeat: int,
    webhook_url: str | None,
) -> None:
    """Run the contract checks against a running deployment; exit 1 on any failure."""
    if bool(admin_email) != bool(admin_password):
        raise click.UsageError("--admin-email and --admin-password go together.")
    admin_login = (admin_email, admin_password) if admin_email and admin_password else None
    try:
        run = run_checks(
            base_url,
            admin_token=token,
            admin_login=admin_login,
            wait_seconds=wait,
            repeat=repeat,
            webhook_url=webhook_url,
        )
    except DocumentError as exc:
        raise click.ClickException(str(exc)) from exc
    report_dir.mkdir(parents=True, exist_ok=True)
    write_json(run, report_dir / "report.json")
    write_csv(run, report_dir / "report.csv")
    write_html(run, report_dir / "report.html")
    counts = run.counts()
    click.echo(
        f"{counts['pass']} passed, {counts['fail']} failed, {counts['skip']} skipped "
        f"in {run.duration_s:.1f} s; report in {report_dir}"
    )
    for result in run.failed:
        click.echo(f"FAIL {result.operation.key}: {'; '.join(result.problems)[:500]}", err=True)
    if run.failed:
        raise SystemExit(1)
