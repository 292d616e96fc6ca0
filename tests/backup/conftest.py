"""Backup test fixtures: an upload directory, fresh databases to restore into, S3 on moto."""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
import sqlalchemy as sa
from flask import Flask

from jobhub import create_app
from jobhub.config import TestingConfig
from jobhub.db import db
from tests.resumes.conftest import moto_endpoint, s3_settings  # noqa: F401 (shared fixtures)


@pytest.fixture
def fresh_app(backend, tmp_path: Path) -> Iterator[Callable[..., Flask]]:
    """``fresh_app(**env)``: an app on a new, empty database and a new upload directory."""
    admin = sa.create_engine(backend.admin_url, isolation_level="AUTOCOMMIT")
    made: list[tuple[Flask, str]] = []

    def make(**extra: str) -> Flask:
        name = f"jobhub_restore_{uuid.uuid4().hex[:8]}"
        with admin.connect() as connection:
            connection.execute(sa.text(f'CREATE DATABASE "{name}"'))
        url = sa.engine.make_url(backend.admin_url).set(database=name)
        uploads = tmp_path / f"restored-uploads-{len(made)}"
        env = backend.environ(
            DATABASE_URL=url.render_as_string(hide_password=False), UPLOAD_DIR=str(uploads), **extra
        )
        app = create_app(TestingConfig(env))
        made.append((app, name))
        return app

    yield make
    for app, name in made:
        with app.app_context():
            db.session.remove()
            db.engine.dispose()
        with admin.connect() as connection:
            connection.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()
