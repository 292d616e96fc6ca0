"""Real server processes for tests: gunicorn (eventlet or gevent) and a Celery worker."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass
from pathlib import Path

import requests

ROOT = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_for(check: Callable[[], bool], *, timeout: float = 20.0, what: str = "condition") -> None:
    """Poll ``check`` until it is true, failing after ``timeout`` seconds."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if check():
            return
        time.sleep(0.05)
    raise AssertionError(f"timed out after {timeout}s waiting for {what}")


def _process_env(environ: dict[str, str]) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("JOBHUB_", "DATABASE_URL"))}
    env.update(environ)
    env["PYTHONPATH"] = str(ROOT)
    return env


@dataclass
class Server:
    url: str
    process: subprocess.Popen
    log_path: Path

    def log(self) -> str:
        return self.log_path.read_text(errors="replace")


@contextmanager
def gunicorn(
    environ: dict[str, str],
    *,
    async_mode: str,
    tmp_path: Path,
    target: str = "wsgi:app",
    port: int | None = None,
) -> Iterator[Server]:
    """Serve ``target`` with gunicorn's ``async_mode`` worker on ``port`` (default: a free one)."""
    port = port or free_port()
    env = _process_env({**environ, "JOBHUB_ASYNC_MODE": async_mode, "PORT": str(port)})
    log_path = tmp_path / f"gunicorn-{async_mode}-{port}.log"
    command = [str(BIN / "gunicorn"), "-c", "gunicorn.conf.py", "--no-control-socket", target]
    process = spawn(command, env=env, log_path=log_path)
    server = Server(f"http://127.0.0.1:{port}", process, log_path)
    try:
        wait_for(lambda: _answers(server), timeout=30, what=f"gunicorn ({async_mode}) to serve")
        yield server
    finally:
        stop_process(process)


def _answers(server: Server) -> bool:
    if server.process.poll() is not None:
        raise AssertionError(f"gunicorn exited early:\n{server.log()}")
    try:
        return requests.get(server.url + "/health", timeout=1).status_code == 200
    except requests.RequestException:
        return False


@contextmanager
def celery_worker(environ: dict[str, str], *, tmp_path: Path) -> Iterator[subprocess.Popen]:
    """A real Celery worker (one prefork child) consuming from the test Redis."""
    with celery_process(environ, log_path=tmp_path / "celery-worker.log") as process:
        yield process


@contextmanager
def celery_process(
    environ: dict[str, str],
    *,
    log_path: Path,
    app: str = "celery_worker:celery",
    concurrency: int = 1,
    beat: bool = False,
) -> Iterator[subprocess.Popen]:
    """A Celery worker for ``app`` (``module:attribute``), ready when this yields; with
    ``beat``, running the beat schedule too (``-B``, its state file beside the log)."""
    command = [
        str(BIN / "celery"),
        "-A",
        app,
        "worker",
        f"--concurrency={concurrency}",
        "--loglevel=INFO",
        "--without-gossip",
        "--without-mingle",
        "--without-heartbeat",
    ]
    if beat:
        command += ["-B", f"--schedule={log_path.with_suffix('.beat-schedule')}"]
    process = spawn(command, env=_process_env(environ), log_path=log_path)

    def ready() -> bool:
        if process.poll() is not None:
            raise AssertionError(f"celery exited early:\n{log_path.read_text(errors='replace')}")
        return "ready." in log_path.read_text(errors="replace")

    try:
        wait_for(ready, timeout=60, what="the celery worker to be ready")
        yield process
    finally:
        stop_process(process)


def spawn(command: list[str], *, env: dict[str, str], log_path: Path) -> subprocess.Popen:
    """Start ``command`` in the project root, its output going to ``log_path``."""
    with open(log_path, "wb") as log:
        return subprocess.Popen(command, cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)


def stop_process(process: subprocess.Popen, *, timeout: float = 15) -> None:
    """Terminate, then kill if it has not exited within ``timeout`` seconds."""
    process.terminate()
    try:
        process.wait(timeout=timeout)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


def kill_process_tree(process: subprocess.Popen) -> None:
    """SIGKILL a process and its children (a Celery worker and its prefork pool), as a
    crash or the OOM killer would: nothing gets to clean up or acknowledge."""
    pids = [process.pid, *_children(process.pid)]
    for pid in pids:
        with suppress(ProcessLookupError):
            os.kill(pid, 9)
    process.wait()


def _children(pid: int) -> list[int]:
    found = []
    for path in Path(f"/proc/{pid}/task").glob("*/children"):
        for child in path.read_text().split():
            found += [int(child), *_children(int(child))]
    return found
