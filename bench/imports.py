"""Imports benchmark: a CSV of 100,000 jobs validated and inserted by the import task.

    python -m bench.imports [--rows 100000] [--resource jobs|applications] [--checked]
                            [--profile FILE]

Runs on its own: creates its own PostgreSQL database (dropped at the end), migrates it,
then in a fresh process (``--worker``: what a Celery worker process runs) makes an
employer and a verified company, writes a CSV of N varied job rows (skills, salaries,
published and draft), stores the import as ``POST /imports`` does and times the
``imports.run`` task body: every row through the validation, then in one transaction a
COPY into a staging table and the merges into jobs (search vectors computed by the merge)
and their skills (foreign keys held by the import, or checked per row with
``--checked``). ``--profile`` writes cProfile stats of the task body. Target: >= 10,000
rows/s. ``--resource applications``: N applications (a new candidate each, half naming
their job by ``job_reference``) to 200 jobs, by the same COPY path.
"""

from __future__ import annotations

import argparse
import cProfile
import csv
import dataclasses
import io
import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from bench.support import BIN, REDIS_URL, ROOT, SECRETS, _child_env, database, flask, load_average

NAME = "imports"
TARGET_ROWS_PER_SECOND = 10_000
SKILLS = ["python", "JS", "postgres", "k8s", "react", "go", "rust", "sql", "aws", "docker"]


def _environ(database_url: str, upload_dir: str) -> dict[str, str]:
    return {
        **SECRETS,
        "JOBHUB_CONFIG": "development",
        "DATABASE_URL": database_url,
        "REDIS_URL": REDIS_URL,
        "UPLOAD_DIR": upload_dir,
        "MAIL_BACKEND": "memory",
        "LOG_LEVEL": "WARNING",
    }


def make_csv(rows: int) -> str:
    out = io.StringIO()
    writer = csv.writer(out)
    header = ["title", "description", "location", "country", "remote", "employment_type"]
    header += ["seniority", "salary_min", "salary_max", "salary_currency", "skills", "status"]
    writer.writerow(header)
    modes, kinds = ("onsite", "hybrid", "remote"), ("full_time", "part_time", "contract")
    levels = ("junior", "mid", "senior", "lead")
    for n in range(rows):
        low = 30_000 + (n % 50) * 1_000
        skills = "; ".join(SKILLS[(n + k) % len(SKILLS)] for k in range(n % 4 + 1))
        writer.writerow(
            [
                f"Engineer {n} ({levels[n % 4]})",
                f"Build and run service {n}: APIs, data, on-call rotation {n % 7}.",
                ("Berlin", "Paris", "Lisbon", "Remote")[n % 4],
                ("DE", "FR", "PT", "")[n % 4],
                modes[n % 3],
                kinds[n % 3],
                levels[n % 4],
                low,
                low + 20_000,
                "EUR",
                skills,
                "published" if n % 2 else "draft",
            ]
        )
    return out.getvalue()


APPLICATION_JOBS = 200


