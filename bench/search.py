"""Search benchmark: GET /api/v1/jobs on PostgreSQL with 100,000 seeded jobs.

    python -m bench.search [--jobs 100000] [--clients 50] [--duration 15] [--cache both]

Creates its own database (dropped at the end), migrates it, seeds it with
``flask seed --jobs N`` (timed), serves it with gunicorn on 127.0.0.1, and drives each
query kind with ``--clients`` concurrent closed-loop clients (two load processes, no
think time) for ``--duration`` seconds. It then runs the very SQL the app executed for
sample requests of each kind under ``EXPLAIN (ANALYZE)``, so the HTTP latencies can be
compared with PostgreSQL's own time.

Each run serves the same database twice: **cache off** (no Redis configured, so every
request reaches PostgreSQL) and **cache on** (``REDIS_URL``, ``JOBHUB_BENCH_REDIS_URL``,
default database 14: the production configuration, anonymous results cached);
``--cache off|on`` measures one of them only.

With the cache off, the kinds are followed by their **database baselines**: the exact
statements the app sent for that kind's requests (captured in process, parameters and
all) sent straight to PostgreSQL by ``--clients`` psycopg connections in the same closed
loop (``bench.support.drive_sql``); the table prints JobHub's req/s as a fraction of it.

Where the migration made the RUM index (the server has the ``rum`` extension: ``make
rum``), the keyword kinds rank from it; the run then drops it (``flask search rum-index
--drop``) and measures the keyword kinds (``GIN_KINDS``) again on the GIN path, cache
off (``--no-paths`` skips that).
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import random
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
    drive_sql,
    explain_analyze,
    flask,
    gunicorn,
    load_average,
    vacuum_analyze,
)

P95_TARGET_MS = 150.0
# Measured again without the RUM index (the kinds that rank by relevance).
GIN_KINDS = ("keyword", "keyword+filters", "broad keyword", "q=python")

KEYWORDS = [
    "kubernetes", "react", "data engineer", "machine learning", "terraform", "figma",
    "laravel", "rust", "kafka", "swift", "tableau", "zendesk", "salesforce", "seo",
    "typescript", "airflow", "penetration testing", "django", "solidworks", "workday",
]  # fmt: skip
BROAD = ["engineer", "developer", "manager", "senior", "python"]
FILTER_SETS = [
    {"country": "DE", "seniority": "senior"},
    {"remote": "remote", "skills": "python,docker"},
    {"employment_type": "contract", "posted_within_days": 7},
    {"location": "berlin", "sort": "salary"},
    {"country": "US", "salary_min": 150000, "salary_currency": "USD"},
    {"skills": "react,typescript", "remote": "hybrid"},
    {"seniority": "junior", "country": "GB"},
    {"skills": "kubernetes", "posted_within_days": 14, "sort": "salary"},
]


def _kinds(deep_cursors: list[str]) -> dict[str, list[dict[str, Any]]]:
    """Argument sets per query kind; varied, so a cache (if on) sees many keys."""
    rng = random.Random(7)
    keyword = [{"q": q, "page": p} for q in KEYWORDS for p in (1, 2)]
    keyword_filters = [{"q": q, **f} for q in KEYWORDS for f in rng.sample(FILTER_SETS, 3)]
    filters_only = [{**f, "page": p} for f in FILTER_SETS for p in (1, 2, 3)]
    broad = [{"q": q, "page": p} for q in BROAD for p in (1, 2, 3)]
    python = [{"q": "python", "page": p} for p in (1, 2, 3)]
    first_page = [{"sort": "newest", "page_size": s} for s in (20, 21, 22, 23, 24)]
    deep = [{"sort": "newest", "cursor": c} for c in deep_cursors]
    return {
        "keyword": keyword,
        "keyword+filters": keyword_filters,
        "filters only": filters_only,
        "broad keyword": broad,
        "q=python": python,
        "first page (newest)": first_page,
        "deep cursor page": deep,
    }


# -- server --------------------------------------------------------------------------


def _environ(database_url: str, *, cache: bool, workers: int, mode: str) -> dict[str, str]:
    env = {
        **SECRETS,
        "JOBHUB_CONFIG": "development",
        "DATABASE_URL": database_url,
        "JOBHUB_ASYNC_MODE": mode,
        "WEB_CONCURRENCY": str(workers),
        "DB_POOL_SIZE": "15",
        "DB_MAX_OVERFLOW": "10",
        "RATELIMIT_ENABLED": "false",
        "LOG_LEVEL": "WARNING",
    }
    if cache:
        env["REDIS_URL"] = REDIS_URL
    return env


# -- in-process: cursors and EXPLAIN ---------------------------------------------------


def _app(env: dict):
    sys.path.insert(0, str(ROOT))
    from jobhub import create_app
    from jobhub.config import load_config

    return create_app(load_config({**env, "REDIS_URL": ""}))


def deep_cursors(app, jobs: int) -> list[str]:
    """Cursors continuing newest-first 2 % … 10 % deep (2,000 … 10,000 rows of 100,000)."""
    from jobhub.jobs.search import services

    pages = [max(2, int(jobs * share / 20)) for share in (0.02, 0.04, 0.06, 0.08, 0.10)]
    with app.app_context():
        return [
            services.search_jobs(
                actor=None, args={"sort": "newest", "page": page, "page_size": 20}
            )[1]["next_cursor"]
            for page in pages
        ]


def _statements(app, raw: dict[str, Any]) -> list:
    """The statements one request of these arguments sends (anonymous, in process)."""
    from jobhub.db import db
    from jobhub.jobs.schemas import JobSearchArgsSchema
    from jobhub.jobs.search import services

    args = JobSearchArgsSchema().load({k: str(v) for k, v in raw.items()})
    statements = capture_sql(
        db.engine,
        lambda: services.search_jobs(actor=None, args=args),
        contains="FROM jobs",
    )
    db.session.remove()
    return statements


def captured_sql(app, arg_sets: list[dict[str, Any]]) -> list:
    """Every statement the kind's requests send, for the database baseline."""
    with app.app_context():
        return [statement for raw in arg_sets for statement in _statements(app, raw)]


