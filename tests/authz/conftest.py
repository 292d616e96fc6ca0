"""One app and one world per matrix module; every case that writes is rolled back after."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from flask import Flask

from tests.authz.snapshot import Snapshot
from tests.authz.world import World, build_world
from tests.conftest import built_app

METRICS_TOKEN = "authz-metrics-token-0123456789abcdef"
# Requests come from outside (not loopback): /metrics is judged on its token alone.
CLIENT_ADDR = "10.9.8.7"


@pytest.fixture(scope="module")
def matrix_app(backend, schema, tmp_path_factory) -> Iterator[Flask]:
    uploads = tmp_path_factory.mktemp("authz") / "uploads"
    uploads.mkdir()
    environ = backend.environ(
        UPLOAD_DIR=str(uploads),
        # The matrix sends ~1,500 requests from one address: throttling is tested elsewhere.
        RATELIMIT_ENABLED="false",
        METRICS_TOKEN=METRICS_TOKEN,
    )
    with built_app(backend, environ) as app:
        app.config["AUTHZ_UPLOADS"] = uploads
        yield app


@pytest.fixture(scope="module")
def world(matrix_app: Flask) -> World:
    return build_world(matrix_app, matrix_app.config["AUTHZ_UPLOADS"])


@pytest.fixture(scope="module")
def snapshot(matrix_app: Flask, world: World, backend) -> Iterator[Snapshot]:
    snap = Snapshot(matrix_app, backend, matrix_app.config["AUTHZ_UPLOADS"])
    yield snap
    snap.close()


@pytest.fixture
def restored(snapshot: Snapshot) -> Iterator[Snapshot]:
    """The world as built; whatever the test wrote is undone after it."""
    snapshot.restore_if_dirty()
    snapshot.start_case()
    yield snapshot
    snapshot.restore_if_dirty()
