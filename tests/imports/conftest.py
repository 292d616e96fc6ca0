"""Import tests: the task runs in-process (eager), on both backends."""

from __future__ import annotations

import pytest

from tests.support.mail import eager_tasks


@pytest.fixture(autouse=True)
def eager(app):
    eager_tasks(app)