def rum_in_use(app) -> bool:
    """Whether this app's searches rank from the RUM index (the statement says ``<=>``)."""
    with app.app_context():
        return any("<=>" in sql for sql, _ in _statements(app, {"q": "python"}))


def explain(app, arg_sets: list[dict[str, Any]], samples: int = 8) -> float:
    """Median over samples of PostgreSQL's planning + execution time for one request's SQL."""
    from jobhub.db import db

    timings = []
    with app.app_context():
        for raw in arg_sets[:samples]:
            plans = explain_analyze(db.engine, _statements(app, raw))
            timings.append(sum(plan["Planning Time"] + plan["Execution Time"] for plan in plans))
    return statistics.median(timings)


# -- main ------------------------------------------------------------------------------

NAME = "search"


@dataclasses.dataclass
class Load:
    """The query kinds under load with the cache off or on."""

    cache: bool
    load_average_before: float
    load_average_after: float
    kinds: dict[str, dict[str, float]]
    # Which relevance path the keyword kinds took: "RUM" or "GIN" (PostgreSQL ranks all).
    path: str = "GIN"

    def lines(self) -> list[str]:
        out = [
            f"cache {'on' if self.cache else 'off'}, relevance through {self.path}; "
            f"load average (1 min) before/after: "
            f"{self.load_average_before:.2f} / {self.load_average_after:.2f}",
            "",
            "| kind | req/s | p50 ms | p95 ms | p99 ms | errors | cache hits "
            "| 1 client p50 ms | EXPLAIN ANALYZE ms | DB alone req/s | JobHub ÷ DB |",
            "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
        ]
        for kind, r in self.kinds.items():
            if not r.get("requests"):
                out.append(f"| {kind} | 0 | - | - | - | {r.get('errors', 0)} | - | - | - | - | - |")
                continue
            hits = f"{r['cache_hit_ratio']:.0%}" if "cache_hit_ratio" in r else "-"
            db_rps = r.get("db_rps")
            alone = "-" if not db_rps else f"{db_rps:.0f}"
            if r.get("db_errors"):
                alone += f" ({r['db_errors']} errors)"
            ratio = "-" if not db_rps else f"{r['rps'] / db_rps:.2f}"
            out.append(
                f"| {kind} | {r['rps']:.0f} | {r['p50']:.1f} | {r['p95']:.1f} | {r['p99']:.1f} "
                f"| {r['errors']} | {hits} | {r['p50_one_client']:.1f} | {r['explain_ms']:.1f} "
                f"| {alone} | {ratio} |"
            )
        first = self.kinds.get("first page (newest)", {})
        deep = self.kinds.get("deep cursor page", {})
        if first.get("p95") and deep.get("p95"):
            ratio = deep["p95"] / first["p95"]
            out.append(f"deep cursor p95 / first page p95 = {ratio:.2f} (target <= 2)")
        misses = [k for k, r in self.kinds.items() if r.get("p95", float("inf")) >= P95_TARGET_MS]
        verdict = "all kinds" if not misses else "missed by " + ", ".join(misses)
        out.append(f"p95 < {P95_TARGET_MS:.0f} ms: {verdict}")
        return out


