"""Job and interview events, raised by their domains' signals, reach subscribed endpoints."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import text
from standardwebhooks import Webhook

from jobhub.db import db, utcnow
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


def test_the_expiry_sweep_raises_job_closed(app, register, receiver, make, company):
    """jobs.close_expired (beat) closes through the same signal as a close by the company."""
    from jobhub.jobs.tasks import close_expired

    created = register(receiver.url, events=["job.closed"])
    expired = make("job", company=company, expires_at=utcnow() - timedelta(minutes=1))
    make("job", company=company)  # live: stays published, raises nothing
    with app.app_context():
        assert close_expired.apply().get() == 1
        assert close_expired.apply().get() == 0  # nothing more to close, nothing sent again
    payloads = [Webhook(created["secret"]).verify(r.body, r.headers) for r in receiver.requests]
    assert [(p["type"], p["data"]["job_id"]) for p in payloads] == [("job.closed", expired.id)]
    assert payloads[0]["data"]["from_status"] == "published"
    assert payloads[0]["data"]["status"] == "closed"


def test_a_company_deletion_raises_job_closed(
    client, register, receiver, make, company, owner_headers
):
    created = register(receiver.url, events=["job.closed"])
    published = make("job", company=company)
    make("job", company=company, status="draft")  # not published: nothing to close
    response = client.delete(f"{API}/companies/{company.id}", headers=owner_headers)
    assert response.status_code == 204, response.get_json()
    payloads = [Webhook(created["secret"]).verify(r.body, r.headers) for r in receiver.requests]
    assert [(p["type"], p["data"]["job_id"]) for p in payloads] == [("job.closed", published.id)]


@pytest.mark.postgres
def test_the_sweep_skips_a_job_being_edited_and_closes_it_next_time(
    app, register, receiver, make, company
):
    """A job locked by another transaction (an edit in flight) is left for the next sweep,
    not waited for, and each job raises job.closed once."""
    from jobhub.jobs.tasks import close_expired

    created = register(receiver.url, events=["job.closed"])
    past = utcnow() - timedelta(minutes=1)
    busy, free = (make("job", company=company, expires_at=past) for _ in range(2))
    with app.app_context():
        with db.engine.connect() as other:
            other.execute(text("SELECT id FROM jobs WHERE id = :id FOR UPDATE"), {"id": busy.id})
            assert close_expired.apply().get() == 1
            other.rollback()
        assert close_expired.apply().get() == 1
    payloads = [Webhook(created["secret"]).verify(r.body, r.headers) for r in receiver.requests]
    assert [p["data"]["job_id"] for p in payloads] == [free.id, busy.id]
