"""Matching test fixtures: committed rows from the factories, query counting, an upload dir."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from sqlalchemy import event

from jobhub.db import db
from tests import factories


@pytest.fixture
def app_environ(backend, tmp_path: Path) -> dict[str, str]:
    uploads = tmp_path / "uploads"
    uploads.mkdir()
    return backend.environ(UPLOAD_DIR=str(uploads))


@pytest.fixture
def make(app):
    """``make("job", company=c, skills=[...])``: a committed row from tests.factories, detached."""

    def build(kind: str, **fields):
        with app.app_context():
            refs = {
                k: db.session.merge(v, load=False) if hasattr(v, "_sa_instance_state") else v
                for k, v in fields.items()
            }
            row = getattr(factories, f"create_{kind}")(**refs)
            db.session.commit()
            db.session.refresh(row)
            db.session.expunge(row)
            return row

    return build


@pytest.fixture
def count_queries(app):
    """``with count_queries() as queries: ...`` then ``len(queries)``."""

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
def candidate(make_user):
    return make_user(role="candidate")


@pytest.fixture
def company(make, make_user):
    return make("company", owner=make_user(role="employer"))
