"""Fixtures every domain's tests share (registered by tests/conftest.py).

Domain conftests hold only what is theirs (the applications' cast, the notifications'
raw tokens, the resumes' S3 server...).
"""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.support.api import Api
from tests.support.mail import Mailbox
from tests.support.panel import Panel


@pytest.fixture
def upload_dir(tmp_path: Path) -> Path:
    """Where this test's app stores files (the local storage backend)."""
    path = tmp_path / "uploads"
    path.mkdir()
    return path


@pytest.fixture
def mailbox(app) -> Mailbox:
    """The memory outbox, with Celery eager so mail queued after commit is delivered."""
    return Mailbox(app)


@pytest.fixture
def api(client, auth_headers) -> Api:
    return Api(client, auth_headers)


@pytest.fixture
def panel(client) -> Panel:
    """The admin panel through the test client (``tests/support/panel.py``)."""
    return Panel(client)


@pytest.fixture
def login(api):
    """``login(email, password)`` → the 200 body; asserts success."""
    return api.login


@pytest.fixture
def candidate(make_user):
    return make_user(role="candidate")


@pytest.fixture
def employer(make_user):
    return make_user(role="employer")


@pytest.fixture
def admin(make_user):
    return make_user(role="admin")


@pytest.fixture
def company(make, employer):
    """A company the ``employer`` owns."""
    return make("company", owner=employer)
