"""Analytics benchmark: the five analytics endpoints on PostgreSQL at 200,000 applications.

    python -m bench.analytics [--applications 200000] [--jobs 20000] [--clients 20]

Creates its own database (dropped at the end), migrates it, seeds it with
``flask seed --jobs N --applications M`` (timed; applications come with realistic
histories, notes, interviews and sources), ``VACUUM ANALYZE``, then:

1. **In process**, for sample requests of each endpoint, captures the SQL the service
   sends (cache off) and runs it under ``EXPLAIN (ANALYZE, BUFFERS)``: PostgreSQL's own
   time for the same SQL (median over samples of the sum over one request's statements).
2. Serves the database with gunicorn on 127.0.0.1 (2 eventlet workers, Redis for token
   revocation; rate limits off) twice:
   - **cold**: ``ANALYTICS_CACHE_SECONDS=0``, so every request computes its answer — the
     cost of a cache miss (an empty cache);
   - **warm**: the production cache (Redis, 5 minutes), after one warm-up pass over
     every request, so answers come from the cache (the share of ``X-Cache: hit`` is
     reported).
   Each endpoint is driven by ``--clients`` concurrent closed-loop clients for
   ``--duration`` seconds, then by one client for 3 s (the cost without queueing);
   last, ``/health`` under the same load: the floor the harness and gunicorn set.
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

import redis

from bench.support import (
    REDIS_URL,
    ROOT,
    SECRETS,
    capture_sql,
    database,
    drive,
    explain_analyze,
    flask,
    gunicorn,
    load_average,
    vacuum_analyze,
)

NAME = "analytics"
COLD_TARGET_MS, WARM_TARGET_MS = 300.0, 10.0
# The same load on /health (no auth, no database, no Redis): what the harness and
# gunicorn alone cost at this concurrency on this machine, a floor for every p95 above.
FLOOR = "/health (floor, not a target)"
RANGES = [
    {},  # the default: the last 30 days, by day, UTC
    {"interval": "week", "tz": "Europe/Berlin"},
    {"interval": "month", "tz": "America/New_York"},
]


def _environ(database_url: str, *, cache: bool, workers: int) -> dict[str, str]:
    return {
        **SECRETS,
        "JOBHUB_CONFIG": "development",
        "DATABASE_URL": database_url,
        "REDIS_URL": REDIS_URL,
        "ANALYTICS_CACHE_SECONDS": "300" if cache else "0",
        "WEB_CONCURRENCY": str(workers),
        "DB_POOL_SIZE": "15",
        "DB_MAX_OVERFLOW": "10",
        "RATELIMIT_ENABLED": "false",
        "JWT_ACCESS_TOKEN_MINUTES": "180",
        "LOG_LEVEL": "WARNING",
    }


def _app(env: dict[str, str]):
    sys.path.insert(0, str(ROOT))
    from jobhub import create_app
    from jobhub.config import load_config

    return create_app(load_config({**env, "REDIS_URL": "", "ANALYTICS_CACHE_SECONDS": "0"}))


@dataclasses.dataclass
class Subjects:
    """Who asks what: the busiest jobs and companies with a member's token, candidates."""

    kinds: dict[str, list[tuple[str, dict[str, str]]]]
    sizes: dict[str, Any]


