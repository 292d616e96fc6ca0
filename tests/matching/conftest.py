"""Matching test fixtures: committed rows from the factories, query counting, an upload dir."""

from __future__ import annotations

from pathlib import Path

import pytest


@pytest.fixture
def app_environ(backend, tmp_path: Path) -> dict[str, str]:
    uploads = tmp_path / "uploads"
    uploads.mkdir()
    return backend.environ(UPLOAD_DIR=str(uploads))


@pytest.fixture
def candidate(make_user):
    return make_user(role="candidate")


@pytest.fixture
def company(make, make_user):
    return make("company", owner=make_user(role="employer"))
