"""Socket.IO delivery: N clients on one gunicorn eventlet worker, notifications from Celery.

1. N users and access tokens are created in a fresh PostgreSQL database.
2. N python-socketio clients (asyncio, websocket transport) connect with their tokens,
   at most ``--connect-concurrency`` at a time: the connect rate is N / wall time, and
   each connect's own time (handshake, token and revocation check, room, unread count).
3. A real Celery worker raises one notification per user through ``notify()``, each
   in its own transaction, and stamps each commit; every client stamps the arrival of
   its ``notification``. Latency = arrival - commit (one clock: same machine).
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import platform
import tempfile
import time
import uuid
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path
from typing import Any

import socketio

from bench.support import backend, percentile, raise_open_files_limit
from tests.support.servers import celery_process, gunicorn

NAME = "socketio"
FULL = {"clients": 1000, "connect_concurrency": 50, "batch": 50}
QUICK = {"clients": 100, "connect_concurrency": 20, "batch": 20}
CONNECT_DEADLINE = 180.0
DELIVERY_DEADLINE = 120.0


def commits_key(run: str) -> str:
    """The Redis hash where the worker records each notification's commit time."""
    return f"bench:{run}:commits"


@dataclass
class Delivery:
    """One scenario's deliveries: commit -> receive latencies, in milliseconds."""

    scenario: str
    delivered: int
    p50_ms: float
    p95_ms: float
    p99_ms: float
    max_ms: float
    spread_seconds: float  # first commit to last arrival

    def line(self, clients: int) -> str:
        return (
            f"{self.scenario:<22} {self.delivered}/{clients} received; commit -> receive "
            f"p50 {self.p50_ms:.1f} ms, p95 {self.p95_ms:.1f} ms, p99 {self.p99_ms:.1f} ms, "
            f"max {self.max_ms:.1f} ms (all within {self.spread_seconds:.2f} s)"
        )


@dataclass
class Result:
    clients: int
    connected: int
    connect_seconds: float
    connect_rate: float
    connect_p50_ms: float
    connect_p99_ms: float
    deliveries: list[Delivery]
    settings: dict[str, Any]

    def lines(self) -> list[str]:
        connects = (
            f"{'connect':<22} {self.connected}/{self.clients} in {self.connect_seconds:.1f} s "
            f"({self.connect_rate:.0f} connects/s; each p50 {self.connect_p50_ms:.0f} ms, "
            f"p99 {self.connect_p99_ms:.0f} ms)"
        )
        return [connects, *(d.line(self.clients) for d in self.deliveries)]


def _prepare(environ: dict[str, str], count: int) -> list[tuple[int, str]]:
    """Create the schema and ``count`` candidates; return (user id, access token) pairs."""
    from flask_jwt_extended import create_access_token

    from jobhub import create_app
    from jobhub.config import load_config
    from jobhub.db import db, transaction
    from jobhub.seed import bench

    app = create_app(load_config(environ))
    with app.app_context():
        db.create_all()
        with transaction():
            ids = bench.candidates(
                count=count, password=uuid.uuid4().hex, label=uuid.uuid4().hex[:6]
            )
        tokens = [
            create_access_token(identity=str(user_id), expires_delta=timedelta(hours=1))
            for user_id in ids
        ]
        db.session.remove()
        for engine in db.engines.values():
            engine.dispose()
    return list(zip(ids, tokens, strict=True))


class Clients:
    """N asyncio socket.io clients and the arrival time of each one's notification."""

    def __init__(self, url: str, users: list[tuple[int, str]], concurrency: int) -> None:
        self.url = url
        self.users = users
        self.concurrency = concurrency
        self.connect_times: list[float] = []
        self.arrivals: dict[int, float] = {}
        self.everyone_notified = asyncio.Event()
        self.clients: list[socketio.AsyncClient] = []

    def expect_new_round(self) -> None:
        self.arrivals = {}
        self.everyone_notified = asyncio.Event()

    def _client(self) -> socketio.AsyncClient:
        client = socketio.AsyncClient(reconnection=False)

        @client.on("notification")
        async def _arrived(payload: dict) -> None:
            self.arrivals[payload["id"]] = time.time()
            if len(self.arrivals) == len(self.users):
                self.everyone_notified.set()

        return client

    async def connect_all(self) -> float:
        gate = asyncio.Semaphore(self.concurrency)

        async def connect(token: str) -> None:
            async with gate:
                client = self._client()
                started = time.perf_counter()
                await client.connect(
                    self.url, auth={"token": token}, transports=["websocket"], wait_timeout=60
                )
                self.connect_times.append(time.perf_counter() - started)
                self.clients.append(client)

        started = time.perf_counter()
        await asyncio.wait_for(
            asyncio.gather(*(connect(token) for _user_id, token in self.users)),
            timeout=CONNECT_DEADLINE,
        )
        return time.perf_counter() - started

    async def wait_for_everyone(self, timeout: float) -> None:
        # A timeout is reported as fewer deliveries than clients.
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(self.everyone_notified.wait(), timeout=timeout)

    async def close(self) -> None:
        await asyncio.gather(
            *(client.disconnect() for client in self.clients), return_exceptions=True
        )


