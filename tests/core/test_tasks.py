"""Celery wiring: work is enqueued only after commit, and a real worker runs it."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from jobhub.auth.models import RevokedToken
from jobhub.auth.tasks import purge_expired_revocations
from jobhub.db import (
    after_commit_batch,
    db,
    enqueue_after_commit,
    independent_transaction,
    on_commit,
    on_rollback,
    transaction,
    utcnow,
)
from tests.support.servers import celery_worker, wait_for


def _fail_half_way(*register) -> None:
    """A transaction that registers ``register`` and then fails: it rolls back."""

    def work() -> None:
        with transaction():
            for callback in register:
                callback()
            raise RuntimeError("half-way failure")

    with pytest.raises(RuntimeError):
        work()


def test_on_commit_runs_after_commit_only(app_ctx):
    ran: list[str] = []
    with transaction():
        on_commit(lambda: ran.append("committed"))
        assert ran == []
    assert ran == ["committed"]


def test_on_commit_is_dropped_on_rollback(app_ctx):
    ran: list[str] = []
    _fail_half_way(lambda: on_commit(lambda: ran.append("should not run")))
    with transaction():
        pass
    assert ran == []


def test_on_rollback_runs_on_rollback_only(app_ctx):
    ran: list[str] = []
    with transaction():
        on_rollback(lambda: ran.append("committed: should not run"))
    _fail_half_way(lambda: on_rollback(lambda: ran.append("rolled back")))
    assert ran == ["rolled back"]


def test_a_batch_is_delivered_once_per_commit_and_dropped_on_rollback(app_ctx):
    delivered: list[list[int]] = []
    with transaction():
        after_commit_batch("test", list, delivered.append).append(1)
        after_commit_batch("test", list, delivered.append).append(2)
    _fail_half_way(lambda: after_commit_batch("test", list, delivered.append).append(3))
    with transaction():
        after_commit_batch("test", list, delivered.append).append(4)
    assert delivered == [[1, 2], [4]]


def test_a_task_is_enqueued_by_name_after_commit(app_ctx, monkeypatch):
    sent: list[tuple] = []
    monkeypatch.setattr(purge_expired_revocations, "delay", lambda *a, **k: sent.append((a, k)))
    _fail_half_way(lambda: enqueue_after_commit("auth.purge_expired_revocations", 1))
    with transaction():
        enqueue_after_commit("auth.purge_expired_revocations", 2, why="test")
        assert sent == []
    assert sent == [((2,), {"why": "test"})]


def test_an_independent_transaction_outlasts_the_callers_rollback(app_ctx):
    ran: list[str] = []

    def revoke_independently() -> None:
        with independent_transaction():
            db.session.add(RevokedToken(jti="kept", expires_at=utcnow() + timedelta(days=1)))
            on_commit(lambda: ran.append("independent commit"))

    _fail_half_way(
        lambda: db.session.add(RevokedToken(jti="lost", expires_at=utcnow())),
        lambda: on_rollback(revoke_independently),
    )
    assert ran == ["independent commit"]
    assert db.session.scalars(select(RevokedToken.jti)).all() == ["kept"]


def test_tasks_run_inside_an_app_context(app_ctx):
    with transaction():
        db.session.add(RevokedToken(jti="old", expires_at=utcnow() - timedelta(days=1)))
        db.session.add(RevokedToken(jti="live", expires_at=utcnow() + timedelta(days=1)))
    assert purge_expired_revocations.apply().get() == 1
    assert db.session.scalars(select(RevokedToken.jti)).all() == ["live"]


def test_every_beat_entry_names_a_registered_task(app):
    celery = app.extensions["celery"]
    schedule = celery.conf.beat_schedule
    assert schedule
    for entry in schedule.values():
        assert entry["task"] in celery.tasks


@pytest.mark.postgres
@pytest.mark.slow
def test_real_worker_runs_a_task_enqueued_after_commit(app, backend, tmp_path):
    with app.app_context(), transaction():
        db.session.add(RevokedToken(jti="stale", expires_at=utcnow() - timedelta(hours=1)))
    with celery_worker(backend.environ(), tmp_path=tmp_path):
        with app.app_context(), transaction():
            on_commit(purge_expired_revocations.delay)

        def purged() -> bool:
            with app.app_context():
                query = select(RevokedToken.id).where(RevokedToken.jti == "stale")
                found = db.session.scalar(query)
                db.session.rollback()
                return found is None

        wait_for(purged, timeout=30, what="the worker to purge the stale revocation")


def test_worker_process_start_drops_inherited_connections(app):
    from celery.signals import worker_process_init
    from sqlalchemy import text

    with app.app_context():
        with db.engine.connect() as connection:
            connection.execute(text("SELECT 1"))
        assert db.engine.pool.checkedin() == 1
        worker_process_init.send(sender=None)
        assert db.engine.pool.checkedin() == 0
