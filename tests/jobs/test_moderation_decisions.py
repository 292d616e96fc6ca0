"""Moderation with reason codes and messages, the decision history, bulk decisions, audit."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from jobhub.audit.models import AuditEntry
from jobhub.db import db

ADMIN_JOBS = "/admin/jobs"


@pytest.fixture
def owner(make_user):
    return make_user(role="employer", email_verified=True)


@pytest.fixture
def jobs(make, owner):
    company = make("company", owner=owner, verified=False)
    return [make("job", company=company, moderation_status="pending") for _ in range(3)]


def _audit(app, action: str) -> list[AuditEntry]:
    with app.app_context():
        rows = list(db.session.scalars(select(AuditEntry).where(AuditEntry.action == action)))
        db.session.expunge_all()
        return rows


def test_rejection_with_a_code_and_message_reaches_the_employer(
    app, api, admin, owner, jobs, mailbox
):
    job = jobs[0]
    body = {"decision": "reject", "reason_code": "misleading", "message": "Salary is unreal."}
    assert api("POST", admin, f"{ADMIN_JOBS}/{job.id}/moderate", json=body)[
        "moderation_status"
    ] == ("rejected")
    [note] = [n for n in api("GET", owner, "/notifications") if n["type"] == "job.moderated"]
    assert note["data"]["reason_code"] == "misleading"
    assert note["data"]["message"] == "Salary is unreal."
    assert "misleading content" in note["body"] and "Salary is unreal." in note["body"]
    [mail] = mailbox.to(owner.email)
    assert "Salary is unreal." in mail.text
    [entry] = _audit(app, "job.moderated")
    assert entry.changes["moderation_status"] == ["pending", "rejected"]
    assert entry.changes["reason_code"] == [None, "misleading"]


def test_the_history_keeps_every_decision(api, admin, owner, jobs, make_user):
    job = jobs[0]
    api(
        "POST",
        admin,
        f"{ADMIN_JOBS}/{job.id}/moderate",
        json={"decision": "reject", "reason": "spam"},
    )
    api("POST", admin, f"{ADMIN_JOBS}/{job.id}/moderate", json={"decision": "approve"})
    first, second = api("GET", owner, f"/jobs/{job.id}/moderation-history")
    assert (first["decision"], first["reason_code"], first["from_status"]) == (
        "reject",
        "spam",
        "pending",
    )
    assert (second["decision"], second["reason_code"], second["from_status"]) == (
        "approve",
        None,
        "rejected",
    )
    assert first["actor_id"] == admin.id and first["created_at"].endswith("Z")
    assert len(api("GET", admin, f"/jobs/{job.id}/moderation-history")) == 2
    outsider = make_user(role="employer")
    assert api.get(outsider, f"/jobs/{job.id}/moderation-history").status_code == 404
    assert api.get(make_user(), f"/jobs/{job.id}/moderation-history").status_code == 404


@pytest.mark.parametrize(
    "body",
    [
        {"decision": "reject"},
        {"decision": "reject", "reason_code": "boring"},
        {"decision": "reject", "reason_code": "spam", "message": "a\x00b"},
        {"decision": "approve", "message": "x" * 2001},
    ],
)
def test_invalid_decisions_change_nothing(app, api, admin, jobs, body):
    response = api.post(admin, f"{ADMIN_JOBS}/{jobs[0].id}/moderate", json=body)
    assert response.status_code == 422, response.get_json()
    assert _audit(app, "job.moderated") == []


def test_free_text_reason_still_works(api, admin, owner, jobs):
    body = {"decision": "reject", "reason": "Asks for a fee."}
    job = api("POST", admin, f"{ADMIN_JOBS}/{jobs[0].id}/moderate", json=body)
    assert job["moderation_reason"] == "Asks for a fee."
    [decision] = api("GET", owner, f"/jobs/{jobs[0].id}/moderation-history")
    assert (decision["reason_code"], decision["message"]) == ("other", "Asks for a fee.")


def test_bulk_decisions(app, api, admin, owner, jobs):
    ids = [job.id for job in jobs]
    body = {
        "ids": ids,
        "decision": "reject",
        "reason_code": "duplicate",
        "message": "Posted twice.",
    }
    results = api("POST", admin, f"{ADMIN_JOBS}/moderate", json=body)["results"]
    assert results == [{"index": i, "id": ids[i], "status": "rejected"} for i in range(3)]
    assert len(_audit(app, "job.moderated")) == 3
    notes = [n for n in api("GET", owner, "/notifications") if n["type"] == "job.moderated"]
    assert len(notes) == 3


@pytest.mark.parametrize(
    ("ids", "where"),
    [
        ("missing", "1"),
        ("duplicate", "ids"),
        ("empty", "ids"),
        ("huge", "ids"),
    ],
)
def test_bulk_is_validated_whole_before_anything_changes(app, api, admin, jobs, ids, where):
    known = [job.id for job in jobs]
    payload = {
        "missing": [known[0], 999_999, known[1]],
        "duplicate": [known[0], known[0]],
        "empty": [],
        "huge": [2**31],
    }[ids]
    response = api.post(
        admin, f"{ADMIN_JOBS}/moderate", json={"ids": payload, "decision": "approve"}
    )
    assert response.status_code == 422, response.get_json()
    assert where in response.get_json()["errors"]["json"]["ids"] or where == "ids"
    assert _audit(app, "job.moderated") == []
    for job in jobs:
        assert api("GET", admin, f"/jobs/{job.id}")["moderation_status"] == "pending"


def test_bulk_is_for_admins(api, owner, jobs):
    body = {"ids": [jobs[0].id], "decision": "approve"}
    assert api.post(owner, f"{ADMIN_JOBS}/moderate", json=body).status_code == 403


def test_ids_past_the_column_range_are_404(api, admin):
    huge = 2**40
    response = api.post(admin, f"{ADMIN_JOBS}/{huge}/moderate", json={"decision": "approve"})
    assert response.status_code == 404
    assert api.get(admin, f"/jobs/{huge}/moderation-history").status_code == 404