SCENARIOS = [
    # (label, task, users per task): one transaction per notification, as events come...
    ("one event per commit", "bench.notify_each", "batch"),
    # ...and a fan-out, every user's notification in one commit (pushed all at once).
    ("fan-out in one commit", "bench.notify_all_at_once", None),
]


async def _deliver(
    clients: Clients, environ: dict[str, str], task: str, batch: int | None
) -> dict[int, float]:
    """Have the worker run ``task`` for every user; return each notification's commit time."""
    import redis
    from celery import Celery

    run = uuid.uuid4().hex[:8]
    clients.expect_new_round()
    ids = [user_id for user_id, _token in clients.users]
    size = batch or len(ids)
    sender = Celery(broker=environ["REDIS_URL"])
    for start in range(0, len(ids), size):
        sender.send_task(task, args=[ids[start : start + size], run])
    await clients.wait_for_everyone(DELIVERY_DEADLINE)
    # The worker records commit times after its transactions: they may trail the pushes.
    store = redis.Redis.from_url(environ["REDIS_URL"])
    deadline = time.monotonic() + 30
    while store.hlen(commits_key(run)) < len(clients.arrivals) and time.monotonic() < deadline:
        await asyncio.sleep(0.05)
    stored = store.hgetall(commits_key(run))
    return {int(key): float(value) for key, value in stored.items()}


def _measure(label: str, commits: dict[int, float], arrivals: dict[int, float]) -> Delivery:
    latencies = [
        (arrived - commits[notification_id]) * 1000
        for notification_id, arrived in arrivals.items()
        if notification_id in commits
    ]
    first_commit = min(commits.values(), default=0.0)
    return Delivery(
        scenario=label,
        delivered=len(latencies),
        p50_ms=percentile(latencies, 0.50),
        p95_ms=percentile(latencies, 0.95),
        p99_ms=percentile(latencies, 0.99),
        max_ms=max(latencies, default=float("nan")),
        spread_seconds=max(arrivals.values(), default=first_commit) - first_commit,
    )


async def _drive(
    url: str, users: list[tuple[int, str]], environ: dict[str, str], settings: dict[str, Any]
) -> Result:
    clients = Clients(url, users, settings["connect_concurrency"])
    connect_seconds = await clients.connect_all()
    deliveries = []
    for label, task, batch_setting in SCENARIOS:
        batch = settings[batch_setting] if batch_setting else None
        commits = await _deliver(clients, environ, task, batch)
        deliveries.append(_measure(label, commits, clients.arrivals))
    await clients.close()
    connect_ms = [seconds * 1000 for seconds in clients.connect_times]
    return Result(
        clients=len(users),
        connected=len(clients.clients),
        connect_seconds=connect_seconds,
        connect_rate=len(clients.clients) / connect_seconds,
        connect_p50_ms=percentile(connect_ms, 0.50),
        connect_p99_ms=percentile(connect_ms, 0.99),
        deliveries=deliveries,
        settings=settings,
    )


def run(*, quick: bool = False) -> Result:
    """Run the benchmark (100 clients with ``quick``, else 1,000)."""
    settings = dict(QUICK if quick else FULL)
    clients = settings["clients"]
    open_files = raise_open_files_limit(clients * 2 + 512)
    with backend() as environ, tempfile.TemporaryDirectory(prefix="jobhub-bench-") as tmp:
        users = _prepare(environ, clients)
        server_environ = {
            **environ,
            "WEB_CONCURRENCY": "1",
            "WORKER_CONNECTIONS": str(clients + 500),
        }
        settings.update(
            {
                "server": "gunicorn 1 worker, eventlet, WORKER_CONNECTIONS "
                + server_environ["WORKER_CONNECTIONS"],
                "celery": "1 worker process (prefork, concurrency 1)",
                "transport": "websocket",
                "open_files_limit": open_files,
                "machine": f"{os.cpu_count()} cores, {platform.python_implementation()} "
                f"{platform.python_version()}, {platform.system()}",
            }
        )
        with (
            gunicorn(server_environ, async_mode="eventlet", tmp_path=Path(tmp)) as server,
            celery_process(environ, app="bench.worker:celery", log_path=Path(tmp) / "celery.log"),
        ):
            result = asyncio.run(_drive(server.url, users, environ, settings))
    return result
