"""Helpers for the users tests: SQL statement counting."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

import pytest
from sqlalchemy import event

from jobhub.db import db
from tests.support.mail import Mailbox


@pytest.fixture
def mailbox(app) -> Mailbox:
    return Mailbox(app)


@pytest.fixture
def count_queries(app):
    """``with count_queries() as queries: ...`` then ``len(queries)``: SQL statements run."""

    @contextmanager
    def counting() -> Iterator[list[str]]:
        statements: list[str] = []

        def record(conn, cursor, statement, *args) -> None:
            statements.append(statement)

        with app.app_context():
            engine = db.engine
        event.listen(engine, "before_cursor_execute", record)
        try:
            yield statements
        finally:
            event.remove(engine, "before_cursor_execute", record)

    return counting
