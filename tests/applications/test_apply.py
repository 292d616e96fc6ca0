"""Applying: public jobs only, one active application per job, the count kept true."""

from __future__ import annotations

import threading
from datetime import timedelta

import pytest
from sqlalchemy import event, func, select

from jobhub.applications import services
from jobhub.applications.models import Application, ApplicationEvent, ApplicationStatus
from jobhub.db import db, utcnow
from jobhub.jobs.models import Job


def _count(app, job) -> int:
    with app.app_context():
        return db.session.scalar(select(Job.applications_count).where(Job.id == job.id))


def test_apply_creates_the_application_with_its_first_move(app, api, world):
    body = api.apply(world.candidate, world.job, cover_letter="  I build robots.  ")
    assert body["status"] == "applied"
    assert body["job"] == {
        "id": world.job.id,
        "title": "Backend Engineer",
        "company_id": world.company.id,
        "company_name": "Acme Robotics",
        "location": None,
        "status": "published",
    }
    assert body["cover_letter"] == "I build robots."
    assert body["match_score"] is None and body["resume_id"] is None
    assert "candidate" not in body and "rejection_reason" not in body
    history = api.get(world.candidate, f"/applications/{body['id']}/history").get_json()
    assert [(m["from"], m["to"], m["actor"]["side"]) for m in history] == [
        (None, "applied", "candidate")
    ]
    assert set(history[0]) == {"id", "from", "to", "actor", "note", "at"}
    assert history[0]["actor"] == {
        "id": world.candidate.id,
        "full_name": world.candidate.full_name,
        "side": "candidate",
    }
    assert _count(app, world.job) == 1


def test_the_company_is_told_of_a_new_application(api, world):
    application = api.apply(world.candidate, world.job)
    for member in (world.member, world.recruiter):
        [note] = api.get(member, "/notifications?type=application.received").get_json()
        assert note["data"]["application_id"] == application["id"]
        assert "Carla Candidate" in note["body"]
    assert api.get(world.other_employer, "/notifications").get_json() == []


@pytest.mark.parametrize(
    "state",
    [
        {"status": "draft", "moderation_status": "pending"},
        {"moderation_status": "pending"},
        {"moderation_status": "rejected"},
        {"moderation_status": "flagged"},
        {"status": "closed"},
        {"expired": True},
        {"deleted": True},
    ],
    ids=["draft", "pending", "rejected", "flagged", "closed", "expired", "deleted"],
)
def test_only_public_jobs_take_applications(api, make, world, state):
    fields = {k: v for k, v in state.items() if k not in ("expired", "deleted")}
    if state.get("expired"):
        fields["expires_at"] = utcnow() - timedelta(minutes=1)
    if state.get("deleted"):
        fields["deleted_at"] = utcnow()
    job = make("job", company=world.company, **fields)
    response = api.post(world.candidate, f"/jobs/{job.id}/applications", json={})
    assert response.status_code == 404
    assert response.get_json()["error"] == "not_found"
    assert api.post(world.candidate, "/jobs/999999/applications", json={}).status_code == 404


@pytest.mark.parametrize("role", ["member", "other_employer", "admin"])
def test_only_candidates_apply(api, world, role):
    response = api.post(world.role(role), f"/jobs/{world.job.id}/applications", json={})
    assert response.status_code == 403
    assert api.post(None, f"/jobs/{world.job.id}/applications", json={}).status_code == 401


@pytest.mark.parametrize(
    "payload",
    [
        {"cover_letter": "x" * 10_001},
        {"resume_id": 0},
        {"resume_id": "abc"},
        {"status": "hired"},
        {"candidate_id": 1},
    ],
)
def test_bad_input_is_422_and_changes_nothing(app, api, world, payload):
    response = api.post(world.candidate, f"/jobs/{world.job.id}/applications", json=payload)
    assert response.status_code == 422
    assert response.get_json()["error"] == "validation_error"
    assert _count(app, world.job) == 0


def test_a_second_active_application_is_a_duplicate(app, api, world):
    first = api.apply(world.candidate, world.job)
    again = api.post(world.candidate, f"/jobs/{world.job.id}/applications", json={})
    assert again.status_code == 409 and again.get_json()["error"] == "duplicate"
    # Another candidate, or another job, is fine.
    api.apply(world.other_candidate, world.job)
    api.apply(world.candidate, world.other_job)
    # After withdrawing, a candidate may apply again.
    api.move(world.candidate, first["id"], "withdrawn")
    second = api.apply(world.candidate, world.job)
    assert second["id"] != first["id"]
    assert _count(app, world.job) == 2


