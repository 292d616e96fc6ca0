"""Resume analysis throughput: resumes per second per worker process, PDF and DOCX.

1. In process: the analysis itself (text extraction with pypdf / python-docx, skills,
   experience, education, summary) on generated one- and two-page resumes, one at a
   time in this one process; and the upload check (magic bytes + parse + zip limits).
2. Through Celery: the same files uploaded through the product's upload service into a
   fresh PostgreSQL database with the analyses queued in Redis, then one real Celery
   worker with one process (prefork, concurrency 1) drains the queue. Throughput is
   resumes / (last ``analyzed_at`` - first ``analysis_started_at``): the whole task —
   claim, read from storage, analyse, store skills and result, notify — per process.

``python -m bench.resumes [--quick]`` or ``python -m bench --only resumes``.
"""

from __future__ import annotations

import argparse
import io
import os
import platform
import random
import statistics
import sys
import tempfile
import time
import uuid
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from bench.support import backend, percentile
from tests.support.documents import docx_bytes, pdf_bytes
from tests.support.servers import celery_process

NAME = "resumes"
FULL = {"in_process": 150, "through_celery": 150}
QUICK = {"in_process": 15, "through_celery": 15}
DRAIN_DEADLINE = 600.0

_TITLES = ["Backend Engineer", "Data Engineer", "Frontend Developer", "SRE", "ML Engineer"]
_COMPANIES = ["Northwind", "Contoso", "Fabrikam", "Litware", "Tailspin", "Woodgrove"]
_BULLETS = [
    "Built microservices with Django and FastAPI on AWS, with PostgreSQL and Redis.",
    "Deployed with Docker and Kubernetes; infrastructure as code in Terraform.",
    "Data pipelines in Python with Pandas, Apache Spark and Apache Kafka.",
    "Rebuilt the customer app in React and TypeScript; end-to-end tests in Cypress.",
    "Trained forecasting models with scikit-learn and PyTorch; A/B testing at scale.",
    "Prometheus and Grafana dashboards; on-call rotations and post-mortems.",
    "Services written in Go and Rust; gRPC between them, Protobuf contracts.",
    "Mentored four engineers and ran the hiring loop for the platform team.",
    "Migrated a MySQL monolith to PostgreSQL with zero downtime.",
    "CI/CD on GitHub Actions; releases went from weekly to several a day.",
]


def resume_lines(rng: random.Random, *, jobs: int) -> list[str]:
    """A plausible resume: summary, ``jobs`` positions with bullets, education, skills."""
    lines = [
        f"Candidate {rng.randrange(10**6)}",
        f"candidate{rng.randrange(10**6)}@example.com | +44 20 7946 {rng.randrange(1000, 9999)}",
        "Summary",
        f"{rng.choice(_TITLES)} with {rng.randint(2, 15)}+ years of experience.",
        "Experience",
    ]
    end = 2024
    for _ in range(jobs):
        start = end - rng.randint(1, 4)
        lines.append(f"{rng.choice(_TITLES)}, {rng.choice(_COMPANIES)}, {start} \u2013 {end}")
        lines.extend(f"- {bullet}" for bullet in rng.sample(_BULLETS, 4))
        end = start
    lines += [
        "Education",
        f"B.Sc. in Computer Science, University of Leeds, {end - 1}",
        "Skills",
        ", ".join(rng.sample(["Python", "Go", "SQL", "Docker", "Kubernetes", "React", "AWS"], 5)),
    ]
    return lines


def corpus(count: int, seed: int) -> list[tuple[str, bytes]]:
    """``count`` PDFs then ``count`` DOCX files, one or two pages each."""
    rng = random.Random(seed)
    documents = [resume_lines(rng, jobs=rng.choice([3, 6, 9])) for _ in range(count)]
    return [("pdf", pdf_bytes(lines)) for lines in documents] + [
        ("docx", docx_bytes(lines)) for lines in documents
    ]


@dataclass
class Rate:
    label: str
    files: int
    per_second: float
    p50_ms: float
    p95_ms: float
    mean_kib: float

    def line(self) -> str:
        return (
            f"{self.label:<28} {self.per_second:6.1f} resumes/s per process "
            f"(p50 {self.p50_ms:.1f} ms, p95 {self.p95_ms:.1f} ms; {self.files} files, "
            f"{self.mean_kib:.0f} KiB avg)"
        )


@dataclass
class Result:
    rates: list[Rate]
    settings: dict[str, Any]

    def lines(self) -> list[str]:
        return [rate.line() for rate in self.rates]


def _timed(label: str, files: list[bytes], work) -> Rate:
    durations = []
    started = time.perf_counter()
    for data in files:
        began = time.perf_counter()
        work(data)
        durations.append((time.perf_counter() - began) * 1000)
    elapsed = time.perf_counter() - started
    return Rate(
        label=label,
        files=len(files),
        per_second=len(files) / elapsed,
        p50_ms=statistics.median(durations),
        p95_ms=percentile(durations, 0.95),
        mean_kib=sum(map(len, files)) / len(files) / 1024,
    )


