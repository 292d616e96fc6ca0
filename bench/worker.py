"""The benchmark's Celery worker: the product's app, plus one task that stamps commits.

``celery -A bench.worker:celery worker``. The task raises notifications through the
product's ``notify()``, each in its own transaction as a real event would be, and
records when each transaction committed, so delivery latency is measured from there.
"""

from __future__ import annotations

import time

from sqlalchemy import select

from bench.socketio_delivery import commits_key
from jobhub import create_app
from jobhub.db import db, on_commit, transaction
from jobhub.extensions import redis_store
from jobhub.notifications.services import notify
from jobhub.users.models import User

flask_app = create_app()
celery = flask_app.extensions["celery"]


@celery.task(name="bench.notify_each")
def notify_each(user_ids: list[int], run: str) -> int:
    """One ``job.match`` notification per user, one transaction each; commit times to Redis."""
    stamps: dict[int, float] = {}
    for user_id in user_ids:
        committed: list[float] = []
        with transaction():
            # Registered before notify(): runs first after COMMIT, before the push.
            on_commit(lambda committed=committed: committed.append(time.time()))
            notification = notify(
                user=db.session.get(User, user_id),
                type="job.match",
                title="A new job matches your saved search",
                body="Senior Python Engineer at Acme (remote).",
                data={"job_id": user_id, "run": run},
            )
        stamps[notification.id] = committed[0]
    redis_store.client(flask_app).hset(commits_key(run), mapping=stamps)
    return len(stamps)


@celery.task(name="bench.notify_all_at_once")
def notify_all_at_once(user_ids: list[int], run: str) -> int:
    """A fan-out: every user's notification in one transaction, so all are pushed at once."""
    committed: list[float] = []
    with transaction():
        on_commit(lambda: committed.append(time.time()))
        ids = [
            notify(
                user=user,
                type="job.match",
                title="A new job matches your saved search",
                body="Staff Data Engineer at Globex (hybrid).",
                data={"job_id": 1, "run": run},
            ).id
            for user in db.session.scalars(select(User).where(User.id.in_(user_ids)))
        ]
    redis_store.client(flask_app).hset(commits_key(run), mapping=dict.fromkeys(ids, committed[0]))
    return len(ids)
