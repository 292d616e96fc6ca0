"""The receiver example of docs/webhooks.md verifies a real delivery (and refuses a forgery)."""

from __future__ import annotations

import re
from pathlib import Path

DOC = Path(__file__).resolve().parents[2] / "docs" / "webhooks.md"


def _example() -> dict:
    code = re.search(r"```python\n(.*?)```", DOC.read_text(), re.S).group(1)
    namespace: dict = {}
    exec(compile(code, str(DOC), "exec"), namespace)  # noqa: S102  (our own document)
    return namespace


def test_the_documented_receiver_verifies_a_delivery(register, receiver, client, owner_headers):
    created = register(receiver.url)
    response = client.post(f"/api/v1/webhooks/{created['id']}/test", headers=owner_headers)
    assert response.status_code == 202
    [request] = receiver.requests
    verify = _example()["verify"]
    assert verify(created["secret"], request.headers, request.body.encode()) is True
    assert verify(created["secret"], request.headers, request.body.encode() + b" ") is False
