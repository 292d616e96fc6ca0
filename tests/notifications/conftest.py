"""Helpers for the notification tests."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

import pytest
from flask_jwt_extended import create_access_token, create_refresh_token
from sqlalchemy import event

from jobhub.db import db, transaction
from tests.factories import create_notification


@pytest.fixture
def add_notifications(app):
    """Commit ``count`` notifications for ``user``; returns their ids, oldest first."""

    def add(user, count: int = 1, **fields) -> list[int]:
        with app.app_context(), transaction():
            rows = [create_notification(user=user, **fields) for _ in range(count)]
            return [row.id for row in rows]

    return add


@pytest.fixture
def count_queries(app):
    """``with count_queries() as queries:`` counts the SQL statements run in the block."""

    @contextmanager
    def counting() -> Iterator[list[str]]:
        statements: list[str] = []

        def record(_conn, _cursor, statement, *_args) -> None:
            statements.append(statement)

        with app.app_context():
            engine = db.engine
        event.listen(engine, "before_cursor_execute", record)
        try:
            yield statements
        finally:
            event.remove(engine, "before_cursor_execute", record)

    return counting


@pytest.fixture
def tokens(app):
    """Raw tokens for a user: ``tokens(user)`` (access) or ``tokens(user, refresh=True)``."""

    def make(user, *, refresh: bool = False, **kwargs) -> str:
        with app.app_context():
            create = create_refresh_token if refresh else create_access_token
            return create(identity=str(user.id), **kwargs)

    return make