def in_process(count: int) -> list[Rate]:
    """The analysis and the upload check, one file at a time in this process."""
    from jobhub.resumes.analysis import analyze_text, extract_text
    from jobhub.resumes.files.filetypes import detect
    from jobhub.resumes.models import FileFormat

    files = corpus(count, seed=7)
    today = date(2024, 12, 1)
    analyze_text("warm up: Python, Go", today=today)  # compile the skill matcher once
    rates = []
    for kind, file_format in (("pdf", FileFormat.PDF), ("docx", FileFormat.DOCX)):
        chosen = [data for k, data in files if k == kind]
        rates.append(
            _timed(
                f"analysis, {kind} (in process)",
                chosen,
                lambda data, fmt=file_format: analyze_text(
                    extract_text(io.BytesIO(data), fmt), today=today
                ),
            )
        )
        rates.append(_timed(f"upload check, {kind}", chosen, lambda data: detect(io.BytesIO(data))))
    return rates


def through_celery(count: int) -> list[Rate]:
    """Upload into PostgreSQL + local storage, then one worker process drains the queue."""
    from sqlalchemy import func, select
    from werkzeug.datastructures import FileStorage

    from jobhub import create_app
    from jobhub.config import load_config
    from jobhub.db import db, transaction
    from jobhub.resumes.models import AnalysisStatus, FileFormat, Resume
    from jobhub.resumes.services import upload_resume
    from jobhub.seed import bench
    from jobhub.users.models import User

    files = corpus(count, seed=11)
    rates = []
    with tempfile.TemporaryDirectory() as tmp, backend() as environ:
        environ = {**environ, "UPLOAD_DIR": str(Path(tmp) / "uploads"), "RESUME_QUOTA": "100000"}
        app = create_app(load_config(environ))
        with app.app_context():
            db.create_all()
            with transaction():
                owner = bench.candidate(
                    email="bench.resumes@jobhub.local",
                    full_name="Bench Candidate",
                    password=uuid.uuid4().hex + "-Bench-Resumes",
                )
            for index, (kind, data) in enumerate(files):
                with transaction():  # each upload queues its analysis after its commit
                    upload = FileStorage(stream=io.BytesIO(data), filename=f"cv{index}.{kind}")
                    upload_resume(owner=db.session.get(User, owner.id), upload=upload)
            db.session.remove()

        log_path = Path(tmp) / "celery-resumes.log"
        with celery_process(environ, app="celery_worker:celery", log_path=log_path):
            deadline = time.monotonic() + DRAIN_DEADLINE
            while time.monotonic() < deadline:
                with app.app_context():
                    pending = db.session.scalar(
                        select(func.count())
                        .select_from(Resume)
                        .where(Resume.analysis_status.in_([AnalysisStatus.PENDING, "processing"]))
                    )
                    db.session.remove()
                if not pending:
                    break
                time.sleep(0.5)
            else:
                raise RuntimeError(f"the worker did not finish in {DRAIN_DEADLINE} s")

        with app.app_context():
            for file_format in (FileFormat.PDF, FileFormat.DOCX):
                rows = db.session.execute(
                    select(
                        Resume.analysis_status,
                        Resume.analysis_started_at,
                        Resume.analyzed_at,
                        Resume.size_bytes,
                    ).where(Resume.file_format == file_format)
                ).all()
                failed = [row for row in rows if row.analysis_status is not AnalysisStatus.DONE]
                if failed:
                    raise RuntimeError(f"{len(failed)} {file_format.value} analyses failed")
                durations = [
                    (row.analyzed_at - row.analysis_started_at).total_seconds() * 1000
                    for row in rows
                ]
                span = (
                    max(row.analyzed_at for row in rows)
                    - min(row.analysis_started_at for row in rows)
                ).total_seconds()
                rates.append(
                    Rate(
                        label=f"celery task, {file_format.value} (1 process)",
                        files=len(rows),
                        per_second=len(rows) / span,
                        p50_ms=statistics.median(durations),
                        p95_ms=percentile(durations, 0.95),
                        mean_kib=sum(row.size_bytes for row in rows) / len(rows) / 1024,
                    )
                )
            db.session.remove()
            for engine in db.engines.values():
                engine.dispose()
    return rates


def run(*, quick: bool) -> Result:
    sizes = QUICK if quick else FULL
    rates = in_process(sizes["in_process"]) + through_celery(sizes["through_celery"])
    return Result(
        rates=rates,
        settings={
            **sizes,
            "python": platform.python_version(),
            "cpus": os.cpu_count(),
        },
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.resumes", description=__doc__)
    parser.add_argument("--quick", action="store_true", help="small sizes, for a smoke run")
    args = parser.parse_args(argv)
    for line in run(quick=args.quick).lines():
        print(line, flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