def subjects(app) -> Subjects:
    """Request targets per endpoint, each with the bearer token of someone allowed."""
    from flask_jwt_extended import create_access_token
    from sqlalchemy import func, select

    from jobhub.applications.models import Application
    from jobhub.companies.models import CompanyMember
    from jobhub.db import db
    from jobhub.users.models import Role, User

    def bearer(user_id: int) -> dict[str, str]:
        return {"Authorization": f"Bearer {create_access_token(identity=str(user_id))}"}

    with app.app_context():
        count = func.count().label("n")
        jobs = db.session.execute(
            select(Application.job_id, Application.company_id, count)
            .group_by(Application.job_id, Application.company_id)
            .order_by(count.desc())
            .limit(10)
        ).all()
        companies = db.session.execute(
            select(Application.company_id, count)
            .group_by(Application.company_id)
            .order_by(count.desc())
            .limit(5)
        ).all()
        candidates = db.session.execute(
            select(Application.candidate_id, count)
            .group_by(Application.candidate_id)
            .order_by(count.desc())
            .limit(20)
        ).all()
        member = dict(
            db.session.execute(
                select(CompanyMember.company_id, func.min(CompanyMember.user_id)).group_by(
                    CompanyMember.company_id
                )
            ).all()
        )
        admin = db.session.scalar(select(User.id).where(User.role == Role.ADMIN).limit(1))
        total = db.session.scalar(select(func.count()).select_from(Application))

        def spread(paths: list[tuple[str, dict]]) -> list[tuple[str, dict]]:
            return [
                (f"{path}?{urlencode(r)}" if r else path, headers)
                for path, headers in paths
                for r in RANGES
            ]

        kinds = {
            "me (candidate)": spread([("/api/v1/analytics/me", bearer(c)) for c, _ in candidates]),
            "job": spread(
                [(f"/api/v1/analytics/jobs/{j}", bearer(member[co])) for j, co, _ in jobs]
            ),
            "company": spread(
                [(f"/api/v1/analytics/companies/{co}", bearer(member[co])) for co, _ in companies]
            ),
            "platform": spread([("/api/v1/analytics/platform", bearer(admin))]),
            "responsiveness": [
                (f"/api/v1/companies/{co}/responsiveness", {}) for co, _ in companies
            ],
        }
    sizes = {
        "applications": total,
        "largest job (applications)": jobs[0][2],
        "largest company (applications)": companies[0][1],
        "busiest candidate (applications)": candidates[0][1],
    }
    return Subjects(kinds=kinds, sizes=sizes)


def _is_analytics(sql: str) -> bool:
    """The request's own statements, not the token checks and user load every request has."""
    if not sql.lstrip().upper().startswith(("SELECT", "WITH")):
        return False
    if "revoked_tokens" in sql or "auth_sessions" in sql:
        return False
    return not ("FROM users" in sql and "WHERE users.id =" in sql)


def explain(app, subjects_: Subjects, samples: int = 6) -> dict[str, float]:
    """Per kind: median over sample requests of PostgreSQL's planning + execution time
    for all the statements one request sends (run in process, cache off)."""
    from jobhub.db import db

    client = app.test_client()
    out = {}
    for kind, targets in subjects_.kinds.items():
        timings = []
        for path, headers in targets[:samples]:
            with app.app_context():
                statements = capture_sql(
                    db.engine, lambda p=path, h=headers: client.get(p, headers=h), contains=""
                )
                relevant = [s for s in statements if _is_analytics(s[0])]
                plans = explain_analyze(db.engine, relevant)
                timings.append(sum(p["Planning Time"] + p["Execution Time"] for p in plans))
        out[kind] = statistics.median(timings)
    return out


@dataclasses.dataclass
class Load:
    cache: bool
    load_average_before: float
    load_average_after: float
    kinds: dict[str, dict[str, float]]


@dataclasses.dataclass
class Result:
    applications: int
    jobs: int
    clients: int
    duration: float
    seed_seconds: float
    sizes: dict[str, Any]
    explain_ms: dict[str, float]
    loads: list[Load]

    def lines(self) -> list[str]:
        out = [
            f"{self.sizes.get('applications', 0):,} applications on {self.jobs:,} jobs; "
            f"{self.clients} clients, {self.duration:.0f} s per endpoint",
            f"seed (flask seed --jobs {self.jobs} --applications {self.applications}): "
            f"{self.seed_seconds:.1f} s",
            "sizes: " + ", ".join(f"{k} {v:,}" for k, v in self.sizes.items()),
        ]
        for load in self.loads:
            target = WARM_TARGET_MS if load.cache else COLD_TARGET_MS
            out += [
                "",
                f"{'warm (cache on)' if load.cache else 'cold (every request computed)'}; "
                f"load average (1 min) before/after: {load.load_average_before:.2f} / "
                f"{load.load_average_after:.2f}",
                "| endpoint | req/s | p50 ms | p95 ms | p99 ms | errors | cache hits "
                "| 1 client p50 ms | EXPLAIN ANALYZE ms |",
                "|---|---:|---:|---:|---:|---:|---:|---:|---:|",
            ]
            for kind, r in load.kinds.items():
                if not r.get("requests"):
                    out.append(f"| {kind} | 0 | - | - | - | {r.get('errors', 0)} | - | - | - |")
                    continue
                hits = f"{r['cache_hit_ratio']:.0%}" if "cache_hit_ratio" in r else "-"
                sql = f"{self.explain_ms[kind]:.1f}" if kind in self.explain_ms else "-"
                out.append(
                    f"| {kind} | {r['rps']:.0f} | {r['p50']:.1f} | {r['p95']:.1f} "
                    f"| {r['p99']:.1f} | {r['errors']} | {hits} | {r['p50_one_client']:.1f} "
                    f"| {sql} |"
                )
            misses = [
                k
                for k, r in load.kinds.items()
                if k != FLOOR and r.get("p95", float("inf")) > target
            ]
            verdict = "every endpoint" if not misses else "missed by " + ", ".join(misses)
            out.append(f"p95 <= {target:.0f} ms: {verdict}")
        return out