@dataclasses.dataclass
class Result:
    """One run: options, seeding time, and the load with the cache off and/or on."""

    jobs: int
    clients: int
    duration: float
    workers: int
    async_mode: str
    seed_seconds: float
    loads: list[Load]
    # The keyword kinds again without the RUM index (when it was there to drop).
    gin_path: Load | None = None

    def lines(self) -> list[str]:
        out = [
            f"{self.jobs:,} jobs, {self.clients} clients, {self.duration:.0f} s per kind, "
            f"{self.workers} {self.async_mode} workers",
            f"seed (flask seed --jobs {self.jobs}): {self.seed_seconds:.1f} s",
        ]
        for load in self.loads:
            out += ["", *load.lines()]
        if self.gin_path is not None:
            out += ["", *self.gin_path.lines(), "", *self._paths()]
        return out

    def _paths(self) -> list[str]:
        rum = next((load for load in self.loads if not load.cache), None)
        if rum is None:
            return []
        out = [
            "| kind (cache off) | RUM req/s | GIN req/s | RUM ÷ GIN | RUM p95 ms | GIN p95 ms "
            "| DB alone RUM | DB alone GIN |",
            "|---|---:|---:|---:|---:|---:|---:|---:|",
        ]
        for kind, gin in self.gin_path.kinds.items():
            fast = rum.kinds.get(kind, {})
            if not fast.get("requests") or not gin.get("requests"):
                continue
            out.append(
                f"| {kind} | {fast['rps']:.0f} | {gin['rps']:.0f} | {fast['rps'] / gin['rps']:.2f} "
                f"| {fast['p95']:.0f} | {gin['p95']:.0f} | {fast.get('db_rps', 0):.0f} "
                f"| {gin.get('db_rps', 0):.0f} |"
            )
        return out


def measure(
    *,
    jobs: int,
    clients: int,
    duration: float,
    workers: int = 2,
    async_mode: str = "eventlet",
    caches: tuple[bool, ...] = (False, True),
    paths: bool = True,
) -> Result:
    """Create, seed, serve and load a database of ``jobs`` jobs; drop it afterwards."""
    with database() as database_url:
        env = _environ(database_url, cache=False, workers=workers, mode=async_mode)
        flask(env, "db", "upgrade")
        started = time.perf_counter()
        flask(env, "seed", "--jobs", str(jobs))
        seed_seconds = time.perf_counter() - started
        vacuum_analyze(database_url)

        app = _app(env)
        kinds = _kinds(deep_cursors(app, jobs))
        path = "RUM" if rum_in_use(app) else "GIN"
        explained = {kind: explain(app, arg_sets) for kind, arg_sets in kinds.items()}
        sql = {kind: captured_sql(app, arg_sets) for kind, arg_sets in kinds.items()}
        _dispose(app)
        loads = []
        for cache in caches:
            env = _environ(database_url, cache=cache, workers=workers, mode=async_mode)
            loads.append(
                _load(
                    env,
                    kinds,
                    explained,
                    sql=sql,
                    database_url=database_url,
                    cache=cache,
                    clients=clients,
                    duration=duration,
                    path=path,
                )
            )
        gin_path = None
        if paths and path == "RUM" and False in caches:
            # The same keyword kinds with the index dropped: today's GIN path.
            env = _environ(database_url, cache=False, workers=workers, mode=async_mode)
            flask(env, "search", "rum-index", "--drop")
            app = _app(env)
            keyword = {k: kinds[k] for k in GIN_KINDS}
            gin_path = _load(
                env,
                keyword,
                {kind: explain(app, arg_sets) for kind, arg_sets in keyword.items()},
                sql={kind: captured_sql(app, arg_sets) for kind, arg_sets in keyword.items()},
                database_url=database_url,
                cache=False,
                clients=clients,
                duration=duration,
                path="GIN",
            )
            _dispose(app)
    return Result(
        jobs=jobs,
        clients=clients,
        duration=duration,
        workers=workers,
        async_mode=async_mode,
        seed_seconds=seed_seconds,
        loads=loads,
        gin_path=gin_path,
    )


