"""Job search: a search run with its X-Pagination metadata, and the anonymous search cache.

Anonymous results are cached in Redis for SEARCH_CACHE_SECONDS; without Redis there is
no cache. Every job write retires every cached search (``invalidate_search``).
"""

from __future__ import annotations

import hashlib
import json
import logging
from typing import Any

import redis
from flask import current_app
from flask_smorest import Blueprint

from jobhub import skills as taxonomy
from jobhub.db import db, on_commit, read_only
from jobhub.extensions import redis_store
from jobhub.jobs.search import models as fulltext
from jobhub.jobs.search import queries as search
from jobhub.users.models import User

log = logging.getLogger(__name__)

VERSION_KEY = "jobhub:jobs:version"
SEARCH_KEY = "jobhub:jobs:search:{version}:{digest}"


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


# -- searching -------------------------------------------------------------------------


def _search_params(args: dict[str, Any]) -> dict[str, Any]:
    params = {name: args[name] for name in (*search.FILTERS, "sort") if args.get(name) is not None}
    if "skills" in params:
        params["skills"] = taxonomy.normalize(params["skills"])
    return params


def search_jobs(*, actor: User | None, args: dict[str, Any]) -> tuple[search.Page, dict]:
    """Run a search; returns the page and its X-Pagination metadata."""
    params = _search_params(args)
    page, page_size, cursor = args.get("page", 1), args["page_size"], args.get("cursor")
    # Before planning: the plan asks the connection whether the RUM index is there, and
    # an anonymous search's connection is to be in autocommit from its first statement.
    read_only()
    result = search.run(
        search.plan(actor=actor, params=params),
        page=page,
        page_size=page_size,
        cursor=cursor,
        fingerprint=search.fingerprint(params),
    )
    if cursor:
        meta: dict[str, Any] = {"page_size": page_size}
    else:
        total = min(result.total, search.COUNT_CAP)
        meta = Blueprint._make_pagination_metadata(page, page_size, total)
        if result.total > search.COUNT_CAP:
            meta["total_capped"] = True
    if result.next_cursor:
        meta["next_cursor"] = result.next_cursor
    return result, meta


# -- the optional RUM index ------------------------------------------------------------


def create_rum_index() -> bool:
    """Create the RUM extension and index (idempotent); False where the server has no
    RUM extension or this role may not create it (searches keep the GIN index)."""
    return fulltext.install_rum(db.session.connection())


def drop_rum_index() -> None:
    """Drop the RUM index: relevance searches go back to ranking every match (GIN)."""
    fulltext.uninstall_rum(db.session.connection())
