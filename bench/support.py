"""What every benchmark needs: its own PostgreSQL database and Redis, server processes,
a load generator and PostgreSQL's own timings.

Everything runs on this machine, on loopback; the database is created for the run and
dropped after it, and the benchmark's Redis database is emptied before and after.
"""

from __future__ import annotations

import http.client
import math
import multiprocessing
import os
import random
import resource
import subprocess
import sys
import threading
import time
import uuid
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import redis
import sqlalchemy as sa

from tests.support.servers import (
    ROOT,
    _process_env,
    free_port,
    spawn,
    stop_process,
    wait_for,
)

PG_ADMIN_URL = os.environ.get(
    "JOBHUB_BENCH_PG_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"
)
REDIS_URL = os.environ.get("JOBHUB_BENCH_REDIS_URL", "redis://127.0.0.1:6379/14")
BIN = Path(sys.executable).parent
SECRETS = {
    "SECRET_KEY": "bench-secret-key-0123456789abcdef0123456789abcdef",
    "JWT_SECRET_KEY": "bench-jwt-secret-0123456789abcdef0123456789abcdef",
}


class Unavailable(RuntimeError):
    """PostgreSQL or Redis cannot be reached: the benchmark cannot run here."""


@contextmanager
def database() -> Iterator[str]:
    """A fresh PostgreSQL database for this run, dropped afterwards; yields its URL."""
    admin = sa.create_engine(PG_ADMIN_URL, isolation_level="AUTOCOMMIT")
    name = f"jobhub_bench_{uuid.uuid4().hex[:10]}"
    try:
        with admin.connect() as connection:
            connection.execute(sa.text(f'CREATE DATABASE "{name}"'))
    except sa.exc.OperationalError as exc:
        raise Unavailable(f"PostgreSQL at {PG_ADMIN_URL}: {str(exc).splitlines()[0]}") from exc
    try:
        yield sa.engine.make_url(PG_ADMIN_URL).set(database=name).render_as_string(False)
    finally:
        with admin.connect() as connection:
            connection.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


@contextmanager
def backend() -> Iterator[dict[str, str]]:
    """A fresh PostgreSQL database and an empty Redis database; yields the app environment."""
    try:
        redis.Redis.from_url(REDIS_URL, socket_connect_timeout=2).ping()
    except redis.RedisError as exc:
        raise Unavailable(f"Redis at {REDIS_URL}: {exc}") from exc
    with database() as url:
        redis.Redis.from_url(REDIS_URL).flushdb()
        try:
            yield {
                "JOBHUB_CONFIG": "production",
                "PUBLIC_BASE_URL": "http://127.0.0.1:5000",
                "DATABASE_URL": url,
                "REDIS_URL": REDIS_URL,
                "SOCKETIO_CHANNEL": f"jobhub-bench-{uuid.uuid4().hex[:8]}",
                "LOG_LEVEL": "WARNING",
                **SECRETS,
            }
        finally:
            redis.Redis.from_url(REDIS_URL).flushdb()


def _child_env(environ: dict[str, str]) -> dict[str, str]:
    env = _process_env(environ)
    if "REDIS_URL" not in environ:
        env.pop("REDIS_URL", None)  # an inherited one would switch caches and queues on
    return env


def flask(environ: dict[str, str], *args: str, timeout: float = 900) -> str:
    """Run ``flask ARGS`` (the project's CLI) against ``environ``; its output."""
    result = subprocess.run(
        [str(BIN / "flask"), *args],
        cwd=ROOT,
        env=_child_env(environ),
        capture_output=True,
        text=True,
        check=False,
        timeout=timeout,
    )
    if result.returncode != 0:
        raise RuntimeError(f"flask {' '.join(args)} failed:\n{result.stdout}\n{result.stderr}")
    return result.stdout


def vacuum_analyze(database_url: str) -> None:
    """VACUUM ANALYZE the database: fresh statistics and visibility map after bulk loads."""
    engine = sa.create_engine(database_url, isolation_level="AUTOCOMMIT")
    try:
        with engine.connect() as connection:
            connection.execute(sa.text("VACUUM ANALYZE"))
    finally:
        engine.dispose()


def raise_open_files_limit(needed: int) -> int:
    """Raise this process's (and its children's) open-files limit towards ``needed``."""
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    target = needed if hard == resource.RLIM_INFINITY else min(max(soft, needed), hard)
    if target > soft:
        resource.setrlimit(resource.RLIMIT_NOFILE, (target, hard))
    return resource.getrlimit(resource.RLIMIT_NOFILE)[0]


def percentile(values: list[float], fraction: float) -> float:
    """The ``fraction`` percentile (nearest rank) of ``values``."""
    ordered = sorted(values)
    if not ordered:
        return float("nan")
    rank = max(1, min(len(ordered), math.ceil(fraction * len(ordered))))
    return ordered[rank - 1]


