"""Helpers for the users tests: SQL statement counting."""

from __future__ import annotations

import pytest

from tests.support.mail import Mailbox


@pytest.fixture
def mailbox(app) -> Mailbox:
    return Mailbox(app)
