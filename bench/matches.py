"""Matching benchmark: GET /api/v1/resumes/{id}/matches with 100,000 public jobs.

    python -m bench.matches [--quick] [--jobs 100000] [--clients 10] [--duration 15]

1. Creates its own database (dropped at the end), migrates it and seeds it with
   ``flask seed --jobs N``.
2. Registers one candidate per resume profile (backend, frontend, data, devops, a
   narrow one of two skills, a broad one of 25), logs each in, uploads a text resume
   through the product's upload service and runs the analysis task synchronously, so
   each resume is ``done`` with the skills the analysis found in its text; then
   ``VACUUM ANALYZE``.
3. In process, per profile: the resume load, the SQL candidate step
   (``candidate_jobs``: public jobs sharing the most skills, top 200), the scoring step
   (``score_jobs``: TF-IDF over the resume and the 200 jobs, then the per-job score) and
   the first page's serialisation, each the median of repeated runs in fresh sessions;
   and the candidate statement under ``EXPLAIN (ANALYZE, BUFFERS)``.
4. Serves the database with gunicorn as production runs it (production config, Redis,
   eventlet workers; rate limits off) and measures the endpoint with each owner's
   token: one client per profile (latency without queueing), then ``--clients``
   closed-loop clients over all profiles (req/s and percentiles).
"""

from __future__ import annotations

import argparse
import dataclasses
import http.client
import json
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from bench.support import (
    Target,
    backend,
    capture_sql,
    drive,
    explain_analyze,
    explain_text,
    flask,
    gunicorn,
    load_average,
    vacuum_analyze,
)

NAME = "matches"
FULL = {"jobs": 100_000, "clients": 10, "duration": 15.0, "alone": 6.0, "repeats": 15}
QUICK = {"jobs": 5_000, "clients": 10, "duration": 3.0, "alone": 1.5, "repeats": 5}
WORKERS = 2
PASSWORD = "Orbit-Lantern-Quartz-917"  # noqa: S105  (accounts in a throwaway database)

# Canonical taxonomy names; the seeder draws jobs' skills from the same taxonomy.
PROFILES: dict[str, list[str]] = {
    "backend python": [
        "python", "django", "fastapi", "postgresql", "redis", "docker", "aws", "kubernetes",
    ],
    "frontend js": [
        "javascript", "typescript", "react", "css", "html", "jest", "figma", "node.js",
    ],
    "data engineer": [
        "python", "sql", "apache spark", "apache airflow", "dbt", "snowflake", "apache kafka",
        "aws", "terraform",
    ],
    "devops": [
        "kubernetes", "docker", "terraform", "aws", "linux", "ansible", "prometheus",
        "grafana", "bash", "go",
    ],
    "narrow (2 skills)": ["swift", "ios"],
    "broad (25 skills)": [
        "python", "java", "go", "javascript", "typescript", "react", "sql", "postgresql",
        "docker", "kubernetes", "aws", "terraform", "linux", "apache kafka", "apache spark",
        "apache airflow", "pandas", "git", "redis", "graphql", "jira", "agile", "scrum",
        "excel", "tableau",
    ],
}  # fmt: skip
TITLES = {
    "backend python": "Backend Engineer",
    "frontend js": "Frontend Engineer",
    "data engineer": "Data Engineer",
    "devops": "DevOps Engineer",
    "narrow (2 skills)": "iOS Developer",
    "broad (25 skills)": "Software Engineer",
}
_COMPANIES = ["Northwind", "Contoso", "Fabrikam", "Litware", "Tailspin"]


def resume_text(profile: str) -> str:
    """A plain-text resume for ``profile``: summary, three positions, education, skills."""
    from jobhub import skills as taxonomy

    labels = [taxonomy.get(name).label for name in PROFILES[profile]]
    title = TITLES[profile]
    lines = [
        f"Bench Candidate ({profile})",
        "bench.candidate@example.com | Berlin, Germany",
        "",
        "Summary",
        f"{title} with eight years of experience building and running production systems.",
        "",
        "Experience",
    ]
    groups = [labels[i : i + 3] for i in range(0, len(labels), 3)]
    for index, company in enumerate(_COMPANIES[:3]):
        lines.append(f"{title}, {company}, {2022 - 3 * index} - {2025 - 3 * index}")
        for group in groups[index::3]:
            lines.append(f"- Designed, built and operated services using {', '.join(group)}.")
        lines.append("- Mentored engineers and reviewed designs with the product team.")
    lines += [
        "",
        "Education",
        "B.Sc. in Computer Science, Technical University of Berlin, 2014",
        "",
        "Skills",
        ", ".join(labels),
    ]
    return "\n".join(lines) + "\n"


