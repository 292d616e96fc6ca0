"""Job and interview events, raised by their domains' signals, reach subscribed endpoints."""

from __future__ import annotations

from datetime import timedelta

from standardwebhooks import Webhook

from jobhub.db import utcnow
from tests.webhooks.conftest import API

EVENTS = ["job.published", "job.closed", "job.moderated"]


def test_job_events(client, register, receiver, company, owner_headers, admin, auth_headers):
    created = register(receiver.url, events=EVENTS)
    body = {
        "company_id": company.id,
        "title": "Data Engineer",
        "description": "Pipelines.",
        "status": "published",
    }
    response = client.post(f"{API}/jobs", json=body, headers=owner_headers)
    assert response.status_code == 201, response.get_json()
    job_id = response.get_json()["id"]
    moderated = client.post(
        f"{API}/admin/jobs/{job_id}/moderate",
        json={"decision": "approve"},
        headers=auth_headers(admin),
    )
    assert moderated.status_code == 200, moderated.get_json()
    closed = client.patch(f"{API}/jobs/{job_id}", json={"status": "closed"}, headers=owner_headers)
    assert closed.status_code == 200, closed.get_json()
    payloads = [Webhook(created["secret"]).verify(r.body, r.headers) for r in receiver.requests]
    assert [p["type"] for p in payloads] == ["job.published", "job.moderated", "job.closed"]
    assert payloads[0]["data"]["job_id"] == job_id
    assert "title" not in payloads[0]["data"]  # thin by default
    assert payloads[1]["data"]["decision"] == "approve"
    assert payloads[2]["data"]["from_status"] == "published"


def test_interview_events(client, register, receiver, make, company, candidate, owner_headers):
    created = register(
        receiver.url,
        events=["interview.scheduled", "interview.updated", "interview.cancelled"],
        include_personal_data=True,
    )
    job = make("job", company=company)
    application = make("application", job=job, candidate=candidate, status="screening")
    starts = (utcnow() + timedelta(days=3)).replace(microsecond=0)
    response = client.post(
        f"{API}/applications/{application.id}/interviews",
        json={
            "starts_at": starts.isoformat(),
            "duration_minutes": 45,
            "kind": "video",
            "location": "https://meet.example.com/abc",
        },
        headers=owner_headers,
    )
    assert response.status_code == 201, response.get_json()
    interview_id = response.get_json()["id"]
    later = (starts + timedelta(hours=2)).isoformat()
    url = f"{API}/interviews/{interview_id}"
    assert client.patch(url, json={"starts_at": later}, headers=owner_headers).status_code == 200
    assert client.delete(url, headers=owner_headers).status_code == 204
    payloads = [Webhook(created["secret"]).verify(r.body, r.headers) for r in receiver.requests]
    assert [p["type"] for p in payloads] == [
        "interview.scheduled",
        "interview.updated",
        "interview.cancelled",
    ]
    assert payloads[0]["data"]["interview_id"] == interview_id
    assert payloads[0]["data"]["duration_minutes"] == 45  # personal data opted in
    assert payloads[2]["data"]["status"] == "cancelled"
