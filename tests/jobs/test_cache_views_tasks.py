"""The anonymous search cache, view counting, and the periodic job tasks."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import text

from jobhub.db import db, utcnow
from jobhub.jobs.models import Job, JobStatus
from jobhub.jobs.tasks import close_expired, flush_views

API = "/api/v1/jobs"


def _titles(client, headers=None, query="") -> list[str]:
    return [job["title"] for job in client.get(f"{API}?{query}", headers=headers or {}).get_json()]


def _rename_behind_the_apps_back(app, job_id: int, title: str) -> None:
    with app.app_context():
        db.session.execute(
            text("UPDATE jobs SET title = :title WHERE id = :id"), {"title": title, "id": job_id}
        )
        db.session.commit()


@pytest.mark.postgres
def test_anonymous_results_are_cached_until_a_job_changes(
    app, client, make, make_user, auth_headers
):
    owner = make_user(role="employer")
    job = make("job", company=make("company", owner=owner), title="Welder")
    assert client.get(API).headers["X-Cache"] == "miss"
    _rename_behind_the_apps_back(app, job.id, "Plumber")
    assert _titles(client) == ["Welder"]  # served from Redis
    assert client.get(API).headers["X-Cache"] == "hit"
    assert _titles(client, query="page_size=5") == ["Plumber"]  # another key
    assert _titles(client, headers=auth_headers(owner)) == ["Plumber"]  # never cached
    assert "X-Cache" not in client.get(API, headers=auth_headers(owner)).headers
    response = client.patch(
        f"{API}/{job.id}", json={"title": "Electrician"}, headers=auth_headers(owner)
    )
    assert response.status_code == 200
    assert _titles(client) == ["Electrician"]  # the write retired every cached page


@pytest.mark.postgres
def test_moderation_and_expiry_invalidate_too(app, client, make, make_user, auth_headers):
    admin = make_user(role="admin")
    company = make("company")
    welder = make("job", company=company, title="Welder")
    plumber = make("job", company=company, title="Plumber")
    assert sorted(_titles(client)) == ["Plumber", "Welder"]
    rejected = client.post(
        f"/api/v1/admin/jobs/{welder.id}/moderate",
        json={"decision": "reject", "reason_code": "spam"},
        headers=auth_headers(admin),
    )
    assert rejected.status_code == 200, rejected.get_json()
    assert _titles(client) == ["Plumber"]
    with app.app_context():
        # Closed by the task, behind a cached page: the task's write must retire it.
        db.session.execute(
            text("UPDATE jobs SET expires_at = :past, title = 'Gone' WHERE id = :id"),
            {"past": utcnow() - timedelta(minutes=1), "id": plumber.id},
        )
        db.session.commit()
        assert _titles(client, query="page_size=7") == []
        db.session.execute(
            text("UPDATE jobs SET expires_at = :future WHERE id = :id"),
            {"future": utcnow() + timedelta(days=1), "id": plumber.id},
        )
        db.session.commit()
        assert _titles(client) == ["Plumber"]  # still cached
        db.session.execute(
            text("UPDATE jobs SET expires_at = :past WHERE id = :id"),
            {"past": utcnow() - timedelta(minutes=1), "id": plumber.id},
        )
        db.session.commit()
        assert close_expired.apply().get() == 1
    assert _titles(client) == []


def test_views_are_counted_for_the_audience_only(app, client, make, make_user, auth_headers):
    owner = make_user(role="employer")
    job = make("job", company=make("company", owner=owner))
    assert [client.get(f"{API}/{job.id}").get_json()["views"] for _ in range(3)] == [1, 2, 3]
    candidate = make_user(role="candidate")
    assert client.get(f"{API}/{job.id}", headers=auth_headers(candidate)).get_json()["views"] == 4
    assert client.get(f"{API}/{job.id}", headers=auth_headers(owner)).get_json()["views"] == 4
    with app.app_context():
        flush_views.apply().get()
        assert db.session.get(Job, job.id).views == 4


def test_views_of_non_public_jobs_are_not_counted(app, client, make, make_user, auth_headers):
    owner = make_user(role="employer")
    job = make("job", company=make("company", owner=owner), status="draft")
    client.get(f"{API}/{job.id}", headers=auth_headers(owner))
    with app.app_context():
        flush_views.apply().get()
        assert db.session.get(Job, job.id).views == 0


@pytest.mark.postgres
def test_views_wait_in_redis_until_the_flush(app, client, make):
    job = make("job", company=make("company"))
    for _ in range(5):
        client.get(f"{API}/{job.id}")
    with app.app_context():
        assert db.session.get(Job, job.id).views == 0  # no write per request
        db.session.rollback()
        assert flush_views.apply().get() == 5
        assert db.session.get(Job, job.id).views == 5
        assert flush_views.apply().get() == 0
    assert client.get(f"{API}/{job.id}").get_json()["views"] == 6


def test_expired_jobs_are_closed(app, make):
    company = make("company")
    expired = make("job", company=company, expires_at=utcnow() - timedelta(hours=1))
    live = make("job", company=company)
    draft = make("job", company=company, status="draft", expires_at=utcnow() - timedelta(days=1))
    with app.app_context():
        assert close_expired.apply().get() == 1
        assert close_expired.apply().get() == 0
        statuses = {
            job_id: db.session.get(Job, job_id).status for job_id in (expired.id, live.id, draft.id)
        }
    assert statuses == {
        expired.id: JobStatus.CLOSED,
        live.id: JobStatus.PUBLISHED,
        draft.id: JobStatus.DRAFT,
    }


def test_job_tasks_are_scheduled(app):
    schedule = app.extensions["celery"].conf.beat_schedule
    tasks = {entry["task"] for entry in schedule.values()}
    assert {"jobs.close_expired", "jobs.flush_views"} <= tasks