# -- data ---------------------------------------------------------------------------------


@dataclasses.dataclass
class Owner:
    profile: str
    user_id: int
    resume_id: int
    token: str
    skills: list[str]


def create_owners(app) -> list[Owner]:
    """Per profile: register, log in, upload the resume and analyse it in this process."""
    from jobhub.auth import services as auth
    from jobhub.db import db, transaction
    from jobhub.resumes.models import AnalysisStatus, Resume
    from jobhub.resumes.tasks import analyze_resume
    from jobhub.seed import bench, resumes

    owners = []
    with app.app_context():
        for index, profile in enumerate(PROFILES):
            email = f"bench.matches{index}@jobhub.local"
            with transaction():
                user = bench.candidate(
                    email=email, password=PASSWORD, full_name=f"Matching Candidate {index + 1}"
                )
            with transaction():
                tokens = auth.login(
                    email=email, password=PASSWORD, user_agent="bench", ip_address="127.0.0.1"
                )
            # The upload queues the analysis in Redis after its commit (no worker consumes
            # it; the Redis database is emptied at the end); the task runs here instead.
            with transaction():
                resume = resumes.upload_text(
                    owner=user, text=resume_text(profile), filename=f"cv{index}.txt"
                )
            analyze_resume.apply(args=(resume.id,), kwargs={"token": resume.analysis_token}).get()
            db.session.expire_all()
            resume = db.session.get(Resume, resume.id)
            if resume.analysis_status is not AnalysisStatus.DONE:
                raise RuntimeError(f"{profile}: analysis {resume.analysis_status}")
            missed = set(PROFILES[profile]) - set(resume.skills)
            if missed:
                raise RuntimeError(f"{profile}: the analysis did not find {sorted(missed)}")
            owners.append(
                Owner(profile, user.id, resume.id, tokens.access_token, list(resume.skills))
            )
        db.session.remove()
    return owners


# -- in process: where the time goes ---------------------------------------------------


def _median_ms(samples: list[float]) -> float:
    return statistics.median(samples) * 1000


def split(app, owner: Owner, repeats: int) -> dict[str, Any]:
    """Median times of each step of the request, each run in a fresh session."""
    from sqlalchemy import func, select

    from jobhub.db import db
    from jobhub.jobs.models import Job, JobSkill
    from jobhub.jobs.queries import public_condition
    from jobhub.matching import scoring, services
    from jobhub.matching.schemas import JobMatchSchema
    from jobhub.pagination import DEFAULT_PAGE_SIZE
    from jobhub.users.models import User

    steps: dict[str, list[float]] = {
        "resume_ms": [],
        "sql_ms": [],
        "score_ms": [],
        "tfidf_ms": [],
        "dump_ms": [],
    }

    def timed(name: str, work: Callable[[], Any]) -> Any:
        started = time.perf_counter()
        value = work()
        steps[name].append(time.perf_counter() - started)
        return value

    info: dict[str, Any] = {}
    with app.test_request_context():
        for _ in range(repeats):
            user = db.session.get(User, owner.user_id)
            resume = timed(
                "resume_ms",
                lambda user=user: services.matchable_resume(user=user, resume_id=owner.resume_id),
            )
            jobs = timed("sql_ms", lambda resume=resume: services.candidate_jobs(resume=resume))
            matches = timed(
                "score_ms", lambda r=resume, j=jobs: services.score_jobs(resume=r, jobs_=j)
            )
            # The TF-IDF part alone, over the very texts score_jobs builds.
            texts = [services._profile(job).text for job in jobs]
            timed("tfidf_ms", lambda r=resume, t=texts: scoring.text_similarities(r.text, t))
            # Ranked as ranked_matches ranks them; the view then dumps the first page.
            ranked = sorted(matches, key=lambda m: (-m.result.score, -m.job.id))
            timed("dump_ms", lambda r=ranked: JobMatchSchema(many=True).dump(r[:DEFAULT_PAGE_SIZE]))
            info = {"candidates": len(jobs), "top_score": ranked[0].result.score if ranked else 0}
            db.session.remove()

        resume = services.matchable_resume(
            user=db.session.get(User, owner.user_id), resume_id=owner.resume_id
        )
        statements = capture_sql(
            db.engine, lambda: services.candidate_jobs(resume=resume), contains="job_skills"
        )
        plan = explain_analyze(db.engine, statements)[0]
        info["plan"] = explain_text(db.engine, statements[0])
        info["sharing_jobs"] = db.session.scalar(
            select(func.count(func.distinct(JobSkill.job_id)))
            .join(Job, Job.id == JobSkill.job_id)
            .where(JobSkill.skill.in_(owner.skills), public_condition())
        )
        db.session.remove()
    return {
        **{name: _median_ms(samples) for name, samples in steps.items()},
        "explain_ms": plan["Planning Time"] + plan["Execution Time"],
        **info,
    }