# -- gunicorn, as production runs it ------------------------------------------------------


def _answers(port: int) -> bool:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
    try:
        connection.request("GET", "/health")
        return connection.getresponse().status == 200
    except (OSError, http.client.HTTPException):
        return False
    finally:
        connection.close()


@contextmanager
def gunicorn(environ: dict[str, str], *, log_path: Path, target: str = "wsgi:app") -> Iterator[int]:
    """gunicorn with gunicorn.conf.py serving ``target`` on a free loopback port.

    ``environ`` is the app's environment (``WEB_CONCURRENCY``, ``JOBHUB_ASYNC_MODE``, …);
    without ``REDIS_URL`` in it the app runs without Redis. Yields the port once
    ``/health`` answers.
    """
    port = free_port()
    env = _child_env({**environ, "HOST": "127.0.0.1", "PORT": str(port)})
    command = [str(BIN / "gunicorn"), "-c", "gunicorn.conf.py", "--no-control-socket", target]
    process = spawn(command, env=env, log_path=log_path)

    def ready() -> bool:
        if process.poll() is not None:
            raise RuntimeError(f"gunicorn exited early:\n{log_path.read_text(errors='replace')}")
        return _answers(port)

    try:
        wait_for(ready, timeout=60, what="gunicorn to answer /health")
        yield port
    finally:
        stop_process(process, timeout=20)


# -- closed-loop HTTP load ------------------------------------------------------------------

# A request to send: path and headers.
Target = tuple[str, dict[str, str]]


def _client_thread(
    port: int, targets: Sequence[Target], deadline: float, out: list, seed: int
) -> None:
    # A connection per request: kept-alive connections would stick to whichever gunicorn
    # worker accepted them first and leave the other worker idle.
    rng = random.Random(seed)
    while time.monotonic() < deadline:
        path, headers = rng.choice(targets)
        started = time.perf_counter()
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        cache = None
        try:
            connection.request("GET", path, headers={**headers, "Connection": "close"})
            response = connection.getresponse()
            response.read()
            ok = response.status == 200
            cache = response.getheader("X-Cache")
        except (OSError, http.client.HTTPException):
            ok = False
        finally:
            connection.close()
        out.append((time.perf_counter() - started, ok, cache))


def _load_process(
    job: tuple[int, Sequence[Target], int, float, int],
) -> list[tuple[float, bool, str | None]]:
    port, targets, threads, deadline, seed = job
    return _in_threads(_client_thread, (port, targets, deadline), threads, seed)


def _in_threads(client: Callable[..., None], args: tuple, threads: int, seed: int) -> list:
    """``client(*args, samples, seed + i)`` in ``threads`` threads; every thread's samples."""
    results: list[list] = [[] for _ in range(threads)]
    workers = [
        threading.Thread(target=client, args=(*args, results[i], seed + i)) for i in range(threads)
    ]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
    return [sample for per_thread in results for sample in per_thread]


