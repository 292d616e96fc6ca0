"""The issue's "done when", against real processes: an employer's company and job pass
moderation, a candidate finds it, pages through results, saves a search, and gets a live
``job.match`` over socket.io when a new matching job is published."""

from __future__ import annotations

import json

import pytest
import requests
from flask_jwt_extended import create_access_token

from tests.notifications.live_client import LiveClient
from tests.support.servers import celery_worker, gunicorn

pytestmark = [pytest.mark.postgres, pytest.mark.slow]


def _call(method: str, url: str, **kwargs) -> requests.Response:
    return requests.request(method, url, timeout=15, **kwargs)


def _token(app, user) -> dict[str, str]:
    with app.app_context():
        return {"Authorization": f"Bearer {create_access_token(identity=str(user.id))}"}


def test_post_moderate_find_save_and_get_a_live_alert(app, backend, tmp_path, make_user):
    employer = make_user(role="employer")
    admin = make_user(role="admin")
    candidate = make_user(role="candidate")
    as_employer, as_admin, as_candidate = (_token(app, u) for u in (employer, admin, candidate))

    with (
        celery_worker(backend.environ(), tmp_path=tmp_path),
        gunicorn(backend.environ(), async_mode="eventlet", tmp_path=tmp_path) as server,
    ):
        api = f"{server.url}/api/v1"
        company = _call(
            "POST", f"{api}/companies", json={"name": "Heliograph Analytics"}, headers=as_employer
        ).json()
        posted = _call(
            "POST",
            f"{api}/jobs",
            json={
                "company_id": company["id"],
                "title": "Senior Data Engineer",
                "description": "Own our Spark and Airflow pipelines.",
                "location": "Berlin, Germany",
                "country": "DE",
                "remote": "hybrid",
                "seniority": "senior",
                "skills": ["python", "apache spark", "airflow"],
                "status": "published",
            },
            headers=as_employer,
        ).json()
        assert posted["moderation_status"] == "pending"  # the company is not verified
        assert _call("GET", f"{api}/jobs?q=spark").json() == []
        decided = _call(
            "POST",
            f"{api}/admin/jobs/{posted['id']}/moderate",
            json={"decision": "approve"},
            headers=as_admin,
        )
        assert decided.status_code == 200

        found = _call("GET", f"{api}/jobs?q=spark&country=DE&skills=airflow,python")
        assert [job["id"] for job in found.json()] == [posted["id"]]
        first = _call("GET", f"{api}/jobs?page_size=1")
        assert json.loads(first.headers["X-Pagination"])["total"] == 1

        saved = _call(
            "POST",
            f"{api}/saved-searches",
            json={"name": "Data in Berlin", "q": "data engineer", "location": "berlin"},
            headers=as_candidate,
        )
        assert saved.status_code == 201
        _call(
            "PATCH", f"{api}/companies/{company['id']}", json={"verified": True}, headers=as_admin
        )

        live = LiveClient(server.url, as_candidate["Authorization"].split()[1]).connect()
        try:
            assert live.next_payload("unread_count") == {"count": 0}
            second = _call(
                "POST",
                f"{api}/jobs",
                json={
                    "company_id": company["id"],
                    "title": "Data Engineer",
                    "description": "dbt and Snowflake.",
                    "location": "Berlin, Germany",
                    "status": "published",
                },
                headers=as_employer,
            ).json()
            assert second["moderation_status"] == "approved"  # verified now
            note = live.next_payload("notification", timeout=30)
            assert note["type"] == "job.match"
            assert note["data"]["job_id"] == second["id"]
            assert note["data"]["saved_search_id"] == saved.json()["id"]
            assert live.next_payload("unread_count") == {"count": 1}
        finally:
            live.close()

        page = _call("GET", f"{api}/jobs?q=data%20engineer&page_size=1").json()
        cursor = json.loads(
            _call("GET", f"{api}/jobs?q=data%20engineer&page_size=1").headers["X-Pagination"]
        )["next_cursor"]
        rest = _call("GET", f"{api}/jobs?q=data%20engineer&page_size=1&cursor={cursor}").json()
        assert {page[0]["id"], rest[0]["id"]} == {posted["id"], second["id"]}
