"""Even load across gunicorn workers: many keep-alive clients, requests counted per worker.

    python -m bench.spread [--clients 50] [--duration 10] [--workers 2] [--jobs 2000]

Creates its own PostgreSQL database (dropped at the end), seeds ``--jobs`` jobs, and
serves it twice with gunicorn.conf.py (``WEB_CONCURRENCY`` workers, eventlet, no Redis,
rate limits off): with ``GUNICORN_REUSE_PORT=false`` (one listening socket shared by the
workers, gunicorn's default) and with the project's default, ``reuse_port`` (a
SO_REUSEPORT socket per worker: the kernel spreads new connections). The app is
``bench.worker_pid:app``: the product plus an ``X-Worker-Pid`` header. Each of
``--clients`` closed-loop clients (two load processes of threads) opens **one keep-alive
connection** and sends the first page of ``GET /api/v1/jobs`` on it for ``--duration``
seconds; the run reports connections and requests per worker, the busiest worker's share,
req/s and p95.
"""

from __future__ import annotations

import argparse
import dataclasses
import http.client
import multiprocessing
import tempfile
import threading
import time
from collections import Counter
from pathlib import Path

from bench.support import (
    SECRETS,
    database,
    flask,
    gunicorn,
    load_average,
    percentile,
    vacuum_analyze,
)

NAME = "spread"
PATH = "/api/v1/jobs?page_size=20"


def _client(port: int, deadline: float, out: list) -> None:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    try:
        while time.monotonic() < deadline:
            started = time.perf_counter()
            try:
                connection.request("GET", PATH)
                response = connection.getresponse()
                response.read()
            except (OSError, http.client.HTTPException):
                out.append((None, None, time.perf_counter() - started))
                connection.close()
                connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
                continue
            pid = response.getheader("X-Worker-Pid") if response.status == 200 else None
            # The local port names the connection: one per client unless it was reset.
            out.append((pid, connection.sock.getsockname()[1], time.perf_counter() - started))
    finally:
        connection.close()


def _load_process(job: tuple[int, int, float]) -> list:
    port, threads, deadline = job
    results: list[list] = [[] for _ in range(threads)]
    workers = [
        threading.Thread(target=_client, args=(port, deadline, results[i])) for i in range(threads)
    ]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
    return [sample for per_thread in results for sample in per_thread]


def _drive(port: int, clients: int, duration: float) -> dict:
    per_process = [clients // 2 + (1 if i < clients % 2 else 0) for i in range(2)]
    started = time.monotonic()
    deadline = started + duration
    with multiprocessing.get_context("fork").Pool(2) as pool:
        parts = pool.map(_load_process, [(port, n, deadline) for n in per_process])
    elapsed = time.monotonic() - started
    samples = [s for part in parts for s in part]
    ok = [s for s in samples if s[0] is not None]
    requests = Counter(pid for pid, _, _ in ok)
    connections: dict[str, set] = {}
    for pid, local_port, _ in ok:
        connections.setdefault(pid, set()).add(local_port)
    latencies = [seconds * 1000 for _, _, seconds in ok]
    return {
        "requests_per_worker": dict(requests),
        "connections_per_worker": {pid: len(ports) for pid, ports in connections.items()},
        "errors": len(samples) - len(ok),
        "rps": len(ok) / elapsed,
        "p50": percentile(latencies, 0.5),
        "p95": percentile(latencies, 0.95),
    }


@dataclasses.dataclass
class Result:
    clients: int
    duration: float
    workers: int
    jobs: int
    modes: dict[str, dict]

    def lines(self) -> list[str]:
        out = [
            f"{self.clients} keep-alive clients, {self.duration:.0f} s, {self.workers} eventlet "
            f"workers, GET {PATH} on {self.jobs:,} jobs",
            "",
            "| listening socket | connections per worker | requests per worker "
            "| busiest worker's share | req/s | p50 ms | p95 ms | errors | load before/after |",
            "|---|---|---|---:|---:|---:|---:|---:|---|",
        ]
        for mode, r in self.modes.items():
            counts = sorted(r["requests_per_worker"].values(), reverse=True)
            conns = sorted(r["connections_per_worker"].values(), reverse=True)
            share = counts[0] / sum(counts) if counts else float("nan")
            out.append(
                f"| {mode} | {' / '.join(map(str, conns))} | {' / '.join(map(str, counts))} "
                f"| {share:.0%} | {r['rps']:.0f} | {r['p50']:.1f} | {r['p95']:.1f} "
                f"| {r['errors']} | {r['load_before']:.2f} / {r['load_after']:.2f} |"
            )
        return out


def measure(*, clients: int, duration: float, workers: int, jobs: int) -> Result:
    modes: dict[str, dict] = {}
    with database() as database_url:
        env = {
            **SECRETS,
            "JOBHUB_CONFIG": "development",
            "DATABASE_URL": database_url,
            "JOBHUB_ASYNC_MODE": "eventlet",
            "WEB_CONCURRENCY": str(workers),
            "DB_POOL_SIZE": "15",
            "DB_MAX_OVERFLOW": "10",
            "RATELIMIT_ENABLED": "false",
            "LOG_LEVEL": "WARNING",
        }
        flask(env, "db", "upgrade")
        flask(env, "seed", "--jobs", str(jobs))
        vacuum_analyze(database_url)
        for mode, reuse in (("shared (reuse_port off)", "false"), ("reuse_port", "true")):
            before = load_average()
            with (
                tempfile.TemporaryDirectory(prefix="jobhub-spread-") as tmp,
                gunicorn(
                    {**env, "GUNICORN_REUSE_PORT": reuse},
                    log_path=Path(tmp) / "gunicorn.log",
                    target="bench.worker_pid:app",
                ) as port,
            ):
                result = _drive(port, clients, duration)
            modes[mode] = {**result, "load_before": before, "load_after": load_average()}
    return Result(clients=clients, duration=duration, workers=workers, jobs=jobs, modes=modes)


def run(*, quick: bool = False) -> Result:
    """For ``python -m bench``."""
    if quick:
        return measure(clients=20, duration=3, workers=2, jobs=500)
    return measure(clients=50, duration=10, workers=2, jobs=2000)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--clients", type=int, default=50)
    parser.add_argument("--duration", type=float, default=10.0)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--jobs", type=int, default=2000)
    options = parser.parse_args(argv)
    result = measure(
        clients=options.clients,
        duration=options.duration,
        workers=options.workers,
        jobs=options.jobs,
    )
    print("\n".join(result.lines()))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
