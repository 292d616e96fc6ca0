"""Prometheus metrics, a core library (no domain): every metric JobHub exports, in one module.

Request latency (by URL rule, never by raw path), Celery task durations and failures
(Celery's signals), open socket.io connections, and the domain counters. Every label
has a bounded set of values: a value outside its set is counted as ``other``, so no
client can make new time series by sending new values.

Domain counters, with the functions domains call to increment them:

- ``auth_denial(reason)``: wired (the JWT loaders, ``auth_required``, ``authorize``,
  refused logins).
- ``webhook_delivery(outcome)``, ``import_rows(result, count)``,
  ``token_exchange(provider, outcome)``: defined here with their label sets for the
  webhooks, imports and identity domains that come later; they increment them where a
  delivery is attempted, a row is imported, a token is exchanged.

Under gunicorn with several workers (and a Celery worker on the same host) set
``PROMETHEUS_MULTIPROC_DIR`` to an empty directory before the processes start:
prometheus_client then writes every process's values there and ``/metrics`` adds them
up (gunicorn.conf.py marks exited workers dead). See docs/metrics.md.
"""

from __future__ import annotations

import time
from collections.abc import Iterable

from celery import signals as celery_signals
from prometheus_client import (
    CONTENT_TYPE_LATEST,
    REGISTRY,
    CollectorRegistry,
    Counter,
    Gauge,
    Histogram,
    generate_latest,
    multiprocess,
)

OTHER = "other"
UNMATCHED_RULE = "<unmatched>"

AUTH_DENIAL_REASONS = frozenset(
    {
        "missing",  # no token
        "invalid",  # malformed, bad signature, wrong type
        "expired",
        "revoked",
        "user_gone",  # the token's user no longer exists
        "disabled",  # the account was disabled
        "fresh_required",
        "role",  # auth_required(roles): the caller's role is not allowed
        "policy",  # authorize(): a policy said no (403)
        "hidden",  # authorize(hidden=True): a policy said no (404)
        "credentials",  # a login with a wrong email or password
    }
)
WEBHOOK_OUTCOMES = frozenset({"delivered", "failed", "retried", "gave_up"})
IMPORT_RESULTS = frozenset({"created", "updated", "skipped", "invalid"})
TOKEN_EXCHANGE_PROVIDERS = frozenset({"google", "microsoft", "github", "clerk", "oidc", "saml"})
TOKEN_EXCHANGE_OUTCOMES = frozenset({"ok", "refused", "error"})
HTTP_METHODS = frozenset({"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"})

LATENCY_BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0)
TASK_BUCKETS = (0.01, 0.05, 0.1, 0.5, 1.0, 5.0, 15.0, 60.0, 300.0, 900.0)

http_request_duration = Histogram(
    "jobhub_http_request_duration_seconds",
    "HTTP request latency, by method, URL rule and status class.",
    ["method", "rule", "status"],
    buckets=LATENCY_BUCKETS,
)
celery_task_duration = Histogram(
    "jobhub_celery_task_duration_seconds",
    "Celery task run time, by task name and outcome (success, failure, retry).",
    ["task", "outcome"],
    buckets=TASK_BUCKETS,
)
celery_task_failures = Counter(
    "jobhub_celery_task_failures_total", "Celery tasks that raised, by task name.", ["task"]
)
socketio_connections = Gauge(
    "jobhub_socketio_connections",
    "Open, authenticated socket.io connections.",
    multiprocess_mode="livesum",
)
auth_denials = Counter(
    "jobhub_auth_denials_total", "Requests refused by authentication or authorization.", ["reason"]
)
webhook_deliveries = Counter(
    "jobhub_webhook_deliveries_total", "Webhook delivery attempts, by outcome.", ["outcome"]
)
import_rows_total = Counter(
    "jobhub_import_rows_total", "Rows of bulk imports, by result.", ["result"]
)
token_exchanges = Counter(
    "jobhub_token_exchanges_total",
    "Identity token exchanges, by provider and outcome.",
    ["provider", "outcome"],
)


def bounded(value: str | None, allowed: Iterable[str]) -> str:
    """``value`` if it is one of ``allowed``, else ``other``: label sets stay bounded."""
    return value if value in allowed else OTHER  # type: ignore[operator]


# -- what domains call ---------------------------------------------------------------


def auth_denial(reason: str) -> None:
    auth_denials.labels(bounded(reason, AUTH_DENIAL_REASONS)).inc()


def webhook_delivery(outcome: str) -> None:
    webhook_deliveries.labels(bounded(outcome, WEBHOOK_OUTCOMES)).inc()


def import_rows(result: str, count: int = 1) -> None:
    import_rows_total.labels(bounded(result, IMPORT_RESULTS)).inc(count)


def token_exchange(provider: str, outcome: str) -> None:
    token_exchanges.labels(
        bounded(provider, TOKEN_EXCHANGE_PROVIDERS), bounded(outcome, TOKEN_EXCHANGE_OUTCOMES)
    ).inc()


# -- requests, sockets, tasks ---------------------------------------------------------


def observe_request(*, method: str, rule: str | None, status: int, seconds: float) -> None:
    """One HTTP request; ``rule`` is the matched URL rule (``/api/v1/jobs/<int:job_id>``)."""
    http_request_duration.labels(
        bounded(method, HTTP_METHODS), rule or UNMATCHED_RULE, f"{status // 100}xx"
    ).observe(seconds)


def socket_opened() -> None:
    socketio_connections.inc()


def socket_closed() -> None:
    socketio_connections.dec()


_task_started: dict[str, float] = {}


@celery_signals.task_prerun.connect
def _task_prerun(task_id: str | None = None, **_: object) -> None:
    if task_id:
        _task_started[task_id] = time.perf_counter()


@celery_signals.task_postrun.connect
def _task_postrun(task_id: str | None = None, task=None, state: str | None = None, **_: object):
    started = _task_started.pop(task_id or "", None)
    if started is None or task is None:
        return
    outcome = {"SUCCESS": "success", "FAILURE": "failure", "RETRY": "retry"}.get(state or "")
    celery_task_duration.labels(task.name, outcome or OTHER).observe(time.perf_counter() - started)


@celery_signals.task_failure.connect
def _task_failure(sender=None, **_: object) -> None:
    celery_task_failures.labels(getattr(sender, "name", OTHER)).inc()


# -- exposition ------------------------------------------------------------------------


def exposition(multiprocess_dir: str | None) -> tuple[bytes, str]:
    """The text format and its content type: this process's values, or every process's."""
    if not multiprocess_dir:
        return generate_latest(REGISTRY), CONTENT_TYPE_LATEST
    registry = CollectorRegistry()
    multiprocess.MultiProcessCollector(registry, path=multiprocess_dir)
    return generate_latest(registry), CONTENT_TYPE_LATEST


def mark_process_dead(pid: int, multiprocess_dir: str | None) -> None:
    """gunicorn's child_exit: drop a dead worker's live gauges."""
    if multiprocess_dir:
        multiprocess.mark_process_dead(pid, path=multiprocess_dir)
