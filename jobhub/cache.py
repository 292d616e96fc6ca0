"""Rendered answers cached per scope, retired by bumping the scope's version (a library).

A namespace (``analytics``) holds scopes, each what one kind of write can change (for
analytics: ``candidate:<id>``, ``company:<id>``, ``platform``). Each scope has a version
number; an entry is stored with the versions it was computed under (its stamp) and is
served only while they are still current. A write bumps the versions of the scopes it
touches after its transaction commits, so the next read misses and recomputes, and the
recomputed answer replaces the stale entry. A read is one Redis round trip: the scopes'
versions and the entry in one ``MGET``.

With Redis the cache and versions are shared by every process; without it (the
embedded default) they live in the app object, per process.
"""

from __future__ import annotations

import hashlib
import json
import logging
import threading
import time
from collections import OrderedDict
from collections.abc import Callable, Iterable
from typing import Any

import redis
from flask import Flask, current_app

from jobhub.extensions import redis_store

log = logging.getLogger(__name__)

PREFIX = "jobhub:cache"
LOCAL_ENTRIES = 2048


class _LocalStore:
    """The in-process stand-in: versions and entries with expiry, bounded in size."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.versions: dict[str, int] = {}
        self.entries: OrderedDict[str, tuple[float, tuple[str, str]]] = OrderedDict()

    def get(self, key: str) -> tuple[str, str] | None:
        with self.lock:
            entry = self.entries.get(key)
            if entry is None or entry[0] < time.monotonic():
                self.entries.pop(key, None)
                return None
            self.entries.move_to_end(key)
            return entry[1]

    def set(self, key: str, value: tuple[str, str], ttl: int) -> None:
        with self.lock:
            self.entries[key] = (time.monotonic() + ttl, value)
            self.entries.move_to_end(key)
            while len(self.entries) > LOCAL_ENTRIES:
                self.entries.popitem(last=False)

    def version_of(self, scopes: list[str]) -> list[int]:
        with self.lock:
            return [self.versions.get(scope, 0) for scope in scopes]

    def bump(self, scopes: Iterable[str]) -> None:
        with self.lock:
            for scope in scopes:
                self.versions[scope] = self.versions.get(scope, 0) + 1


def _local(app: Flask, namespace: str) -> _LocalStore:
    return app.extensions.setdefault(f"cache:{namespace}", _LocalStore())


def _version_key(namespace: str, scope: str) -> str:
    return f"{PREFIX}:{namespace}:version:{scope}"


def _key(namespace: str, name: str, params: dict[str, Any]) -> str:
    raw = json.dumps(params, sort_keys=True, default=str)
    digest = hashlib.sha256(raw.encode()).hexdigest()[:32]
    return f"{PREFIX}:{namespace}:{name}:{digest}"


def _stamp(scopes: list[str], versions: list[Any]) -> str:
    """The versions an entry is valid under, written in front of its body."""
    return ".".join(f"{s}={int(v or 0)}" for s, v in zip(scopes, versions, strict=True))


def cached(
    *,
    namespace: str,
    name: str,
    scopes: list[str],
    params: dict[str, Any],
    compute: Callable[[], str],
    ttl: int,
) -> tuple[str, str | None]:
    """(body, ``hit`` | ``miss``): the cached rendered answer, or ``compute()`` stored.

    What is cached is the response body itself, behind its stamp (``_stamp``), so a hit
    costs one Redis round trip and no serialisation. The state is None when the cache is
    off (``ttl`` 0) or Redis fails, and the answer is computed each time.
    """
    if ttl <= 0:
        return compute(), None
    key = _key(namespace, name, params)
    client = redis_store.client(current_app)
    if client is None:
        store = _local(current_app, namespace)
        stamp = _stamp(scopes, store.version_of(scopes))
        entry = store.get(key)
        if entry is not None and entry[0] == stamp:
            return entry[1], "hit"
        body = compute()
        store.set(key, (stamp, body), ttl)
        return body, "miss"
    try:
        *versions, stored = client.mget([*(_version_key(namespace, s) for s in scopes), key])
    except redis.RedisError:
        log.warning("%s cache unavailable", namespace, exc_info=True)
        return compute(), None
    stamp = _stamp(scopes, versions).encode()
    if stored is not None:
        found, _, cached_body = bytes(stored).partition(b"\n")
        if found == stamp:
            return cached_body.decode(), "hit"
    body = compute()
    try:
        client.set(key, stamp + b"\n" + body.encode(), ex=ttl)
    except redis.RedisError:
        log.warning("%s cache unavailable", namespace, exc_info=True)
        return body, None
    return body, "miss"


def bump(app: Flask, scopes: Iterable[str], *, namespace: str) -> None:
    """Retire every answer cached under these scopes."""
    scopes = sorted(set(scopes))
    if not scopes:
        return
    client = redis_store.client(app)
    if client is None:
        _local(app, namespace).bump(scopes)
        return
    try:
        pipe = client.pipeline(transaction=False)
        for scope in scopes:
            pipe.incr(_version_key(namespace, scope))
        pipe.execute()
    except redis.RedisError:
        log.exception("could not invalidate the %s cache", namespace)