# -- over HTTP -----------------------------------------------------------------------------


def _target(owner: Owner) -> Target:
    return (
        f"/api/v1/resumes/{owner.resume_id}/matches",
        {"Authorization": f"Bearer {owner.token}"},
    )


def check(port: int, owner: Owner) -> int:
    """One request: it must answer 200 with matches; returns the X-Pagination total."""
    path, headers = _target(owner)
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    try:
        connection.request("GET", path, headers=headers)
        response = connection.getresponse()
        body = response.read()
        if response.status != 200 or not json.loads(body):
            raise RuntimeError(f"{owner.profile}: {response.status} {body[:300]!r}")
        return json.loads(response.getheader("X-Pagination") or "{}").get("total", 0)
    finally:
        connection.close()


# -- main ----------------------------------------------------------------------------------


@dataclasses.dataclass
class Profile:
    """One resume profile: its data, in-process split and single-client latency."""

    name: str
    skills: list[str]  # what the analysis found
    sharing_jobs: int  # public jobs sharing at least one skill: the rows SQL groups
    candidates: int  # handed to the scorer (at most 200)
    top_score: int
    resume_ms: float
    sql_ms: float
    explain_ms: float
    score_ms: float
    tfidf_ms: float
    dump_ms: float
    http: dict[str, float]
    plan: str


@dataclasses.dataclass
class Result:
    jobs: int
    seed_seconds: float
    workers: int
    clients: int
    duration: float
    load_average_before: float
    load_average_after: float
    profiles: list[Profile]
    concurrent: dict[str, float]

    def lines(self) -> list[str]:
        c = self.concurrent
        out = [
            f"{self.jobs:,} jobs (seeded in {self.seed_seconds:.1f} s), gunicorn {self.workers} "
            "eventlet workers, production config",
            f"load average (1 min) before/after the HTTP load: {self.load_average_before:.2f} / "
            f"{self.load_average_after:.2f}",
            "",
            "| profile | skills | jobs sharing a skill | 1 client p50 / p95 / p99 ms | in process: "
            "resume / SQL candidates / scoring (TF-IDF) / page dump ms | EXPLAIN ANALYZE ms |",
            "|---|---:|---:|---|---|---:|",
        ]
        for p in self.profiles:
            h = p.http
            latency = (
                f"{h['p50']:.1f} / {h['p95']:.1f} / {h['p99']:.1f} ({h['requests']})"
                if h.get("requests")
                else f"- ({h.get('errors', 0)} errors)"
            )
            out.append(
                f"| {p.name} | {len(p.skills)} | {p.sharing_jobs:,} | {latency} "
                f"| {p.resume_ms:.1f} / {p.sql_ms:.1f} / {p.score_ms:.1f} ({p.tfidf_ms:.1f}) "
                f"/ {p.dump_ms:.1f} | {p.explain_ms:.1f} |"
            )
        if c.get("requests"):
            out.append(
                f"{self.clients} clients over all profiles, {self.duration:.0f} s: "
                f"{c['rps']:.1f} req/s, p50 {c['p50']:.0f} ms, p95 {c['p95']:.0f} ms, "
                f"p99 {c['p99']:.0f} ms, {c['requests']} requests, {c['errors']} errors"
            )
        else:
            out.append(f"{self.clients} clients: no successful request ({c.get('errors')} errors)")
        return out


