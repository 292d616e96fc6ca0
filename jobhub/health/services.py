"""Readiness checks of the services the app depends on."""

from __future__ import annotations

import logging

import redis
from flask import current_app
from sqlalchemy import text
from sqlalchemy.exc import SQLAlchemyError

from jobhub import metrics
from jobhub.db import db
from jobhub.errors import ServiceUnavailable
from jobhub.extensions import redis_store

log = logging.getLogger(__name__)


def _check_database() -> str:
    try:
        db.session.execute(text("SELECT 1"))
        return "ok"
    except SQLAlchemyError:
        log.warning("readiness: database unreachable", exc_info=True)
        db.session.rollback()
        return "unavailable"


def _check_redis() -> str:
    client = redis_store.client(current_app)
    if client is None:
        return "not configured"
    try:
        client.ping()
        return "ok"
    except redis.RedisError:
        log.warning("readiness: redis unreachable", exc_info=True)
        return "unavailable"


def readiness() -> dict[str, str]:
    """Check each dependency; raise 503 naming the ones that failed."""
    checks = {"database": _check_database(), "redis": _check_redis()}
    failing = [name for name, state in checks.items() if state == "unavailable"]
    if failing:
        raise ServiceUnavailable(f"Not ready: {', '.join(failing)} unavailable.", errors=checks)
    return checks


def metrics_exposition() -> tuple[bytes, str]:
    """The Prometheus text of this process, or of every process sharing the multiprocess dir."""
    return metrics.exposition(current_app.config["PROMETHEUS_MULTIPROC_DIR"])
