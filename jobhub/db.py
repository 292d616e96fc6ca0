"""Database core: the SQLAlchemy object, model mixins, transactions and on_commit hooks."""

from __future__ import annotations

import enum
import logging
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from typing import Any, TypeVar

from celery import current_app as celery_current_app
from flask import Flask, current_app
from flask_sqlalchemy import SQLAlchemy
from sqlalchemy import JSON, DateTime, Enum, MetaData, TypeDecorator, event
from sqlalchemy.orm import (
    DeclarativeBase,
    Mapped,
    Session,
    SessionTransaction,
    mapped_column,
    registry,
)

log = logging.getLogger(__name__)

# Stable constraint names, so Alembic can alter them (and SQLite batch mode can rebuild).
NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


def utcnow() -> datetime:
    return datetime.now(UTC)


def value_enum(enum_class: type[enum.Enum], name: str) -> Enum:
    """A database enum named ``name`` that stores the members' values (what the API
    shows), not their Python names."""
    return Enum(enum_class, name=name, values_callable=lambda members: [m.value for m in members])


class UtcDateTime(TypeDecorator):
    """A timezone-aware timestamp that always comes back aware, in UTC.

    PostgreSQL keeps the zone; SQLite drops it, so naive values read back are UTC.
    """

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Any) -> datetime | None:
        if value is not None and value.tzinfo is None:
            raise ValueError("naive datetime: store aware UTC datetimes (jobhub.db.utcnow)")
        return value.astimezone(UTC) if value is not None else None

    def process_result_value(self, value: datetime | None, dialect: Any) -> datetime | None:
        if value is not None and value.tzinfo is None:
            return value.replace(tzinfo=UTC)
        return value


class Base(DeclarativeBase):
    registry = registry(
        metadata=MetaData(naming_convention=NAMING_CONVENTION),
        # A bare Mapped[datetime] would be a timestamp without time zone (STACK-NOTES trap 7).
        type_annotation_map={datetime: UtcDateTime(), dict[str, Any]: JSON},
    )


db = SQLAlchemy(model_class=Base)


class IdMixin:
    id: Mapped[int] = mapped_column(primary_key=True)


class TimestampMixin:
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)


class SoftDeleteMixin:
    deleted_at: Mapped[datetime | None] = mapped_column(default=None)

    @property
    def is_deleted(self) -> bool:
        return self.deleted_at is not None


# -- transactions and what happens after them ----------------------------------------
#
# One queue per transaction, kept in ``session.info``: callbacks for its commit, callbacks
# for its rollback, and batches (objects filled during the transaction and delivered
# once, on commit). Everything that leaves the process goes through it: Celery tasks
# (``enqueue_after_commit``), socket.io pushes (a batch), mail, stored files.

_ON_COMMIT = "jobhub_on_commit"
_ON_ROLLBACK = "jobhub_on_rollback"
_BATCHES = "jobhub_after_commit_batches"
T = TypeVar("T")


def _queue(kind: str) -> list[Callable[[], Any]]:
    session = db.session()
    if not session.in_transaction():
        # Tie the callback to a transaction, so that its end (commit or not) settles it.
        session.begin()
    return session.info.setdefault(kind, [])


def on_commit(callback: Callable[[], Any]) -> None:
    """Run ``callback`` once the current transaction commits; drop it if it rolls back.

    Side effects that leave the process (Celery tasks, socket.io emits, mail) go through
    here, so a rolled-back request never announces what it did not do.
    """
    _queue(_ON_COMMIT).append(callback)


def on_rollback(callback: Callable[[], Any]) -> None:
    """Run ``callback`` if the current transaction ends without committing (a stored file
    whose row never came to be is deleted again); drop it on commit."""
    _queue(_ON_ROLLBACK).append(callback)


def enqueue_after_commit(task: str, /, *args: Any, **kwargs: Any) -> None:
    """Queue the Celery task registered as ``task`` once the transaction commits.

    By name, so that a service does not import the tasks module that calls it back.
    """
    on_commit(lambda: celery_current_app.tasks[task].delay(*args, **kwargs))


def after_commit_batch(key: str, create: Callable[[], T], deliver: Callable[[T], Any]) -> T:
    """This transaction's batch under ``key``: made by ``create`` on first use, handed to
    ``deliver`` once the transaction commits, dropped if it does not."""
    found = db.session().info.get(_BATCHES, {}).get(key)
    if found is not None:
        return found
    batch = create()
    on_commit(lambda: deliver(batch))
    db.session().info.setdefault(_BATCHES, {})[key] = batch
    return batch


def _run(callbacks: list[Callable[[], Any]], when: str) -> None:
    for callback in callbacks:
        try:
            callback()
        except Exception:
            # The transaction is settled: a failed side effect must not undo or redo it.
            log.exception("%s callback failed", when)
            if current_app and current_app.testing:
                raise


@event.listens_for(Session, "after_commit")
def _after_commit(session: Session) -> None:
    session.info.pop(_ON_ROLLBACK, None)
    session.info.pop(_BATCHES, None)
    _run(session.info.pop(_ON_COMMIT, []), "on_commit")


@event.listens_for(Session, "after_transaction_end")
def _after_rollback(session: Session, transaction: SessionTransaction) -> None:
    # After a commit the queues are empty already; what is left was rolled back.
    if transaction.parent is None:
        session.info.pop(_ON_COMMIT, None)
        session.info.pop(_BATCHES, None)
        _run(session.info.pop(_ON_ROLLBACK, []), "on_rollback")


def read_only() -> None:
    """Run the session's next statements in autocommit when the request has not touched
    the database yet: a read then costs its statements alone, no BEGIN and COMMIT.

    Only for code that reads; once anything began a transaction, this does nothing.
    """
    session = db.session()
    if not session.in_transaction():
        session.connection(execution_options={"isolation_level": "AUTOCOMMIT"})


@contextmanager
def transaction() -> Iterator[Session]:
    """Commit once at the end of the block (tasks, CLI), roll back on any exception."""
    session = db.session()
    try:
        yield session
        session.commit()
    except BaseException:
        session.rollback()
        raise


@contextmanager
def independent_transaction() -> Iterator[Session]:
    """A transaction of its own, committed at the end of the block whatever becomes of the
    caller's: for what must outlast a request that fails.

    The block runs in a fresh app context, so ``db.session`` in it is a session of its
    own on a connection of its own, and its ``on_commit`` callbacks run on its commit.
    Rows of the caller's session are loaded again inside. SQLite has one writer at a
    time: open it once the caller's transaction has ended (``on_rollback``).
    """
    app = current_app._get_current_object()  # type: ignore[attr-defined]
    with app.app_context(), transaction() as session:
        yield session


def dispose_connections(app: Flask) -> None:
    """Forget pooled connections inherited across a fork (gunicorn and Celery workers)."""
    with app.app_context():
        for engine in db.engines.values():
            engine.dispose(close=False)
