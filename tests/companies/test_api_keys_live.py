"""A revoked API key is refused at once by another server process (PostgreSQL + Redis)."""

from __future__ import annotations

import pytest
import requests
from flask_jwt_extended import create_access_token

from tests.support.servers import gunicorn

pytestmark = [pytest.mark.postgres, pytest.mark.slow]


def test_a_key_revoked_on_one_server_is_refused_by_another(app, backend, tmp_path, make, employer):
    company = make("company", owner=employer)
    make("job", company=company, title="Backend engineer")
    with app.app_context():
        owner = {"Authorization": f"Bearer {create_access_token(identity=str(employer.id))}"}
    keys = f"/api/v1/companies/{company.id}/api-keys"
    with (
        gunicorn(backend.environ(), async_mode="gevent", tmp_path=tmp_path) as first,
        gunicorn(backend.environ(), async_mode="gevent", tmp_path=tmp_path) as second,
    ):
        created = requests.post(
            first.url + keys,
            json={"name": "sync", "scopes": ["jobs:read"]},
            headers=owner,
            timeout=15,
        )
        assert created.status_code == 201, created.text
        as_key = {"Authorization": f"Bearer {created.json()['key']}"}
        # The second process knows the key (and caches nothing about it).
        for _ in range(3):
            mine = requests.get(second.url + "/api/v1/jobs/mine", headers=as_key, timeout=15)
            assert mine.status_code == 200, mine.text
            assert [job["title"] for job in mine.json()] == ["Backend engineer"]
        revoked = requests.delete(
            f"{first.url}{keys}/{created.json()['id']}", headers=owner, timeout=15
        )
        assert revoked.status_code == 204
        refused = requests.get(second.url + "/api/v1/jobs/mine", headers=as_key, timeout=15)
        assert refused.status_code == 401 and refused.json()["error"] == "unauthorized"