def make_applications_csv(rows: int, job_ids: list[int]) -> str:
    """``rows`` applications to the company's jobs, half by ``job_id`` and half by
    ``job_reference``, each from a new address (an account is made per row), a quarter
    with a three-move history."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(
        ["job_id", "job_reference", "candidate_email", "candidate_name", "status", "history"]
    )
    for n in range(rows):
        index = n % len(job_ids)
        by_id = n % 2 == 0
        history = ""
        status = "applied"
        if n % 4 == 1:
            status = "interviewing"
            history = (
                "applied 2026-01-02T09:00:00Z; screening 2026-01-03T10:00:00Z; "
                "interviewing 2026-01-05T15:30:00Z"
            )
        writer.writerow(
            [
                job_ids[index] if by_id else "",
                "" if by_id else f"REQ-{index}",
                f"person{n}@example.com",
                f"Person {n}",
                status,
                history,
            ]
        )
    return out.getvalue()


def worker(rows: int, profile: str | None = None, resource: str = "jobs") -> dict[str, Any]:
    """In the child process: one import of ``rows`` jobs (or applications to
    ``APPLICATION_JOBS`` jobs), timed as the task runs it."""
    from jobhub import create_app
    from jobhub.db import db, transaction
    from jobhub.imports import services
    from jobhub.imports.models import Import, ImportResource
    from jobhub.imports.tasks import run_import
    from tests import factories

    app = create_app()
    with app.app_context():
        app.extensions["celery"].conf.task_always_eager = False
        app.extensions["celery"].conf.task_ignore_result = True
        with transaction():
            owner = factories.create_user(role="employer")
            company = factories.create_company(owner=owner, verified=True)
            if resource == "applications":
                jobs = [
                    factories.create_job(company=company, external_ref=f"REQ-{n}")
                    for n in range(APPLICATION_JOBS)
                ]
                db.session.flush()
                content = make_applications_csv(rows, [job.id for job in jobs])
            else:
                content = make_csv(rows)
            created = services.create_import(
                actor=owner,
                company=company,
                resource=ImportResource(resource),
                content=content,
                filename="bench.csv",
            )
            import_id = created.id
        profiler = cProfile.Profile() if profile else None
        started = time.perf_counter()
        if profiler is not None:
            profiler.enable()
        outcome = run_import.run(import_id)
        seconds = time.perf_counter() - started
        if profiler is not None:
            profiler.disable()
            profiler.dump_stats(profile)
        row = db.session.get(Import, import_id)
        return {
            "outcome": outcome,
            "status": row.status.value,
            "rows": row.total,
            "created": row.created,
            "csv_mib": round(len(content.encode()) / 2**20, 1),
            "seconds": round(seconds, 2),
            "rows_per_second": round(row.created / seconds) if seconds else None,
        }


@dataclasses.dataclass
class Result:
    rows: int
    resource: str
    load_before: float
    load_after: float
    run: dict[str, Any]

    def lines(self) -> list[str]:
        run = self.run
        verdict = "met" if run["rows_per_second"] >= TARGET_ROWS_PER_SECOND else "missed"
        return [
            f"{self.rows:,} {self.resource} rows ({run['csv_mib']} MiB of CSV); load average "
            "(1 min) "
            f"before/after: {self.load_before:.2f} / {self.load_after:.2f}",
            "| rows | created | status | seconds | rows/s |",
            "|---:|---:|---|---:|---:|",
            f"| {run['rows']:,} | {run['created']:,} | {run['status']} | {run['seconds']} "
            f"| {run['rows_per_second']:,} |",
            f">= {TARGET_ROWS_PER_SECOND:,} rows/s: {verdict}",
        ]


def measure(
    *,
    rows: int,
    profile: Path | None = None,
    checked: bool = False,
    resource: str = "jobs",
    without_rum: bool = False,
) -> Result:
    with database() as database_url, tempfile.TemporaryDirectory() as upload_dir:
        env = _environ(database_url, upload_dir)
        if checked:
            env["IMPORT_TRUSTED_REFERENCES"] = "false"
        flask(env, "db", "upgrade")
        if without_rum:  # what maintaining the RUM index costs an import
            flask(env, "search", "rum-index", "--drop")
        load_before = load_average()
        command = [str(BIN / "python"), "-m", "bench.imports", "--worker", "--rows", str(rows)]
        command += ["--resource", resource]
        if profile is not None:
            command += ["--profile", str(profile.resolve())]
        result = subprocess.run(
            command,
            cwd=ROOT,
            env=_child_env(env),
            capture_output=True,
            text=True,
            check=False,
            timeout=1800,
        )
        if result.returncode != 0:
            raise RuntimeError(f"import worker failed:\n{result.stdout}\n{result.stderr}")
        run_ = json.loads(result.stdout.strip().splitlines()[-1])
        return Result(rows, resource, load_before, load_average(), run_)


def run(*, quick: bool = False) -> Result:
    """For ``python -m bench``: the full size, or a smoke run with --quick."""
    return measure(rows=10_000 if quick else 100_000)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--worker", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--output", type=Path, help="also write the results as JSON here")
    parser.add_argument("--resource", choices=("jobs", "applications"), default="jobs")
    parser.add_argument(
        "--checked",
        action="store_true",
        help="IMPORT_TRUSTED_REFERENCES=false: PostgreSQL's per-row foreign-key checks",
    )
    parser.add_argument(
        "--without-rum",
        action="store_true",
        help="drop the RUM search index first (what maintaining it costs)",
    )
    parser.add_argument(
        "--profile", type=Path, help="write cProfile stats of the task body here (pstats)"
    )
    options = parser.parse_args(argv)
    if options.worker:
        profile = str(options.profile) if options.profile else None
        print(json.dumps(worker(options.rows, profile, options.resource)))
        return 0
    result = measure(
        rows=options.rows,
        profile=options.profile,
        checked=options.checked,
        resource=options.resource,
        without_rum=options.without_rum,
    )
    print("\n".join(result.lines()))
    if options.output:
        options.output.write_text(json.dumps(dataclasses.asdict(result), indent=2))
    return 0


if __name__ == "__main__":
    sys.path.insert(0, str(ROOT))
    raise SystemExit(main())
