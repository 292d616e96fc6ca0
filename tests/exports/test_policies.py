"""Who may read an export: its owner, nobody else (admins included)."""

from types import SimpleNamespace

import pytest

from jobhub.exports import policies


@pytest.mark.parametrize(
    ("user_id", "role", "allowed"),
    [
        (1, "candidate", True),
        (1, "employer", True),
        (2, "candidate", False),
        (2, "employer", False),
        (3, "admin", False),
    ],
)
def test_only_the_owner_reads_an_export(user_id, role, allowed):
    user = SimpleNamespace(id=user_id, role=role)
    export = SimpleNamespace(owner_id=1)
    assert policies.can_read_export(user, export) is allowed
