"""Exports benchmark: 200,000 applications (with their stage moves) streamed to a file.

    python -m bench.exports [--applications 200000] [--jobs 20000] [--formats csv,json]
                            [--python]

Runs on its own: creates its own PostgreSQL database (dropped at the end), migrates it,
seeds it with ``flask seed --jobs N --applications M`` (realistic histories), then runs
the ``exports.run`` task body in a fresh process per measurement (``bench.export_worker``,
exactly what a Celery worker process runs), as an admin, for the newest 10,000
applications and for all of them. Each run reports rows/s (the task's wall time: count,
summary, streaming from the server-side cursor with each batch's stage moves, writing
the file, storing it) and the process's peak RSS: if memory grew with the rows, the
200k peak would be well above the 10k one. Target: >= 50,000 rows/s.

By default the export takes PostgreSQL's fast path (cells built in SQL, streamed with
COPY); ``--python`` sets ``EXPORT_PG_COPY=false`` to measure the Python path instead.
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from bench.support import (
    BIN,
    REDIS_URL,
    ROOT,
    SECRETS,
    _child_env,
    database,
    flask,
    load_average,
    vacuum_analyze,
)

NAME = "exports"
TARGET_ROWS_PER_SECOND = 50_000


def _environ(database_url: str, upload_dir: str, *, copy: bool) -> dict[str, str]:
    return {
        "EXPORT_PG_COPY": "true" if copy else "false",
        **SECRETS,
        "JOBHUB_CONFIG": "development",
        "DATABASE_URL": database_url,
        "REDIS_URL": REDIS_URL,
        "UPLOAD_DIR": upload_dir,
        "MAIL_BACKEND": "memory",
        "LOG_LEVEL": "WARNING",
    }


def _one(env: dict[str, str], *, rows: int, fmt: str) -> dict[str, Any]:
    result = subprocess.run(
        [str(BIN / "python"), "-m", "bench.export_worker", "--rows", str(rows), "--format", fmt],
        cwd=ROOT,
        env=_child_env(env),
        capture_output=True,
        text=True,
        check=False,
        timeout=1800,
    )
    if result.returncode != 0:
        raise RuntimeError(f"export worker failed:\n{result.stdout}\n{result.stderr}")
    return {"format": fmt, "asked": rows, **json.loads(result.stdout.strip().splitlines()[-1])}


@dataclasses.dataclass
class Result:
    applications: int
    jobs: int
    path: str
    seed_seconds: float
    load_before: float
    load_after: float
    runs: list[dict[str, Any]]

    def lines(self) -> list[str]:
        out = [
            f"{self.applications:,} applications on {self.jobs:,} jobs "
            f"(seeded in {self.seed_seconds:.1f} s), {self.path} path; "
            "load average (1 min) before/after: "
            f"{self.load_before:.2f} / {self.load_after:.2f}",
            "| format | rows | seconds | rows/s | file MiB | RSS before MiB | peak RSS MiB |",
            "|---|---:|---:|---:|---:|---:|---:|",
        ]
        for run in self.runs:
            out.append(
                f"| {run['format']} | {run['rows']:,} | {run['seconds']:.2f} "
                f"| {run['rows_per_second']:,} | {run['size_bytes'] / 2**20:.1f} "
                f"| {run['rss_before_mib']:.0f} | {run['peak_rss_mib']:.0f} |"
            )
        full = [r for r in self.runs if r["rows"] >= self.applications]
        slow = [r["format"] for r in full if r["rows_per_second"] < TARGET_ROWS_PER_SECOND]
        out.append(
            f">= {TARGET_ROWS_PER_SECOND:,} rows/s at {self.applications:,}: "
            + ("every format" if not slow else "missed by " + ", ".join(slow))
        )
        return out


def measure(*, applications: int, jobs: int, formats: list[str], copy: bool = True) -> Result:
    with database() as database_url, tempfile.TemporaryDirectory() as upload_dir:
        env = _environ(database_url, upload_dir, copy=copy)
        flask(env, "db", "upgrade")
        started = time.perf_counter()
        flask(env, "seed", "--jobs", str(jobs), "--applications", str(applications), timeout=3600)
        seed_seconds = time.perf_counter() - started
        vacuum_analyze(database_url)
        load_before = load_average()
        runs = []
        for fmt in formats:
            for rows in (min(10_000, applications), applications):
                runs.append(_one(env, rows=rows, fmt=fmt))
        load_after = load_average()
    path = "COPY" if copy else "Python"
    return Result(applications, jobs, path, seed_seconds, load_before, load_after, runs)


def run(*, quick: bool = False) -> Result:
    """For ``python -m bench``: the full size, or a smoke run with --quick."""
    if quick:
        return measure(applications=20_000, jobs=2_000, formats=["csv"])
    return measure(applications=200_000, jobs=20_000, formats=["csv", "json"])


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--applications", type=int, default=200_000)
    parser.add_argument("--jobs", type=int, default=20_000)
    parser.add_argument("--formats", default="csv,json")
    parser.add_argument("--output", type=Path, help="also write the results as JSON here")
    parser.add_argument(
        "--python", action="store_true", help="the Python path (EXPORT_PG_COPY=false)"
    )
    options = parser.parse_args(argv)
    result = measure(
        applications=options.applications,
        jobs=options.jobs,
        formats=[f for f in options.formats.split(",") if f],
        copy=not options.python,
    )
    print("\n".join(result.lines()))
    if options.output:
        options.output.write_text(json.dumps(dataclasses.asdict(result), indent=2))
    return 0


if __name__ == "__main__":
    sys.path.insert(0, str(ROOT))
    raise SystemExit(main())
