"""Redis-backed helpers for jobs: the anonymous search cache and the view counter.

Both degrade to the embedded default when there is no Redis: no search cache, and views
written straight to the database with an atomic ``UPDATE … SET views = views + 1``.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import logging
import uuid
from typing import Any

import redis
from flask import current_app
from sqlalchemy import bindparam, update

from jobhub.db import db, on_commit
from jobhub.extensions import redis_store
from jobhub.jobs.models import Job

log = logging.getLogger(__name__)

VERSION_KEY = "jobhub:jobs:version"
SEARCH_KEY = "jobhub:jobs:search:{version}:{digest}"
VIEWS_KEY = "jobhub:jobs:views"
VIEWS_FLUSHING_PREFIX = "jobhub:jobs:views:flushing:"


def _redis() -> redis.Redis | None:
    return redis_store.client(current_app)


# -- search cache ----------------------------------------------------------------------


def _search_key(client: redis.Redis, params: dict[str, Any]) -> str:
    # Every job write bumps the version, so entries written before it are never read again.
    version = int(client.get(VERSION_KEY) or 0)
    raw = json.dumps(params, sort_keys=True, default=str)
    return SEARCH_KEY.format(version=version, digest=hashlib.sha256(raw.encode()).hexdigest())


def cached_search(params: dict[str, Any]) -> tuple[str | None, str | None]:
    """(cached body, key to store under): the body is None on a miss, the key None when
    caching is off or Redis is unavailable."""
    client = _redis()
    if client is None or current_app.config["SEARCH_CACHE_SECONDS"] <= 0:
        return None, None
    try:
        key = _search_key(client, params)
        body = client.get(key)
    except redis.RedisError:
        log.warning("search cache unavailable", exc_info=True)
        return None, None
    return (body.decode() if body is not None else None), key


def store_search(key: str, body: str) -> None:
    """Keep a rendered anonymous result for SEARCH_CACHE_SECONDS."""
    client = _redis()
    if client is None:
        return
    try:
        client.set(key, body, ex=current_app.config["SEARCH_CACHE_SECONDS"])
    except redis.RedisError:
        log.warning("search cache unavailable", exc_info=True)


def invalidate_search() -> None:
    """After the transaction commits, retire every cached search (any job write)."""
    on_commit(_bump_version)


def _bump_version() -> None:
    client = _redis()
    if client is None:
        return
    try:
        client.incr(VERSION_KEY)
    except redis.RedisError:
        log.exception("could not invalidate the search cache")


# -- views -----------------------------------------------------------------------------


def count_view(job_id: int) -> int:
    """Count one view; return the views not yet reflected in ``Job.views``."""
    client = _redis()
    if client is not None:
        try:
            return int(client.hincrby(VIEWS_KEY, str(job_id), 1))
        except redis.RedisError:
            log.warning("view counter unavailable; counting in the database", exc_info=True)
    db.session.execute(
        update(Job)
        .where(Job.id == job_id)
        .values(views=Job.views + 1, updated_at=Job.updated_at)
        .execution_options(synchronize_session=False)
    )
    return 1


def pending_views(job_id: int) -> int:
    """Views counted in Redis and not yet flushed to the database."""
    client = _redis()
    if client is None:
        return 0
    try:
        return int(client.hget(VIEWS_KEY, str(job_id)) or 0)
    except redis.RedisError:
        return 0


def flush_views() -> int:
    """Move counted views from Redis into ``jobs.views``; returns the views written.

    The live hash is renamed first, so views counted meanwhile go to a fresh hash; a
    renamed hash left by a crashed flush is picked up by the next one.
    """
    client = _redis()
    if client is None:
        return 0
    with contextlib.suppress(redis.ResponseError):  # nothing counted since the last flush
        client.rename(VIEWS_KEY, f"{VIEWS_FLUSHING_PREFIX}{uuid.uuid4().hex}")
    written = 0
    for key in client.scan_iter(match=f"{VIEWS_FLUSHING_PREFIX}*"):
        counts = {int(k): int(v) for k, v in client.hgetall(key).items()}
        if counts:
            statement = (
                update(Job)
                .where(Job.id == bindparam("job_id"))
                .values(views=Job.views + bindparam("added"), updated_at=Job.updated_at)
                .execution_options(synchronize_session=False)
            )
            db.session.connection().execute(
                statement, [{"job_id": k, "added": v} for k, v in counts.items()]
            )
            db.session.commit()
            written += sum(counts.values())
        client.delete(key)
    return written