def test_the_database_refuses_a_duplicate_the_early_check_missed(app, api, world, monkeypatch):
    api.apply(world.candidate, world.job)
    monkeypatch.setattr(services, "has_active_application", lambda **_: False)
    again = api.post(world.candidate, f"/jobs/{world.job.id}/applications", json={})
    assert again.status_code == 409
    assert again.get_json()["error"] == "duplicate"  # our envelope, not the commit's conflict
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(Application)) == 1
        assert db.session.scalar(select(func.count()).select_from(ApplicationEvent)) == 1
    assert _count(app, world.job) == 1


def test_hired_blocks_a_new_application_but_rejected_does_not(api, make, world):
    make("application", job=world.job, candidate=world.candidate, status="hired")
    make("application", job=world.other_job, candidate=world.candidate, status="rejected")
    refused = api.post(world.candidate, f"/jobs/{world.job.id}/applications", json={})
    assert refused.status_code == 409
    api.apply(world.candidate, world.other_job)


def test_applications_count_counts_every_application_not_withdrawn(app, api, make, world):
    candidates = [world.candidate, world.other_candidate] + [
        make("user", role="candidate") for _ in range(3)
    ]
    ids = [api.apply(candidate, world.job)["id"] for candidate in candidates]
    api.move(world.member, ids[0], "rejected", reason="not_qualified")
    api.move(candidates[1], ids[1], "withdrawn")
    api.move(world.member, ids[2], "screening")
    api.move(candidates[2], ids[2], "withdrawn")
    with app.app_context():
        not_withdrawn = db.session.scalar(
            select(func.count()).where(
                Application.job_id == world.job.id,
                Application.status != ApplicationStatus.WITHDRAWN,
            )
        )
    assert not_withdrawn == 3
    assert _count(app, world.job) == 3
    shown = api.get(world.member, f"/jobs/{world.job.id}").get_json()
    assert shown["applications_count"] == 3


def test_applying_does_not_count_as_editing_the_job(app, api, world):
    with app.app_context():
        before = db.session.get(Job, world.job.id).updated_at
    api.apply(world.candidate, world.job)
    with app.app_context():
        assert db.session.get(Job, world.job.id).updated_at == before


def test_closing_a_job_keeps_its_applications(api, world):
    application = api.apply(world.candidate, world.job)
    closed = api.patch(world.member, f"/jobs/{world.job.id}", json={"status": "closed"})
    assert closed.status_code == 200
    for user in (world.candidate, world.member):
        body = api.get(user, f"/applications/{application['id']}").get_json()
        assert body["status"] == "applied" and body["job"]["status"] == "closed"
    assert api.move(world.member, application["id"], "rejected", reason="position_filled")


@pytest.mark.postgres
def test_two_simultaneous_applies_one_wins_one_is_a_duplicate(app, world, auth_headers):
    """Both requests pass the early check before either inserts: the index decides."""
    both_checked = threading.Barrier(2, timeout=10)
    held: list[int] = []

    def hold_inserts(_conn, _cursor, statement, *_args) -> None:
        if statement.startswith("INSERT INTO applications "):
            held.append(both_checked.wait())

    with app.app_context():
        engine = db.engine
    event.listen(engine, "before_cursor_execute", hold_inserts)
    responses: list = []

    def apply_once() -> None:
        client = app.test_client()
        responses.append(
            client.post(
                f"/api/v1/jobs/{world.job.id}/applications",
                json={"cover_letter": "me"},
                headers=auth_headers(world.candidate),
            )
        )

    threads = [threading.Thread(target=apply_once) for _ in range(2)]
    try:
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(30)
    finally:
        event.remove(engine, "before_cursor_execute", hold_inserts)
    assert sorted(held) == [0, 1]  # both inserted after both had checked
    statuses = sorted(response.status_code for response in responses)
    assert statuses == [201, 409]
    loser = next(r for r in responses if r.status_code == 409)
    assert loser.get_json()["error"] == "duplicate"
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(Application)) == 1
    assert _count(app, world.job) == 1