def drive(
    port: int, targets: Sequence[Target], *, clients: int, duration: float
) -> dict[str, float]:
    """``clients`` closed-loop clients (no think time) for ``duration`` seconds.

    The clients run as threads in two processes, each picking a random target per
    request; every request stops by ``duration`` + its 30 s timeout. Returns requests,
    errors (anything but a 200), req/s and p50/p95/p99 in milliseconds, and the share of
    answers with ``X-Cache: hit`` where the server said (the anonymous search cache).
    """
    processes = 2
    per_process = [clients // processes + (1 if i < clients % processes else 0) for i in range(2)]
    started = time.monotonic()
    deadline = started + duration
    context = multiprocessing.get_context("fork")
    with context.Pool(processes) as pool:
        parts = pool.map(
            _load_process,
            [(port, list(targets), n, deadline, 1000 * i) for i, n in enumerate(per_process)],
        )
    elapsed = time.monotonic() - started
    samples = [s for part in parts for s in part]
    latencies = [seconds * 1000 for seconds, ok, _ in samples if ok]
    errors = sum(1 for _, ok, _ in samples if not ok)
    if not latencies:
        return {"requests": 0, "errors": errors}
    result = {
        "requests": len(latencies),
        "errors": errors,
        "rps": len(latencies) / elapsed,
        "p50": percentile(latencies, 0.50),
        "p95": percentile(latencies, 0.95),
        "p99": percentile(latencies, 0.99),
    }
    cache_states = [cache for _, ok, cache in samples if ok and cache]
    if cache_states:
        result["cache_hit_ratio"] = cache_states.count("hit") / len(cache_states)
    return result


def load_average() -> float:
    """The 1-minute load average (with 2 cores, above 2 means processes wait for a CPU)."""
    return os.getloadavg()[0]


# -- PostgreSQL's own time -------------------------------------------------------------------

# A statement as the app sent it: SQL text with its parameters.
Statement = tuple[str, Any]


def capture_sql(engine: sa.Engine, work: Callable[[], object], *, contains: str) -> list[Statement]:
    """Run ``work()`` and return the statements it sent whose SQL contains ``contains``."""
    captured: list[Statement] = []

    def capture(_conn, _cursor, statement, parameters, *_rest) -> None:
        if contains in statement:
            captured.append((statement, parameters))

    sa.event.listen(engine, "before_cursor_execute", capture)
    try:
        work()
    finally:
        sa.event.remove(engine, "before_cursor_execute", capture)
    return captured


def explain_analyze(engine: sa.Engine, statements: Sequence[Statement]) -> list[dict[str, Any]]:
    """Each statement under ``EXPLAIN (ANALYZE, BUFFERS, FORMAT JSON)``: its plan document.

    A plan has ``Planning Time`` and ``Execution Time`` (ms) and the ``Plan`` tree. The
    statement runs once here, as a one-off (custom) plan for these parameter values.
    """
    plans = []
    with engine.connect() as connection:
        cursor = connection.connection.driver_connection.cursor()
        for statement, parameters in statements:
            cursor.execute("EXPLAIN (ANALYZE, BUFFERS, FORMAT JSON) " + statement, parameters)
            plans.append(cursor.fetchone()[0][0])
    return plans


def explain_text(engine: sa.Engine, statement: Statement) -> str:
    """One statement under ``EXPLAIN (ANALYZE, BUFFERS)``: the plan as psql shows it."""
    with engine.connect() as connection:
        cursor = connection.connection.driver_connection.cursor()
        cursor.execute("EXPLAIN (ANALYZE, BUFFERS) " + statement[0], statement[1])
        return "\n".join(row[0] for row in cursor.fetchall())


# -- the database alone: the app's SQL from a minimal psycopg client ----------------------


def _libpq_url(database_url: str) -> str:
    return sa.engine.make_url(database_url).set(drivername="postgresql").render_as_string(False)


def _sql_client(
    url: str, statements: Sequence[Statement], deadline: float, out: list, seed: int
) -> None:
    import psycopg

    rng = random.Random(seed)
    # As the app's connections: autocommit (an anonymous search sends no BEGIN/COMMIT) and
    # every statement planned for its values (jobhub.config's connect options).
    try:
        connection = psycopg.connect(
            url, autocommit=True, options="-c plan_cache_mode=force_custom_plan"
        )
    except psycopg.OperationalError:
        out.append((0.0, False))  # counted as an error: a client short (max_connections?)
        return
    with connection:
        while time.monotonic() < deadline:
            statement, parameters = rng.choice(statements)
            started = time.perf_counter()
            ok = True
            try:
                with connection.cursor() as cursor:
                    cursor.execute(statement, parameters)
                    cursor.fetchall()
            except psycopg.Error:
                ok = False
            out.append((time.perf_counter() - started, ok))


def _sql_process(job: tuple[str, Sequence[Statement], int, float, int]) -> list:
    url, statements, threads, deadline, seed = job
    return _in_threads(_sql_client, (url, statements, deadline), threads, seed)


def drive_sql(
    database_url: str, statements: Sequence[Statement], *, clients: int, duration: float
) -> dict[str, float]:
    """The same closed loop as ``drive``, but each client is a psycopg connection sending
    ``statements`` (SQL text and parameters, as captured from the app) straight to
    PostgreSQL and reading every row: what the database alone serves at this concurrency.

    Two processes of threads, like the HTTP load, so the client's own CPU is comparable.
    Returns requests (statements), errors, req/s and p50/p95 in milliseconds.
    """
    url = _libpq_url(database_url)
    per_process = [clients // 2 + (1 if i < clients % 2 else 0) for i in range(2)]
    started = time.monotonic()
    deadline = started + duration
    with multiprocessing.get_context("fork").Pool(2) as pool:
        parts = pool.map(
            _sql_process,
            [
                (url, list(statements), n, deadline, 5000 + 1000 * i)
                for i, n in enumerate(per_process)
            ],
        )
    elapsed = time.monotonic() - started
    samples = [s for part in parts for s in part]
    latencies = [seconds * 1000 for seconds, ok in samples if ok]
    if not latencies:
        return {"requests": 0, "errors": len(samples)}
    return {
        "requests": len(latencies),
        "errors": len(samples) - len(latencies),
        "rps": len(latencies) / elapsed,
        "p50": percentile(latencies, 0.50),
        "p95": percentile(latencies, 0.95),
    }
