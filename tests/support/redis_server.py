"""A redis-server of a test's own (never the shared one), stopped and started on one port."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import redis

from tests.support.servers import free_port, stop_process, wait_for

HAVE_REDIS_SERVER = shutil.which("redis-server") is not None


class OwnRedis:
    """``redis-server --port N --save ''`` in ``directory``; ``stop()`` and ``start()`` again."""

    def __init__(self, directory: Path) -> None:
        self.port = free_port()
        self.dir = directory
        self.process: subprocess.Popen | None = None
        self.url = f"redis://127.0.0.1:{self.port}/0"

    def start(self) -> None:
        command = ["redis-server", "--port", str(self.port), "--save", "", "--appendonly", "no"]
        command += ["--dir", str(self.dir)]
        self.process = subprocess.Popen(command, stdout=subprocess.DEVNULL)
        wait_for(self._answers, timeout=10, what="our redis-server")

    def _answers(self) -> bool:
        try:
            return redis.Redis.from_url(self.url, socket_connect_timeout=0.2).ping()
        except redis.RedisError:
            return False

    def stop(self) -> None:
        if self.process is not None:
            stop_process(self.process)
            self.process = None
