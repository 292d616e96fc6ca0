"""``flask matching score-applications``: compute match scores outside the usual events."""

from __future__ import annotations

import click
from flask.cli import AppGroup

from jobhub.matching import applicants
from jobhub.matching.tasks import score_in_batches

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