def _dispose(app) -> None:
    from jobhub.db import db

    with app.app_context():
        db.session.remove()
        db.engine.dispose()


def _load(
    env: dict[str, str],
    kinds: dict[str, list[dict[str, Any]]],
    explained: dict[str, float],
    *,
    sql: dict[str, list],
    database_url: str,
    cache: bool,
    clients: int,
    duration: float,
    path: str,
) -> Load:
    """Every kind against a fresh gunicorn (and an empty cache); with the cache off, then
    each kind's SQL from psycopg alone, once gunicorn has stopped."""
    if cache:
        redis.Redis.from_url(REDIS_URL).flushdb()
    results: dict[str, dict] = {}
    load_before = load_average()
    with (
        tempfile.TemporaryDirectory(prefix="jobhub-bench-") as tmp,
        gunicorn(env, log_path=Path(tmp) / "gunicorn.log") as port,
    ):
        warm = [(f"/api/v1/jobs?{urlencode(a)}", {}) for k in kinds.values() for a in k[:3]]
        drive(port, warm, clients=clients, duration=3)
        for kind, arg_sets in kinds.items():
            targets = [(f"/api/v1/jobs?{urlencode(a)}", {}) for a in arg_sets]
            results[kind] = drive(port, targets, clients=clients, duration=duration)
            # The same requests one at a time: the cost of a request without queueing.
            alone = drive(port, targets, clients=1, duration=min(duration, 3))
            results[kind]["p50_one_client"] = alone.get("p50", float("nan"))
            results[kind]["explain_ms"] = explained[kind]
    # The baselines once gunicorn is gone: its pooled connections would count against
    # max_connections next to the baseline's own.
    for kind in kinds:
        if not cache and sql.get(kind):
            baseline = drive_sql(database_url, sql[kind], clients=clients, duration=duration)
            results[kind]["db_rps"] = baseline.get("rps", 0.0)
            results[kind]["db_p95"] = baseline.get("p95", float("nan"))
            results[kind]["db_errors"] = baseline.get("errors", 0)
    if cache:
        redis.Redis.from_url(REDIS_URL).flushdb()
    return Load(
        cache=cache,
        load_average_before=load_before,
        load_average_after=load_average(),
        kinds=results,
        path=path,
    )


def run(*, quick: bool = False) -> Result:
    """For ``python -m bench``: the full size, or a smoke run with --quick."""
    if quick:
        return measure(jobs=5_000, clients=20, duration=3)
    return measure(jobs=100_000, clients=50, duration=15)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--jobs", type=int, default=100_000)
    parser.add_argument("--clients", type=int, default=50)
    parser.add_argument("--duration", type=float, default=15.0, help="seconds per query kind")
    parser.add_argument("--workers", type=int, default=2, help="gunicorn worker processes")
    parser.add_argument("--async-mode", default="eventlet", choices=["eventlet", "gevent"])
    parser.add_argument(
        "--cache",
        choices=["both", "off", "on"],
        default="both",
        help="off: no Redis, every request reaches PostgreSQL; on: the production "
        "configuration (Redis, anonymous results cached); both (default): off, then on",
    )
    parser.add_argument(
        "--no-paths",
        action="store_true",
        help="skip the second measurement of the keyword kinds without the RUM index",
    )
    parser.add_argument("--output", type=Path, help="also write the results as JSON here")
    options = parser.parse_args(argv)
    result = measure(
        jobs=options.jobs,
        clients=options.clients,
        duration=options.duration,
        workers=options.workers,
        async_mode=options.async_mode,
        caches={"both": (False, True), "off": (False,), "on": (True,)}[options.cache],
        paths=not options.no_paths,
    )
    print("\n".join(result.lines()))
    if options.output:
        options.output.write_text(json.dumps(dataclasses.asdict(result), indent=2))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