def measure(
    *, jobs: int, clients: int, duration: float, alone: float, repeats: int, workers: int = WORKERS
) -> Result:
    """Create, seed and serve a database of ``jobs`` jobs, then measure; drop it afterwards."""
    from jobhub import create_app
    from jobhub.config import load_config
    from jobhub.db import db

    with backend() as base, tempfile.TemporaryDirectory(prefix="jobhub-bench-") as tmp:
        env = {
            **base,
            "UPLOAD_DIR": str(Path(tmp) / "uploads"),
            "JOBHUB_ASYNC_MODE": "eventlet",
            "WEB_CONCURRENCY": str(workers),
            "RATELIMIT_ENABLED": "false",  # every client is 127.0.0.1
            "JWT_ACCESS_TOKEN_MINUTES": "120",
        }
        flask(env, "db", "upgrade")
        started = time.perf_counter()
        flask(env, "seed", "--jobs", str(jobs))
        seed_seconds = time.perf_counter() - started

        app = create_app(load_config(env))
        owners = create_owners(app)
        # After the resumes: without statistics on resume_skills PostgreSQL expects one
        # skill per resume and picks a nested loop that costs about three times as much.
        vacuum_analyze(env["DATABASE_URL"])
        splits = {owner.profile: split(app, owner, repeats) for owner in owners}

        load_before = load_average()
        with gunicorn(env, log_path=Path(tmp) / "gunicorn.log") as port:
            totals = {owner.profile: check(port, owner) for owner in owners}
            targets = [_target(owner) for owner in owners]
            drive(port, targets, clients=2, duration=min(3.0, duration))  # warm both workers
            alone_results = {
                owner.profile: drive(port, [_target(owner)], clients=1, duration=alone)
                for owner in owners
            }
            concurrent = drive(port, targets, clients=clients, duration=duration)
        load_after = load_average()
        with app.app_context():
            for engine in db.engines.values():
                engine.dispose()

    profiles = []
    for owner in owners:
        s = splits[owner.profile]
        if totals[owner.profile] != s["candidates"]:
            raise RuntimeError(f"{owner.profile}: {totals[owner.profile]} over HTTP, {s}")
        profiles.append(
            Profile(
                name=owner.profile,
                skills=owner.skills,
                sharing_jobs=s["sharing_jobs"],
                candidates=s["candidates"],
                top_score=s["top_score"],
                resume_ms=s["resume_ms"],
                sql_ms=s["sql_ms"],
                explain_ms=s["explain_ms"],
                score_ms=s["score_ms"],
                tfidf_ms=s["tfidf_ms"],
                dump_ms=s["dump_ms"],
                http=alone_results[owner.profile],
                plan=s["plan"],
            )
        )
    return Result(
        jobs=jobs,
        seed_seconds=seed_seconds,
        workers=workers,
        clients=clients,
        duration=duration,
        load_average_before=load_before,
        load_average_after=load_after,
        profiles=profiles,
        concurrent=concurrent,
    )


def run(*, quick: bool = False) -> Result:
    """For ``python -m bench``: 100,000 jobs, or 5,000 with ``quick``."""
    return measure(**(QUICK if quick else FULL))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.matches", description=__doc__)
    parser.add_argument("--quick", action="store_true", help="5,000 jobs and short runs")
    parser.add_argument("--jobs", type=int, help="jobs to seed (default 100,000; quick 5,000)")
    parser.add_argument("--clients", type=int, help="concurrent clients (default 10)")
    parser.add_argument("--duration", type=float, help="seconds of concurrent load")
    parser.add_argument("--alone", type=float, help="seconds of single-client load per profile")
    parser.add_argument("--repeats", type=int, help="in-process runs per profile")
    parser.add_argument("--plans", action="store_true", help="print each candidate query plan")
    parser.add_argument("--output", type=Path, help="also write the results as JSON here")
    options = parser.parse_args(argv)
    settings = dict(QUICK if options.quick else FULL)
    for key in ("jobs", "clients", "duration", "alone", "repeats"):
        if getattr(options, key) is not None:
            settings[key] = getattr(options, key)
    result = measure(**settings)
    print("\n".join(result.lines()))
    if options.plans:
        for profile in result.profiles:
            print(f"\n-- {profile.name}\n{profile.plan}")
    if options.output:
        options.output.write_text(json.dumps(dataclasses.asdict(result), indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
