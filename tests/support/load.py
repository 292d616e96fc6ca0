"""Background load for the outage tests: threads calling ``GET /auth/me`` until stopped,
every status kept (in process through the test client, or over HTTP to a live server)."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable

import requests
from flask import Flask

from tests.support.api import bearer

ME = "/api/v1/auth/me"


class Load:
    """``with Load(caller) as load: ...``; ``caller()`` runs in each thread and returns
    that thread's request (one client or session per thread)."""

    def __init__(self, caller: Callable[[], Callable[[], int]], threads: int = 3) -> None:
        self.caller = caller
        self.statuses: list[int] = []
        self.running = True
        self.threads = [threading.Thread(target=self._run) for _ in range(threads)]

    def _run(self) -> None:
        request = self.caller()
        while self.running:
            self.statuses.append(request())
            time.sleep(0.02)  # pacing the load, not waiting for a result

    def __enter__(self) -> Load:
        for thread in self.threads:
            thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self.running = False
        for thread in self.threads:
            thread.join(timeout=30)


def in_process(app: Flask, token: str, threads: int = 4) -> Load:
    def caller() -> Callable[[], int]:
        client = app.test_client()
        return lambda: client.get(ME, headers=bearer(token)).status_code

    return Load(caller, threads)


def over_http(url: str, token: str, threads: int = 3) -> Load:
    def caller() -> Callable[[], int]:
        session = requests.Session()
        session.headers["Authorization"] = f"Bearer {token}"
        return lambda: session.get(url + ME, timeout=15).status_code

    return Load(caller, threads)
