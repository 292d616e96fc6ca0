"""Helpers for the notification tests."""

from __future__ import annotations

import pytest
from flask_jwt_extended import create_access_token, create_refresh_token

from jobhub.db import transaction
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
def tokens(app):
    """Raw tokens for a user: ``tokens(user)`` (access) or ``tokens(user, refresh=True)``."""

    def make(user, *, refresh: bool = False, **kwargs) -> str:
        with app.app_context():
            create = create_refresh_token if refresh else create_access_token
            return create(identity=str(user.id), **kwargs)

    return make
