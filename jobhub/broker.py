"""Broker recovery for Celery on Redis, a core library (no domain): a dead worker's tasks
run again within a minute instead of after the visibility timeout.

With late acks (``task_acks_late``) a task stays in kombu's ``unacked`` hash until the
worker that holds it acknowledges it. A worker killed with SIGKILL acknowledges nothing,
and Redis has no consumer to notice: kombu only restores messages older than the
visibility timeout (three times the task hard limit, so that no running task is handed
out twice, and above every retry countdown). That timeout cannot be short.

So instead: when a worker becomes ready, and once a minute from beat, the held messages
are compared with what the live workers say they hold (``inspect`` active, reserved and
scheduled). A message held for more than ``ORPHAN_MIN_AGE`` seconds that no live worker
holds belonged to a dead worker and goes back to its queue. The tasks are idempotent:
in the rare race (a worker too busy to answer ``inspect`` in time) a task runs twice,
which they tolerate. On RabbitMQ none of this is needed (a dead consumer's messages
return at once); it does nothing there.
"""

from __future__ import annotations

import json
import logging
import threading
import time
from typing import Any

from celery import Celery, shared_task
from celery import current_app as current_celery
from celery.signals import worker_ready

log = logging.getLogger(__name__)

ORPHAN_MIN_AGE = 15.0  # seconds: a message just fetched may not be reported yet
INSPECT_TIMEOUT = 2.0
READY_DELAY = 2.0  # seconds after worker_ready: its own control consumer answers by then


def _held_by_live_workers(celery_app: Celery) -> set[str] | None:
    """Task ids every live worker holds; None if no worker answered (nothing is sure)."""
    inspect = celery_app.control.inspect(timeout=INSPECT_TIMEOUT)
    replies = [inspect.active(), inspect.reserved(), inspect.scheduled()]
    if all(reply is None for reply in replies):
        return None
    held: set[str] = set()
    for reply in replies:
        for tasks in (reply or {}).values():
            for task in tasks:
                request = task.get("request", task)  # scheduled entries nest the request
                held.add(request.get("id"))
    return held


def _unacked(channel: Any) -> list[tuple[str, str, float]]:
    """(delivery tag, task id, seconds held) of every message Redis holds for a worker."""
    client = channel.client
    now = time.time()
    found = []
    for tag, raw in client.hgetall(channel.unacked_key).items():
        message = json.loads(raw)[0]
        task_id = (message.get("headers") or {}).get("id", "")
        score = client.zscore(channel.unacked_index_key, tag)
        age = now - score if score is not None else float("inf")
        found.append((tag.decode() if isinstance(tag, bytes) else tag, task_id, age))
    return found


def restore_orphaned_tasks(celery_app: Celery, *, min_age: float = ORPHAN_MIN_AGE) -> int:
    """Put the messages of dead workers back on their queues; the number restored."""
    with celery_app.connection_for_write() as connection:
        if connection.transport.driver_type != "redis":
            return 0
        channel = connection.default_channel
        candidates = [entry for entry in _unacked(channel) if entry[2] >= min_age]
        if not candidates:
            return 0
        held = _held_by_live_workers(celery_app)
        if held is None:
            return 0
        restored = 0
        for tag, task_id, _age in candidates:
            if task_id not in held:
                # At the head of the queue (kombu publishes with LPUSH and consumes with
                # BRPOP, so not ``leftmost``), as kombu's own visibility-timeout restore
                # does: a dead worker's task runs next, not behind the whole backlog.
                channel.qos.restore_by_tag(tag, leftmost=False)
                restored += 1
        if restored:
            log.warning("restored %d task(s) held by dead workers", restored)
        return restored


@shared_task(name="broker.restore_orphaned_tasks")
def restore_orphans() -> int:
    """Beat, once a minute: requeue what dead workers held (Redis broker only)."""
    return restore_orphaned_tasks(current_celery)


@worker_ready.connect
def _restore_when_ready(sender: Any = None, **_: object) -> None:
    """A worker is available: the tasks of those that died go back to the queue now."""
    celery_app = getattr(sender, "app", None)
    if celery_app is None or celery_app.conf.task_always_eager:
        return

    def run() -> None:
        # Now, and once more when what the dead worker fetched last is old enough.
        for delay in (READY_DELAY, ORPHAN_MIN_AGE):
            time.sleep(delay)
            try:
                restore_orphaned_tasks(celery_app)
            except Exception:
                log.exception("could not restore the tasks of dead workers")

    threading.Thread(target=run, name="restore-orphaned-tasks", daemon=True).start()