def _load(
    env: dict[str, str], subjects_: Subjects, *, cache: bool, clients: int, duration: float
) -> Load:
    redis.Redis.from_url(REDIS_URL).flushdb()
    results: dict[str, dict] = {}
    before = load_average()
    with (
        tempfile.TemporaryDirectory(prefix="jobhub-bench-") as tmp,
        gunicorn(env, log_path=Path(tmp) / "gunicorn.log") as port,
    ):
        every = [t for targets in subjects_.kinds.values() for t in targets]
        if cache:  # one pass so every answer is cached, then a short warm-up
            drive(port, every, clients=1, duration=max(5.0, len(every) * 0.4))
        drive(port, every, clients=clients, duration=3)
        for kind, targets in [*subjects_.kinds.items(), (FLOOR, [("/health", {})])]:
            results[kind] = drive(port, targets, clients=clients, duration=duration)
            alone = drive(port, targets, clients=1, duration=3)
            results[kind]["p50_one_client"] = alone.get("p50", float("nan"))
    redis.Redis.from_url(REDIS_URL).flushdb()
    return Load(
        cache=cache, load_average_before=before, load_average_after=load_average(), kinds=results
    )


def measure(
    *, applications: int, jobs: int, clients: int, duration: float, workers: int = 2
) -> Result:
    with database() as database_url:
        env = _environ(database_url, cache=False, workers=workers)
        flask(env, "db", "upgrade")
        started = time.perf_counter()
        flask(env, "seed", "--jobs", str(jobs), "--applications", str(applications), timeout=3600)
        seed_seconds = time.perf_counter() - started
        vacuum_analyze(database_url)
        app = _app(env)
        subjects_ = subjects(app)
        explained = explain(app, subjects_)
        loads = [
            _load(
                _environ(database_url, cache=cache, workers=workers),
                subjects_,
                cache=cache,
                clients=clients,
                duration=duration,
            )
            for cache in (False, True)
        ]
    return Result(
        applications=applications,
        jobs=jobs,
        clients=clients,
        duration=duration,
        seed_seconds=seed_seconds,
        sizes=subjects_.sizes,
        explain_ms=explained,
        loads=loads,
    )


def run(*, quick: bool = False) -> Result:
    """For ``python -m bench``: the full size, or a smoke run with --quick."""
    if quick:
        return measure(applications=10_000, jobs=2_000, clients=20, duration=3)
    return measure(applications=200_000, jobs=20_000, clients=20, duration=15)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--applications", type=int, default=200_000)
    parser.add_argument("--jobs", type=int, default=20_000)
    parser.add_argument("--clients", type=int, default=20)
    parser.add_argument("--duration", type=float, default=15.0, help="seconds per endpoint")
    parser.add_argument("--workers", type=int, default=2, help="gunicorn worker processes")
    parser.add_argument("--output", type=Path, help="also write the results as JSON here")
    options = parser.parse_args(argv)
    result = measure(
        applications=options.applications,
        jobs=options.jobs,
        clients=options.clients,
        duration=options.duration,
        workers=options.workers,
    )
    print("\n".join(result.lines()))
    if options.output:
        options.output.write_text(json.dumps(dataclasses.asdict(result), indent=2, default=str))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
