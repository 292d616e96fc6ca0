"""`flask db upgrade` on an empty database yields exactly the models' schema."""

from __future__ import annotations

import uuid
from collections.abc import Iterator

import pytest
import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext

from jobhub import create_app
from jobhub.config import TestingConfig
from jobhub.db import db
from jobhub.jobs.search.models import OPTIONAL_INDEXES


@pytest.fixture
def empty_database_url(backend, tmp_path) -> Iterator[str]:
    if backend.name == "sqlite":
        yield f"sqlite:///{tmp_path / 'migrated.db'}"
        return
    admin = sa.create_engine(backend.admin_url, isolation_level="AUTOCOMMIT")
    name = f"jobhub_migrate_{uuid.uuid4().hex[:8]}"
    with admin.connect() as connection:
        connection.execute(sa.text(f'CREATE DATABASE "{name}"'))
    try:
        yield (
            sa.engine.make_url(backend.admin_url)
            .set(database=name)
            .render_as_string(hide_password=False)
        )
    finally:
        with admin.connect() as connection:
            connection.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


def test_upgrade_yields_the_models_schema(backend, empty_database_url):
    app = create_app(TestingConfig(backend.environ(DATABASE_URL=empty_database_url)))
    runner = app.test_cli_runner()
    result = runner.invoke(args=["db", "upgrade"])
    assert result.exit_code == 0, result.output
    with app.app_context():
        with db.engine.connect() as connection:
            context = MigrationContext.configure(
                connection,
                opts={"compare_type": True, "include_object": _owned_by_models},
            )
            diff = compare_metadata(context, db.metadata)
        tables = set(sa.inspect(db.engine).get_table_names())
        db.engine.dispose()
    assert diff == [], f"models and migrations differ; run `flask db migrate`: {diff}"
    assert {table.name for table in db.metadata.sorted_tables} <= tables


def _owned_by_models(obj, name, type_, reflected, compare_to) -> bool:
    """Skip tables the models do not declare (alembic's own, SQLite FTS shadow tables) and
    the optional indexes made where an extension allows (the search's RUM index)."""
    if type_ == "index" and reflected and compare_to is None and name in OPTIONAL_INDEXES:
        return False
    return not (type_ == "table" and reflected and compare_to is None)


def test_downgrade_to_base_and_back(backend, empty_database_url):
    app = create_app(TestingConfig(backend.environ(DATABASE_URL=empty_database_url)))
    runner = app.test_cli_runner()
    for args in (["db", "upgrade"], ["db", "downgrade", "base"], ["db", "upgrade"]):
        result = runner.invoke(args=args)
        assert result.exit_code == 0, (args, result.output)
    with app.app_context():
        assert "users" in sa.inspect(db.engine).get_table_names()
        db.engine.dispose()
