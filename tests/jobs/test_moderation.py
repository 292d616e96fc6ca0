"""Reports, automatic flagging, and admins' moderation decisions."""

from __future__ import annotations

import json

import pytest
from sqlalchemy import select

from jobhub.db import db
from jobhub.jobs.moderation.models import JobReport, ReportStatus

API = "/api/v1/jobs"


@pytest.fixture
def job(make, company):
    return make("job", company=company, title="Too Good To Be True")


def _report(client, headers, job_id, reason="scam"):
    return client.post(
        f"{API}/{job_id}/report",
        json={"reason": reason, "details": "Asks for a fee."},
        headers=headers,
    )


def test_a_user_reports_a_job_once(client, make_user, auth_headers, job):
    candidate = make_user(role="candidate")
    first = _report(client, auth_headers(candidate), job.id)
    assert first.status_code == 201
    assert first.get_json()["reason"] == "scam" and first.get_json()["status"] == "open"
    again = _report(client, auth_headers(candidate), job.id, reason="spam")
    assert again.status_code == 409 and again.get_json()["error"] == "duplicate"


def test_reporting_needs_a_token_a_visible_job_and_a_reason(
    client, make, make_user, auth_headers, employer, job
):
    assert client.post(f"{API}/{job.id}/report", json={"reason": "spam"}).status_code == 401
    candidate = make_user(role="candidate")
    bad = client.post(
        f"{API}/{job.id}/report", json={"reason": "boring"}, headers=auth_headers(candidate)
    )
    assert bad.status_code == 422
    draft = make("job", company=make("company"), status="draft", moderation_status="pending")
    assert _report(client, auth_headers(candidate), draft.id).status_code == 404
    own = _report(client, auth_headers(employer), job.id)
    assert own.status_code == 403


def test_three_open_reports_flag_and_hide_the_job(client, make_user, auth_headers, employer, job):
    reporters = [make_user(role="candidate") for _ in range(3)]
    for reporter in reporters[:2]:
        _report(client, auth_headers(reporter), job.id)
    assert client.get(f"{API}/{job.id}").status_code == 200
    _report(client, auth_headers(reporters[2]), job.id)
    assert client.get(f"{API}/{job.id}").status_code == 404
    assert client.get(API).get_json() == []
    mine = client.get(f"{API}/{job.id}", headers=auth_headers(employer)).get_json()
    assert mine["moderation_status"] == "flagged"


def test_admin_approval_unflags_and_resolves_reports(
    app, client, make_user, auth_headers, make, job, admin
):
    for _ in range(3):
        make("report", job=job, reporter=make_user(role="candidate"))
    reporter = make_user(role="candidate")
    _report(client, auth_headers(reporter), job.id)  # the 4th report flags it now
    queue = client.get("/api/v1/admin/jobs/queue", headers=auth_headers(admin))
    assert [j["id"] for j in queue.get_json()] == [job.id]
    assert json.loads(queue.headers["X-Pagination"])["total"] == 1
    response = client.post(
        f"/api/v1/admin/jobs/{job.id}/moderate",
        json={"decision": "approve", "reason": "Checked with the employer."},
        headers=auth_headers(admin),
    )
    assert response.status_code == 200
    assert response.get_json()["moderation_status"] == "approved"
    assert client.get(f"{API}/{job.id}").status_code == 200
    with app.app_context():
        statuses = set(db.session.scalars(select(JobReport.status)))
        assert statuses == {ReportStatus.RESOLVED}
    # New reports after a decision count afresh.
    assert _report(client, auth_headers(make_user(role="candidate")), job.id).status_code == 201
    assert client.get(f"{API}/{job.id}").status_code == 200


def test_admin_rejection_hides_the_job(client, auth_headers, job, admin):
    response = client.post(
        f"/api/v1/admin/jobs/{job.id}/moderate",
        json={"decision": "reject", "reason": "Scam."},
        headers=auth_headers(admin),
    )
    assert response.get_json()["moderation_status"] == "rejected"
    assert client.get(f"{API}/{job.id}").status_code == 404


def test_only_admins_moderate(client, make_user, auth_headers, employer, job, admin):
    for user in (employer, make_user(role="candidate")):
        response = client.post(
            f"/api/v1/admin/jobs/{job.id}/moderate",
            json={"decision": "approve"},
            headers=auth_headers(user),
        )
        assert response.status_code == 403
    assert client.get("/api/v1/admin/jobs/queue", headers=auth_headers(employer)).status_code == 403
    bad = client.post(
        f"/api/v1/admin/jobs/{job.id}/moderate",
        json={"decision": "maybe"},
        headers=auth_headers(admin),
    )
    assert bad.status_code == 422
    missing = client.post(
        "/api/v1/admin/jobs/999999/moderate",
        json={"decision": "approve"},
        headers=auth_headers(admin),
    )
    assert missing.status_code == 404


def test_pending_jobs_wait_in_the_queue(client, make, make_user, auth_headers, admin):
    company = make("company", verified=False)
    pending = make("job", company=company, moderation_status="pending")
    make("job", company=company, status="draft", moderation_status="pending")
    queue = client.get(
        "/api/v1/admin/jobs/queue?moderation_status=pending", headers=auth_headers(admin)
    )
    assert [j["id"] for j in queue.get_json()] == [pending.id]


def _notifications(client, auth_headers, user) -> list[dict]:
    response = client.get("/api/v1/notifications", headers=auth_headers(user))
    assert response.status_code == 200
    return response.get_json()


def test_members_are_told_of_a_decision(
    client, make, make_user, auth_headers, employer, company, job, admin
):
    recruiter = make_user(role="employer")
    make("member", company=company, user=recruiter)
    outsider = make_user(role="employer")
    client.post(
        f"/api/v1/admin/jobs/{job.id}/moderate",
        json={"decision": "reject", "reason": "Asks applicants for a fee."},
        headers=auth_headers(admin),
    )
    for member in (employer, recruiter):
        [note] = [
            n for n in _notifications(client, auth_headers, member) if n["type"] == "job.moderated"
        ]
        assert note["data"]["job_id"] == job.id
        assert note["data"]["decision"] == "reject"
        assert "Asks applicants for a fee." in note["body"]
    assert not [
        n for n in _notifications(client, auth_headers, outsider) if n["type"] == "job.moderated"
    ]


def test_reports_alone_notify_nobody(client, make_user, auth_headers, employer, job):
    for _ in range(3):
        _report(client, auth_headers(make_user(role="candidate")), job.id)
    assert not [
        n for n in _notifications(client, auth_headers, employer) if n["type"] == "job.moderated"
    ]
